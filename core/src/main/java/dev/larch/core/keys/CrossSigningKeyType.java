package dev.larch.core.keys;

/**
 * The three cross-signing keys of a user, with their {@code usage} value and the request/response field that
 * carries them.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#cross-signing">client-server API v1.11,
 * "Cross-signing"</a>.
 */
public enum CrossSigningKeyType {
  MASTER("master", "master_key", "master_keys"),
  SELF_SIGNING("self_signing", "self_signing_key", "self_signing_keys"),
  USER_SIGNING("user_signing", "user_signing_key", "user_signing_keys");

  private final String usage;
  private final String uploadField;
  private final String queryField;

  CrossSigningKeyType(String usage, String uploadField, String queryField) {
    this.usage = usage;
    this.uploadField = uploadField;
    this.queryField = queryField;
  }

  /** The value in the key's {@code usage} list, also the stored key type. */
  public String usage() {
    return usage;
  }

  /** The field of {@code POST /keys/device_signing/upload} that carries this key. */
  public String uploadField() {
    return uploadField;
  }

  /** The field of the {@code POST /keys/query} response that carries keys of this type. */
  public String queryField() {
    return queryField;
  }

  /** The type whose {@link #usage()} is {@code usage}. */
  public static CrossSigningKeyType fromUsage(String usage) {
    for (CrossSigningKeyType type : values()) {
      if (type.usage.equals(usage)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown cross-signing key type " + usage);
  }
}
