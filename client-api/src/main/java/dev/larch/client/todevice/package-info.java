/**
 * The send-to-device endpoint.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#send-to-device-messaging">client-server API
 * v1.11, "Send-to-Device messaging"</a>.
 */
package dev.larch.client.todevice;
