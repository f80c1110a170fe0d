package dev.larch.core.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.query.RemoteQueries;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.sync.SyncNotifier;
import dev.larch.core.sync.SyncToken;
import dev.larch.core.user.AccountLifecycleListener;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.Device;
import dev.larch.core.user.Requester;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device keys, one-time keys and fallback keys: upload, query, claim, and which users' keys changed.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#end-to-end-encryption">client-server API
 * v1.11, "End-to-End Encryption"</a> ({@code /keys/upload}, {@code /keys/query}, {@code /keys/claim},
 * {@code /keys/changes}). Other servers' users are asked about over federation once {@link #useRemote} was called
 * (blocking), and are reported under {@code failures} before. Deleted devices lose their keys through
 * {@link AccountLifecycleListener}.
 */
public final class KeyService implements AccountLifecycleListener {
  /** The algorithm Olm one-time keys use: always counted, as clients expect it even at zero. */
  public static final String SIGNED_CURVE25519 = "signed_curve25519";

  private static final Logger log = LoggerFactory.getLogger(KeyService.class);

  private final DeviceKeyStore keys;
  private final DeviceListStore deviceLists;
  private final AccountStore accounts;
  private final SyncNotifier notifier;
  private final String serverName;
  private final DeviceListListener listener;
  // Set once by the composition root when federation is on; null: other servers' users are failures.
  private volatile RemoteQueries remote;

  public KeyService(DeviceKeyStore keys, DeviceListStore deviceLists, AccountStore accounts, SyncNotifier notifier,
      String serverName) {
    this(keys, deviceLists, accounts, notifier, serverName, DeviceListListener.NONE);
  }

  /** With {@code listener} told of each change of a local user's devices and keys (the federation sender). */
  public KeyService(DeviceKeyStore keys, DeviceListStore deviceLists, AccountStore accounts, SyncNotifier notifier,
      String serverName, DeviceListListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.deviceLists = Objects.requireNonNull(deviceLists, "deviceLists");
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
    this.serverName = Objects.requireNonNull(serverName, "serverName");
  }

  /**
   * {@code POST /keys/upload}: stores the device keys (checked by {@link UploadedKeys#checkDeviceKeys}), one-time
   * keys and fallback keys of the requester's device, and returns its one-time key counts.
   */
  public Map<String, Integer> upload(Requester requester, ObjectNode deviceKeys, JsonNode oneTimeKeys,
      JsonNode fallbackKeys) {
    String deviceId = requester.deviceId();
    if (deviceId == null) {
      throw MatrixException.forbidden("Keys can only be uploaded by a device");
    }
    Map<String, JsonNode> otks = UploadedKeys.keyMap(oneTimeKeys, "one_time_keys");
    Map<String, JsonNode> fallbacks = UploadedKeys.keyMap(fallbackKeys, "fallback_keys");
    if (deviceKeys != null) {
      UploadedKeys.checkDeviceKeys(deviceKeys, requester.userId(), deviceId);
    }
    Set<String> fallbackAlgorithms = new TreeSet<>();
    for (String id : fallbacks.keySet()) {
      if (!fallbackAlgorithms.add(id.substring(0, id.indexOf(':')))) {
        throw MatrixException.invalidParam("fallback_keys may hold one key per algorithm");
      }
    }
    if (deviceKeys != null && keys.putDeviceKeys(requester.userId(), deviceId, deviceKeys)) {
      log.debug("device keys changed user={} device={}", requester.userId(), deviceId);
      announce(requester.userId());
      tellDevices(requester.userId(), List.of(deviceId));
    }
    if (!otks.isEmpty()) {
      keys.addOneTimeKeys(requester.userId(), deviceId, otks);
    }
    if (!fallbacks.isEmpty()) {
      keys.putFallbackKeys(requester.userId(), deviceId, fallbacks);
    }
    return oneTimeKeyCounts(requester.userId(), deviceId);
  }

  /**
   * From now on, asks other servers about their users' keys through {@code remote} (blocking federation requests)
   * instead of reporting them as failures. Wiring: call once at startup.
   */
  public void useRemote(RemoteQueries remote) {
    this.remote = Objects.requireNonNull(remote, "remote");
  }

  /** The device's unclaimed one-time keys per algorithm, {@value #SIGNED_CURVE25519} always included. */
  public Map<String, Integer> oneTimeKeyCounts(String userId, String deviceId) {
    Map<String, Integer> counts = new TreeMap<>(keys.oneTimeKeyCounts(userId, deviceId));
    counts.putIfAbsent(SIGNED_CURVE25519, 0);
    return counts;
  }

  /** The algorithms of the device's fallback keys not handed out yet. */
  public List<String> unusedFallbackKeyTypes(String userId, String deviceId) {
    return keys.unusedFallbackKeyAlgorithms(userId, deviceId);
  }

  /**
   * {@code POST /keys/query}: for each user, the keys of the listed devices (all devices for an empty list), with
   * the device's display name in {@code unsigned.device_display_name}, and the user's cross-signing keys as
   * {@link CrossSigningKeys#forViewer} shows them to the requester.
   *
   * @param query user ID to device IDs
   * @return the response body
   */
  public ObjectNode query(Requester requester, Map<String, List<String>> query) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ObjectNode deviceKeys = body.putObject("device_keys");
    ObjectNode failures = body.putObject("failures");
    Map<CrossSigningKeyType, ObjectNode> crossSigning = new LinkedHashMap<>();
    for (CrossSigningKeyType type : CrossSigningKeyType.values()) {
      crossSigning.put(type, body.putObject(type.queryField()));
    }
    RemoteQueries remote = this.remote;
    Map<String, List<String>> remoteUsers = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> entry : query.entrySet()) {
      String userId = entry.getKey();
      if (!isLocal(userId)) {
        if (remote == null) {
          remoteFailure(failures, userId);
        } else {
          remoteUsers.put(userId, entry.getValue());
        }
        continue;
      }
      List<KeySignature> signatures = keys.signatures(userId);
      ObjectNode devices = deviceKeys.putObject(userId);
      Map<String, ObjectNode> stored = keys.deviceKeys(userId);
      if (!stored.isEmpty()) {
        Map<String, Device> known = new LinkedHashMap<>();
        accounts.devices(userId).forEach(d -> known.put(d.deviceId(), d));
        List<String> wanted = entry.getValue().isEmpty() ? List.copyOf(stored.keySet()) : entry.getValue();
        for (String deviceId : wanted) {
          ObjectNode json = stored.get(deviceId);
          Device device = known.get(deviceId);
          if (json == null || device == null) {
            continue;
          }
          ObjectNode copy = CrossSigningKeys.withSignatures(json, userId, deviceId, signatures, requester.userId());
          ObjectNode unsigned = copy.get("unsigned") instanceof ObjectNode u ? u : copy.putObject("unsigned");
          if (device.displayName() != null) {
            unsigned.put("device_display_name", device.displayName());
          }
          devices.set(deviceId, copy);
        }
      }
      CrossSigningKeys.forViewer(keys.crossSigningKeys(userId), userId, signatures, requester.userId())
          .forEach((type, key) -> crossSigning.get(type).set(userId, key));
    }
    if (!remoteUsers.isEmpty()) {
      remote.queryKeys(remoteUsers, body);
    }
    return body;
  }

  /**
   * {@code POST /keys/claim}: one key per requested device and algorithm (see {@link DeviceKeyStore#claim});
   * devices without keys, and unknown users and devices, are simply absent.
   *
   * @param query user ID to device ID to algorithm
   */
  public ObjectNode claim(Map<String, Map<String, String>> query) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ObjectNode claimed = body.putObject("one_time_keys");
    ObjectNode failures = body.putObject("failures");
    RemoteQueries remote = this.remote;
    Map<String, Map<String, String>> remoteUsers = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> user : query.entrySet()) {
      if (!isLocal(user.getKey())) {
        if (remote == null) {
          remoteFailure(failures, user.getKey());
        } else {
          remoteUsers.put(user.getKey(), user.getValue());
        }
        continue;
      }
      ObjectNode devices = null;
      for (Map.Entry<String, String> device : user.getValue().entrySet()) {
        var key = keys.claim(user.getKey(), device.getKey(), device.getValue());
        if (key.isPresent()) {
          devices = devices != null ? devices : claimed.putObject(user.getKey());
          devices.putObject(device.getKey()).set(key.get().keyId(), key.get().key());
        }
      }
    }
    if (!remoteUsers.isEmpty()) {
      remote.claimKeys(remoteUsers, body);
    }
    return body;
  }

  /**
   * {@code GET /keys/changes}: users sharing a room with the requester whose device lists changed between two sync
   * tokens, or who started sharing one; and users who stopped sharing any.
   */
  public DeviceListChanges changes(String userId, SyncToken from, SyncToken to) {
    Set<String> changed = new TreeSet<>();
    Set<String> left = new TreeSet<>();
    long toPosition = Math.min(to.deviceLists(), deviceLists.latestPosition());
    if (toPosition > from.deviceLists()) {
      changed.addAll(deviceLists.changed(userId, from.deviceLists(), toPosition));
    }
    if (to.events() > from.events()) {
      SharedRoomChanges rooms = deviceLists.sharedRoomChanges(userId, from.events(), to.events());
      changed.addAll(rooms.joined());
      left.addAll(rooms.left());
    }
    changed.removeAll(left);
    return new DeviceListChanges(changed, left);
  }

  /** Users whose device lists changed, and users who no longer share a room. */
  public record DeviceListChanges(Set<String> changed, Set<String> left) {}

  /** The current position of the device-list stream. */
  public long deviceListPosition() {
    return deviceLists.latestPosition();
  }

  @Override
  public void devicesDeleted(String userId, Collection<String> deviceIds) {
    keys.deleteDevices(userId, deviceIds);
    announce(userId);
    tellDevices(userId, deviceIds);
  }

  @Override
  public void accountDeactivated(String userId) {
    // The devices with keys, read before they go, so other servers hear that each of them was deleted.
    List<String> withKeys = List.copyOf(keys.deviceKeys(userId).keySet());
    keys.deleteUser(userId);
    announce(userId);
    tellDevices(userId, withKeys);
  }

  /**
   * A user of another server changed devices or keys ({@code m.device_list_update} or
   * {@code m.signing_key_update} EDU): recorded in the device-list stream, so that local users sharing a room see
   * the user in {@code device_lists.changed} and query the keys again, and their long-polls are woken. Ignored
   * (false) when no local user shares a room with the user, so a server cannot grow the stream at will.
   */
  public boolean remoteDeviceListChanged(String userId) {
    boolean shared = deviceLists.usersSharingRoomWith(userId).stream()
        .anyMatch(u -> UserId.tryParse(u).map(id -> id.serverName().value().equals(serverName)).orElse(false));
    if (!shared) {
      return false;
    }
    deviceLists.recordChange(userId);
    announce(userId);
    return true;
  }

  /**
   * The {@code stream_id} of a local user's device list (spec: server-server API, "Device Management"): the
   * position of the latest change others may hear of, 0 if none. {@code GET /user/devices} answers with it and
   * {@code m.device_list_update} EDUs carry it.
   */
  public long deviceListStreamId(String userId) {
    return deviceListStreamId(deviceLists, userId);
  }

  /** {@link #deviceListStreamId(String)} read from {@code deviceLists} (the federation API has the store alone). */
  public static long deviceListStreamId(DeviceListStore deviceLists, String userId) {
    List<Long> positions = deviceLists.changePositions(userId, 1);
    return positions.isEmpty() ? 0 : positions.get(0);
  }

  /** Tells the listener that these devices of a local user changed. */
  void tellDevices(String userId, Collection<String> deviceIds) {
    if (deviceIds.isEmpty()) {
      return;
    }
    try {
      listener.devicesChanged(userId, List.copyOf(deviceIds));
    } catch (RuntimeException e) {
      log.error("device list listener failed user={}", userId, e);
    }
  }

  /** Tells the listener that a local user's cross-signing keys changed. */
  void tellCrossSigning(String userId) {
    try {
      listener.crossSigningKeysChanged(userId);
    } catch (RuntimeException e) {
      log.error("device list listener failed user={}", userId, e);
    }
  }

  /** Wakes the long-polls of everyone who shares a room with {@code userId}, who may now fetch its keys again. */
  void announce(String userId) {
    for (String user : deviceLists.usersSharingRoomWith(userId)) {
      notifier.notifyUser(user);
    }
    notifier.notifyUser(userId);
  }

  /** Whether {@code userId} is one of ours; {@code M_INVALID_PARAM} if it is not a user ID at all. */
  boolean isLocal(String userId) {
    UserId parsed = UserId.tryParse(userId).orElseThrow(() -> MatrixException.invalidParam("Invalid user ID"));
    return parsed.serverName().value().equals(serverName);
  }

  private static void remoteFailure(ObjectNode failures, String userId) {
    String server = UserId.tryParse(userId).map(u -> u.serverName().value()).orElse(userId);
    // Federation comes later: until then every remote server is unreachable, as the spec's failures report it.
    ObjectNode failure = failures.putObject(server);
    failure.put("status", 503);
    failure.put("message", "Federation is not available yet");
  }
}
