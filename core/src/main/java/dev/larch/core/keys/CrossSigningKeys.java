package dev.larch.core.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How stored keys are shown to a viewer: uploaded signatures merged in, and the visibility rules of cross-signing.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3keysquery">client-server
 * API v1.11, {@code POST /keys/query}</a>: everyone sees a user's master and self-signing keys, only the user its
 * user-signing key; a signature a user made of another user's key with their user-signing key is seen only by the
 * signer. So a signature is shown when its signer is the key's owner or the viewer.
 */
public final class CrossSigningKeys {
  private CrossSigningKeys() {}

  /** A copy of {@code key} (of {@code owner}, known as {@code keyId}) with the signatures {@code viewer} may see. */
  public static ObjectNode withSignatures(
      ObjectNode key, String owner, String keyId, List<KeySignature> signatures, String viewer) {
    ObjectNode copy = key.deepCopy();
    for (KeySignature signature : signatures) {
      if (signature.targetKeyId().equals(keyId)
          && (signature.signerUserId().equals(owner) || signature.signerUserId().equals(viewer))) {
        Signatures.addSignature(copy, signature.signerUserId(), signature.signerKeyId(), signature.signature());
      }
    }
    return copy;
  }

  /** The cross-signing keys of {@code owner} that {@code viewer} may see, with the signatures it may see. */
  public static Map<CrossSigningKeyType, ObjectNode> forViewer(
      Map<CrossSigningKeyType, ObjectNode> keys, String owner, List<KeySignature> signatures, String viewer) {
    Map<CrossSigningKeyType, ObjectNode> out = new EnumMap<>(CrossSigningKeyType.class);
    keys.forEach((type, key) -> {
      if (type != CrossSigningKeyType.USER_SIGNING || owner.equals(viewer)) {
        out.put(type, withSignatures(key, owner, publicKey(key), signatures, viewer));
      }
    });
    return out;
  }

  /** The public key (unpadded Base64) of a stored cross-signing key: the key ID its signatures target. */
  public static String publicKey(ObjectNode key) {
    return UploadedKeys.singleKey(key, "key").publicKeyBase64();
  }
}
