package dev.larch.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions that name the rule an auth result came from. */
final class AuthAssertions {
  private AuthAssertions() {}

  static void assertAllowed(AuthResult result) {
    assertEquals(AuthResult.ALLOWED, result, () -> "expected allowed, got " + result);
  }

  /** Asserts a rejection whose reason is {@code rule} or starts with {@code rule + ":"}, e.g. {@code "5.3.3"}. */
  static void assertRejected(AuthResult result, String rule) {
    assertTrue(result instanceof AuthResult.Rejected, () -> "expected rejected by " + rule + ", got " + result);
    String reason = ((AuthResult.Rejected) result).reason();
    assertTrue(reason.equals(rule) || reason.startsWith(rule + ":"),
        () -> "expected rule " + rule + ", got: " + reason);
  }
}
