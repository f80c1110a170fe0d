package dev.larch.core.keys;

import dev.larch.core.sync.DeviceSync;
import dev.larch.core.sync.DeviceSyncSource;
import dev.larch.core.sync.SyncRequest;
import dev.larch.core.sync.SyncToken;
import dev.larch.core.todevice.ToDeviceService;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The end-to-end encryption part of {@code /sync}: the device's to-device inbox, device-list changes since the
 * token, and the device's one-time and fallback key state.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#extensions-to-sync">client-server API v1.11,
 * "End-to-End Encryption", extensions to {@code /sync}</a> and "Send-to-Device messaging" (messages stay until the
 * device's next sync acknowledges them with its {@code since}). Device lists are only reported on incremental
 * syncs: an initial sync makes a client query every user anyway.
 */
public final class E2eeSync implements DeviceSyncSource {
  private final KeyService keys;
  private final ToDeviceService toDevice;

  public E2eeSync(KeyService keys, ToDeviceService toDevice) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.toDevice = Objects.requireNonNull(toDevice, "toDevice");
  }

  @Override
  public long toDevicePosition() {
    return toDevice.position();
  }

  @Override
  public long deviceListPosition() {
    return keys.deviceListPosition();
  }

  @Override
  public DeviceSync compute(SyncRequest request, SyncToken now) {
    SyncToken since = request.since();
    String userId = request.userId();
    String deviceId = request.deviceId();
    ToDeviceService.Inbox inbox =
        toDevice.inbox(userId, deviceId, since == null ? 0 : Math.min(since.toDevice(), now.toDevice()),
            now.toDevice());
    Set<String> changed = Set.of();
    Set<String> left = Set.of();
    if (since != null) {
      KeyService.DeviceListChanges changes = keys.changes(userId, since, now);
      changed = changes.changed();
      left = changes.left();
    }
    return new DeviceSync(inbox.events(), inbox.upTo(), changed, left,
        deviceId == null ? Map.of() : keys.oneTimeKeyCounts(userId, deviceId),
        deviceId == null ? List.of() : keys.unusedFallbackKeyTypes(userId, deviceId));
  }
}
