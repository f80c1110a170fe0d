package dev.larch.core.keys;

import java.util.Collection;

/**
 * Told when a local user's devices, device keys or cross-signing keys change, after the change is stored, so that
 * servers sharing a room with the user hear of it (the federation sender's {@code m.device_list_update} and
 * {@code m.signing_key_update} EDUs). Must return quickly and never throw.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#device-management">server-server API v1.11,
 * "Device Management"</a> and "End-to-End Encryption".
 */
public interface DeviceListListener {
  /** These devices of {@code userId} were added, changed their keys or signatures, or were deleted. */
  void devicesChanged(String userId, Collection<String> deviceIds);

  /** {@code userId}'s master or self-signing key changed. */
  void crossSigningKeysChanged(String userId);

  /** Tells nobody. */
  DeviceListListener NONE = new DeviceListListener() {
    @Override
    public void devicesChanged(String userId, Collection<String> deviceIds) {}

    @Override
    public void crossSigningKeysChanged(String userId) {}
  };
}
