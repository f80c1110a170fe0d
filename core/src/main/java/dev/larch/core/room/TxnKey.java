package dev.larch.core.room;

import java.util.Objects;

/**
 * A client's transaction ID, scoped to the device that sent it. Spec: client-server API, "Transaction identifiers"
 * (v1.7+: scoped to the device, not the access token).
 */
public record TxnKey(String userId, String deviceId, String txnId) {
  public TxnKey {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(txnId, "txnId");
  }
}
