package dev.larch.core.todevice;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Where {@link ToDeviceService} hands the part of a send addressed to users of other servers: the federation
 * sender, which queues one {@code m.direct_to_device} EDU per server, durably, before the client's request returns.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#send-to-device-messaging">server-server API
 * v1.11, "Send-to-device messaging"</a>.
 */
@FunctionalInterface
public interface RemoteToDevice {
  /**
   * Queues messages of one send for remote users.
   *
   * @param messages remote user ID to device ID (or {@code *}) to content, as the client sent them
   */
  void send(String sender, String eventType, Map<String, Map<String, ObjectNode>> messages);

  /** Drops them (no federation): what the service did before federation. */
  RemoteToDevice NONE = (sender, type, messages) -> {};
}
