package dev.larch.client.keys;

import dev.larch.core.backup.KeyBackupService;
import dev.larch.core.keys.CrossSigningService;
import dev.larch.core.keys.KeyService;
import dev.larch.core.todevice.ToDeviceService;
import java.util.Objects;

/**
 * The services behind end-to-end encryption: one component of {@link dev.larch.client.ClientServices}.
 *
 * <p>Spec: client-server API v1.11, "End-to-End Encryption", "Send-to-Device messaging", "Server-side key
 * backups".
 */
public record E2eeServices(
    KeyService keys, CrossSigningService crossSigning, ToDeviceService toDevice, KeyBackupService backup) {
  public E2eeServices {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(crossSigning, "crossSigning");
    Objects.requireNonNull(toDevice, "toDevice");
    Objects.requireNonNull(backup, "backup");
  }
}
