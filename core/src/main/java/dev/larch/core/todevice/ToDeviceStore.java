package dev.larch.core.todevice;

import java.util.Collection;
import java.util.List;

/**
 * Port: per-device inboxes of to-device messages, with a stream of their own for {@code /sync}, and the sending
 * devices' transaction IDs. Every method is one transaction.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#send-to-device-messaging">client-server API
 * v1.11, "Send-to-Device messaging"</a>.
 */
public interface ToDeviceStore {
  /**
   * Stores the messages of one send under one new stream position, unless the sending device already used
   * {@code txnId}: then nothing is stored and this returns false.
   */
  boolean send(String senderUserId, String senderDeviceId, String txnId, List<ToDeviceMessage> messages);

  /** The device's messages in {@code (afterExclusive, untilInclusive]}, oldest first, at most {@code limit}. */
  List<ToDeviceMessage> inbox(String userId, String deviceId, long afterExclusive, long untilInclusive, int limit);

  /** Deletes the device's messages up to {@code upToInclusive} (delivered and acknowledged); returns how many. */
  int acknowledge(String userId, String deviceId, long upToInclusive);

  /** Deletes the devices' inboxes and their sending transaction IDs (device deleted). */
  void deleteDevices(String userId, Collection<String> deviceIds);

  /** Deletes every inbox and sending transaction ID of the user (account deactivated). */
  void deleteUser(String userId);

  /** The highest position up to which every send has finished; 0 before the first. */
  long latestPosition();
}
