package dev.larch.core.auth;

/** The outcome of an authorization check: a value, not an exception, since rejection is an expected outcome. */
public sealed interface AuthResult {
  /** The event passes the auth rules. */
  record Allowed() implements AuthResult {}

  /** The event fails the auth rules; {@code reason} names the rule, for logs and tests. */
  record Rejected(String reason) implements AuthResult {}

  AuthResult ALLOWED = new Allowed();

  static AuthResult rejected(String reason) {
    return new Rejected(reason);
  }

  default boolean isAllowed() {
    return this instanceof Allowed;
  }
}
