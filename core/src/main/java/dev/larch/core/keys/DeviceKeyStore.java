package dev.larch.core.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: the keys devices and users upload, stored as sent. Every method is one transaction; the writes that change
 * what {@code /keys/query} returns record a device-list change (see {@link DeviceListStore}) in that transaction.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#end-to-end-encryption">client-server API
 * v1.11, "End-to-End Encryption"</a>.
 */
public interface DeviceKeyStore {
  /**
   * Stores a device's keys. Returns true (and records a change) if they differ from the stored ones; when the
   * keys themselves changed, signatures others made of the old ones are dropped.
   */
  boolean putDeviceKeys(String userId, String deviceId, ObjectNode deviceKeys);

  /** The device keys of the user's devices, by device ID, as uploaded (without uploaded signatures). */
  Map<String, ObjectNode> deviceKeys(String userId);

  /**
   * Adds one-time keys, by {@code <algorithm>:<key ID>}; a key ID already stored for the device keeps its key
   * (clients retry uploads).
   */
  void addOneTimeKeys(String userId, String deviceId, Map<String, JsonNode> keys);

  /** Replaces the device's fallback key of each algorithm in {@code keys} (by {@code <algorithm>:<key ID>}). */
  void putFallbackKeys(String userId, String deviceId, Map<String, JsonNode> keys);

  /** How many unclaimed one-time keys the device has, per algorithm (algorithms without keys left out). */
  Map<String, Integer> oneTimeKeyCounts(String userId, String deviceId);

  /** The algorithms of the device's fallback keys that have not been handed out yet. */
  List<String> unusedFallbackKeyAlgorithms(String userId, String deviceId);

  /**
   * Claims a key of {@code algorithm} for the device: removes and returns one one-time key, or, when none is left,
   * returns the fallback key, which stays and is marked used. Empty if there is neither.
   */
  Optional<ClaimedKey> claim(String userId, String deviceId, String algorithm);

  /** The user's cross-signing keys, as uploaded (without uploaded signatures). */
  Map<CrossSigningKeyType, ObjectNode> crossSigningKeys(String userId);

  /** Stores (replaces) these cross-signing keys and records a change of the user's device list. */
  void putCrossSigningKeys(String userId, Map<CrossSigningKeyType, ObjectNode> keys);

  /** Every stored signature of the user's devices and cross-signing keys. */
  List<KeySignature> signatures(String targetUserId);

  /**
   * Stores signatures (replacing one by the same signer key of the same target) and records a change of each
   * target's device list: for everyone when the signer signed their own key, else for the signer only.
   */
  void addSignatures(List<KeySignature> signatures);

  /**
   * Removes the devices' keys, one-time and fallback keys and the signatures of them, recording a change if the
   * user had any of them.
   */
  void deleteDevices(String userId, Collection<String> deviceIds);

  /** Removes all of a user's keys (deactivation), recording a change. */
  void deleteUser(String userId);
}
