package dev.larch.core.federation.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.resident.RoomAccess;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.keys.ClaimedKey;
import dev.larch.core.keys.CrossSigningKeyType;
import dev.larch.core.keys.CrossSigningKeys;
import dev.larch.core.keys.DeviceKeyStore;
import dev.larch.core.keys.DeviceListStore;
import dev.larch.core.keys.KeyService;
import dev.larch.core.keys.KeySignature;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.Device;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The end-to-end encryption queries other servers make about this server's users: {@code GET /user/devices/{userId}},
 * {@code POST /user/keys/query} and {@code POST /user/keys/claim}.
 *
 * <p>Spec: server-server API v1.11, "Device Management" and "End-to-End Encryption". Only local users are answered
 * (others are left out, or 404 for {@code /user/devices}). A remote server sees what any other user would: device
 * keys with their owner's signatures, the master and self-signing keys but never the user-signing key. Device
 * display names are not shared over federation, as Synapse's default keeps them private.
 */
public final class UserKeyQueries {
  /** A viewer that is no local user: sees signatures made by the key's owner only. */
  private static final String REMOTE_VIEWER = "";

  private final DeviceKeyStore keys;
  private final DeviceListStore deviceLists;
  private final AccountStore accounts;
  private final String serverName;

  public UserKeyQueries(DeviceKeyStore keys, DeviceListStore deviceLists, AccountStore accounts, String serverName) {
    this.keys = keys;
    this.deviceLists = deviceLists;
    this.accounts = accounts;
    this.serverName = serverName;
  }

  /** {@code GET /user/devices/{userId}}: {@code user_id}, {@code stream_id}, {@code devices}, cross-signing keys. */
  public ObjectNode devices(String userId) {
    UserId.parse(userId);
    if (!isLocal(userId) || accounts.user(userId).isEmpty()) {
      throw MatrixException.notFound("Unknown user " + userId);
    }
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.put("user_id", userId);
    // This user's own position, as the m.device_list_update EDUs carry it, so a remote server can tell whether its
    // cached list is current (the whole stream's latest position moves with every other user's changes too).
    out.put("stream_id", KeyService.deviceListStreamId(deviceLists, userId));
    ArrayNode devices = out.putArray("devices");
    Map<String, ObjectNode> stored = keys.deviceKeys(userId);
    List<KeySignature> signatures = keys.signatures(userId);
    for (Device device : accounts.devices(userId)) {
      ObjectNode json = stored.get(device.deviceId());
      if (json != null) {
        ObjectNode entry = devices.addObject();
        entry.put("device_id", device.deviceId());
        entry.set("keys",
            CrossSigningKeys.withSignatures(json, userId, device.deviceId(), signatures, REMOTE_VIEWER));
      }
    }
    Map<CrossSigningKeyType, ObjectNode> crossSigning =
        CrossSigningKeys.forViewer(keys.crossSigningKeys(userId), userId, signatures, REMOTE_VIEWER);
    Optional.ofNullable(crossSigning.get(CrossSigningKeyType.MASTER)).ifPresent(k -> out.set("master_key", k));
    Optional.ofNullable(crossSigning.get(CrossSigningKeyType.SELF_SIGNING))
        .ifPresent(k -> out.set("self_signing_key", k));
    return out;
  }

  /**
   * {@code POST /user/keys/query} with body {@code {"device_keys": {userId: [deviceId, ...]}}} (an empty list asks
   * for every device): {@code device_keys}, {@code master_keys}, {@code self_signing_keys}.
   */
  public ObjectNode query(ObjectNode body) {
    JsonNode wanted = body.get("device_keys");
    if (!(wanted instanceof ObjectNode users)) {
      throw MatrixException.badJson("device_keys must be an object");
    }
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ObjectNode deviceKeys = out.putObject("device_keys");
    ObjectNode masterKeys = out.putObject("master_keys");
    ObjectNode selfSigningKeys = out.putObject("self_signing_keys");
    for (Map.Entry<String, JsonNode> user : users.properties()) {
      String userId = user.getKey();
      if (!user.getValue().isArray()) {
        throw MatrixException.badJson("device_keys." + userId + " must be a list of device IDs");
      }
      if (!isLocal(userId)) {
        continue;
      }
      Set<String> devices = new HashSet<>();
      user.getValue().forEach(id -> devices.add(id.asText()));
      Set<String> known = new HashSet<>();
      accounts.devices(userId).forEach(d -> known.add(d.deviceId()));
      List<KeySignature> signatures = keys.signatures(userId);
      ObjectNode userDevices = deviceKeys.putObject(userId);
      keys.deviceKeys(userId).forEach((deviceId, json) -> {
        if (known.contains(deviceId) && (devices.isEmpty() || devices.contains(deviceId))) {
          userDevices.set(deviceId,
              CrossSigningKeys.withSignatures(json, userId, deviceId, signatures, REMOTE_VIEWER));
        }
      });
      Map<CrossSigningKeyType, ObjectNode> crossSigning =
          CrossSigningKeys.forViewer(keys.crossSigningKeys(userId), userId, signatures, REMOTE_VIEWER);
      Optional.ofNullable(crossSigning.get(CrossSigningKeyType.MASTER)).ifPresent(k -> masterKeys.set(userId, k));
      Optional.ofNullable(crossSigning.get(CrossSigningKeyType.SELF_SIGNING))
          .ifPresent(k -> selfSigningKeys.set(userId, k));
    }
    return out;
  }

  /**
   * {@code POST /user/keys/claim} with body {@code {"one_time_keys": {userId: {deviceId: algorithm}}}}: one key per
   * device, {@code {"one_time_keys": {userId: {deviceId: {keyId: key}}}}}; devices without keys are left out.
   */
  public ObjectNode claim(ObjectNode body) {
    JsonNode wanted = body.get("one_time_keys");
    if (!(wanted instanceof ObjectNode users)) {
      throw MatrixException.badJson("one_time_keys must be an object");
    }
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ObjectNode claimed = out.putObject("one_time_keys");
    for (Map.Entry<String, JsonNode> user : users.properties()) {
      if (!(user.getValue() instanceof ObjectNode devices)) {
        throw MatrixException.badJson("one_time_keys." + user.getKey() + " must be an object");
      }
      if (!isLocal(user.getKey())) {
        continue;
      }
      ObjectNode userKeys = null;
      for (Map.Entry<String, JsonNode> device : devices.properties()) {
        if (!device.getValue().isTextual()) {
          throw MatrixException.badJson("an algorithm must be a string");
        }
        Optional<ClaimedKey> key = keys.claim(user.getKey(), device.getKey(), device.getValue().textValue());
        if (key.isPresent()) {
          userKeys = userKeys != null ? userKeys : claimed.putObject(user.getKey());
          userKeys.putObject(device.getKey()).set(key.get().keyId(), key.get().key());
        }
      }
    }
    return out;
  }

  private boolean isLocal(String userId) {
    return RoomAccess.belongsTo(userId, serverName);
  }
}
