package dev.larch.core.todevice;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One to-device message waiting in a device's inbox.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#send-to-device-messaging">client-server API
 * v1.11, "Send-to-Device messaging"</a>.
 *
 * @param userId the recipient
 * @param deviceId the recipient device
 * @param content as the sender sent it
 * @param streamPosition its position in the to-device stream (0 before it is stored)
 */
public record ToDeviceMessage(
    String userId, String deviceId, String sender, String type, ObjectNode content, long streamPosition) {}
