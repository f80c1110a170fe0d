package dev.larch.core.keys;

/**
 * One signature of a key, uploaded with {@code POST /keys/signatures/upload} and merged into the signed key's
 * {@code signatures} when it is served.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3keyssignaturesupload">
 * client-server API v1.11, {@code POST /keys/signatures/upload}</a>.
 *
 * @param targetKeyId a device ID, or the unpadded Base64 public key of a cross-signing key
 * @param signerKeyId e.g. {@code ed25519:<public key>} or {@code ed25519:<device ID>}
 * @param signature unpadded Base64
 */
public record KeySignature(
    String targetUserId, String targetKeyId, String signerUserId, String signerKeyId, String signature) {}
