package dev.larch.core.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.Device;
import dev.larch.core.user.Requester;
import dev.larch.core.user.UiaSubmission;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-signing: publishing a user's master, self-signing and user-signing keys, and signatures of devices and
 * keys made with them.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#cross-signing">client-server API v1.11,
 * "Cross-signing"</a>, {@code POST /keys/device_signing/upload} and {@code POST /keys/signatures/upload}. An upload
 * of keys:
 *
 * <ol>
 *   <li>Each key given is well-formed and the requester's ({@link UploadedKeys#checkCrossSigningKey}).
 *   <li>The self-signing and user-signing keys are signed by the master key given, or else the stored one
 *       ({@code M_MISSING_PARAM} without either, {@code M_INVALID_SIGNATURE} if not).
 *   <li>No key's public key is one of the user's device IDs ({@code M_FORBIDDEN}).
 *   <li>User-interactive auth with the password, except when the user has no master key yet or every key given
 *       equals the stored one (the behaviour of MSC3967, in the spec since v1.11: first-time setup needs no UIA).
 *   <li>The keys are stored and everyone who shares a room with the user hears of the change.
 * </ol>
 */
public final class CrossSigningService {
  private static final Logger log = LoggerFactory.getLogger(CrossSigningService.class);

  private final DeviceKeyStore keys;
  private final AccountStore accounts;
  private final PasswordReauth reauth;
  private final KeyService keyService;

  public CrossSigningService(DeviceKeyStore keys, AccountStore accounts, PasswordReauth reauth,
      KeyService keyService) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.reauth = Objects.requireNonNull(reauth, "reauth");
    this.keyService = Objects.requireNonNull(keyService, "keyService");
  }

  /** {@code POST /keys/device_signing/upload} with the request {@code body} (its {@code auth} included). */
  public void uploadKeys(Requester requester, ObjectNode body) {
    String userId = requester.userId();
    Map<CrossSigningKeyType, ObjectNode> upload = new EnumMap<>(CrossSigningKeyType.class);
    Map<CrossSigningKeyType, VerifyKey> publicKeys = new EnumMap<>(CrossSigningKeyType.class);
    for (CrossSigningKeyType type : CrossSigningKeyType.values()) {
      JsonNode key = body.get(type.uploadField());
      if (key == null || key.isNull()) {
        continue;
      }
      if (!(key instanceof ObjectNode object)) {
        throw MatrixException.badJson(type.uploadField() + " must be an object");
      }
      publicKeys.put(type, UploadedKeys.checkCrossSigningKey(object, userId, type));
      upload.put(type, object);
    }
    Map<CrossSigningKeyType, ObjectNode> stored = keys.crossSigningKeys(userId);
    VerifyKey master = publicKeys.containsKey(CrossSigningKeyType.MASTER)
        ? publicKeys.get(CrossSigningKeyType.MASTER)
        : Optional.ofNullable(stored.get(CrossSigningKeyType.MASTER))
            .map(k -> UploadedKeys.singleKey(k, "master_key")).orElse(null);
    for (CrossSigningKeyType type : List.of(CrossSigningKeyType.SELF_SIGNING, CrossSigningKeyType.USER_SIGNING)) {
      if (!upload.containsKey(type)) {
        continue;
      }
      if (master == null) {
        throw MatrixException.missingParam("No master key is available");
      }
      if (!UploadedKeys.verifies(upload.get(type), userId, master)) {
        throw new MatrixException(ErrorCode.INVALID_SIGNATURE, type.uploadField() + " is not signed by the master key");
      }
    }
    Set<String> deviceIds = new TreeSet<>();
    accounts.devices(userId).stream().map(Device::deviceId).forEach(deviceIds::add);
    for (VerifyKey key : publicKeys.values()) {
      if (deviceIds.contains(key.publicKeyBase64())) {
        throw MatrixException.forbidden("Key ID in use");
      }
    }
    boolean unchanged = upload.entrySet().stream().allMatch(e -> e.getValue().equals(stored.get(e.getKey())));
    if (upload.isEmpty() || unchanged) {
      return;
    }
    String session = null;
    if (stored.containsKey(CrossSigningKeyType.MASTER)) {
      session = reauth.require(requester, "device_signing_upload", UiaSubmission.of(body));
    }
    keys.putCrossSigningKeys(userId, upload);
    reauth.finish(session);
    log.info("cross-signing keys uploaded user={} types={}", userId, upload.keySet());
    keyService.announce(userId);
    if (upload.containsKey(CrossSigningKeyType.MASTER) || upload.containsKey(CrossSigningKeyType.SELF_SIGNING)) {
      keyService.tellCrossSigning(userId);
    }
  }

  /**
   * {@code POST /keys/signatures/upload}: for each user and key ID, the signed object (equal to the stored key but
   * for {@code signatures}) whose new signatures by the requester are checked and stored. Returns the
   * {@code failures} map: user ID to key ID to error.
   */
  public ObjectNode uploadSignatures(Requester requester, ObjectNode body) {
    ObjectNode failures = JsonMapper.shared().createObjectNode();
    List<KeySignature> accepted = new ArrayList<>();
    String signer = requester.userId();
    Map<CrossSigningKeyType, ObjectNode> own = keys.crossSigningKeys(signer);
    for (Map.Entry<String, JsonNode> user : body.properties()) {
      String target = user.getKey();
      if (!user.getValue().isObject()) {
        throw MatrixException.badJson("each user's entry must be an object");
      }
      boolean local = keyService.isLocal(target);
      for (Map.Entry<String, JsonNode> entry : user.getValue().properties()) {
        Optional<String> failure;
        if (!(entry.getValue() instanceof ObjectNode signed)) {
          failure = Optional.of("The signed key must be an object");
        } else if (!local) {
          failure = Optional.of("Federation is not available yet");
        } else {
          failure = check(signer, own, target, entry.getKey(), signed, accepted);
        }
        failure.ifPresent(message -> {
          ObjectNode error = failures.has(target) ? (ObjectNode) failures.get(target) : failures.putObject(target);
          error.putObject(entry.getKey()).put("errcode", ErrorCode.INVALID_SIGNATURE.code()).put("error", message);
        });
      }
    }
    if (!accepted.isEmpty()) {
      keys.addSignatures(accepted);
      accepted.stream().map(KeySignature::targetUserId).distinct().forEach(user -> {
        if (user.equals(signer)) {
          keyService.announce(user);
        }
      });
      // Other servers hear of new signatures of the signer's own keys: a signed device as a device-list update,
      // a signed master key as a signing-key update. Signatures of other users' keys stay private to the signer.
      Set<String> devices = new TreeSet<>();
      boolean master = false;
      for (KeySignature signature : accepted) {
        if (!signature.targetUserId().equals(signer)) {
          continue;
        }
        ObjectNode ownMaster = own.get(CrossSigningKeyType.MASTER);
        if (ownMaster != null && CrossSigningKeys.publicKey(ownMaster).equals(signature.targetKeyId())) {
          master = true;
        } else {
          devices.add(signature.targetKeyId());
        }
      }
      keyService.tellDevices(signer, devices);
      if (master) {
        keyService.tellCrossSigning(signer);
      }
    }
    return failures;
  }

  /** Checks one signed key; adds its good new signatures to {@code accepted}, or returns why it failed. */
  private Optional<String> check(String signer, Map<CrossSigningKeyType, ObjectNode> own, String target,
      String keyId, ObjectNode signed, List<KeySignature> accepted) {
    ObjectNode stored = null;
    Map<String, VerifyKey> signingKeys = new HashMap<>();
    Map<CrossSigningKeyType, ObjectNode> targetCross = target.equals(signer) ? own : keys.crossSigningKeys(target);
    ObjectNode targetMaster = targetCross.get(CrossSigningKeyType.MASTER);
    if (targetMaster != null && CrossSigningKeys.publicKey(targetMaster).equals(keyId)) {
      stored = targetMaster;
      if (target.equals(signer)) {
        // The user's own master key, signed by one of their devices.
        keys.deviceKeys(signer).forEach((deviceId, device) -> deviceKey(device, deviceId)
            .ifPresent(k -> signingKeys.put(k.keyId(), k)));
      } else {
        usable(own.get(CrossSigningKeyType.USER_SIGNING)).ifPresent(k -> signingKeys.put(k.keyId(), k));
      }
    } else if (target.equals(signer)) {
      stored = keys.deviceKeys(signer).get(keyId);
      usable(own.get(CrossSigningKeyType.SELF_SIGNING)).ifPresent(k -> signingKeys.put(k.keyId(), k));
    }
    if (stored == null) {
      return Optional.of("Unknown key");
    }
    if (!sameKey(stored, signed)) {
      return Optional.of("The signed object does not match the stored key");
    }
    JsonNode bySigner = signed.path("signatures").path(signer);
    List<KeySignature> found = new ArrayList<>();
    for (Map.Entry<String, JsonNode> signature : bySigner.properties()) {
      VerifyKey key = signingKeys.get(signature.getKey());
      if (key == null || !signature.getValue().isTextual()) {
        continue;
      }
      if (!UploadedKeys.verifies(signed, signer, key)) {
        return Optional.of("Invalid signature");
      }
      found.add(new KeySignature(target, keyId, signer, key.keyId(), signature.getValue().textValue()));
    }
    if (found.isEmpty()) {
      return Optional.of("No signature by a key that may sign this key");
    }
    accepted.addAll(found);
    return Optional.empty();
  }

  private static boolean sameKey(ObjectNode stored, ObjectNode signed) {
    ObjectNode a = stored.deepCopy();
    ObjectNode b = signed.deepCopy();
    a.remove(List.of("signatures", "unsigned"));
    b.remove(List.of("signatures", "unsigned"));
    return a.equals(b);
  }

  private static Optional<VerifyKey> usable(ObjectNode crossSigningKey) {
    return crossSigningKey == null ? Optional.empty()
        : Optional.of(UploadedKeys.singleKey(crossSigningKey, "key"));
  }

  private static Optional<VerifyKey> deviceKey(ObjectNode device, String deviceId) {
    String keyId = Signatures.ED25519_PREFIX + deviceId;
    JsonNode value = device.path("keys").get(keyId);
    return value != null && value.isTextual() ? UploadedKeys.verifyKey(keyId, value.textValue()) : Optional.empty();
  }
}
