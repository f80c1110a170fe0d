package dev.larch.core.sync;

/**
 * Port: where {@link SyncService} gets the end-to-end encryption part of a response (to-device messages, device
 * lists, one-time key counts) and the positions of the two streams behind it. Implemented by
 * {@code core.keys.E2eeSync}; a server without it uses {@link #NONE}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#extensions-to-sync">client-server API v1.11,
 * "End-to-End Encryption", extensions to {@code /sync}</a>.
 */
public interface DeviceSyncSource {
  /** A source with no messages and no keys. */
  DeviceSyncSource NONE = new DeviceSyncSource() {
    @Override
    public long toDevicePosition() {
      return 0;
    }

    @Override
    public long deviceListPosition() {
      return 0;
    }

    @Override
    public DeviceSync compute(SyncRequest request, SyncToken now) {
      return DeviceSync.none(now.toDevice());
    }
  };

  /** The current position of the to-device stream. */
  long toDevicePosition();

  /** The current position of the device-list stream. */
  long deviceListPosition();

  /**
   * The part for {@code request}'s device between its {@code since} (null: initial sync) and {@code now}; deletes
   * the to-device messages {@code since} acknowledges. Blocking.
   */
  DeviceSync compute(SyncRequest request, SyncToken now);
}
