package dev.larch.core.user;

import java.util.Objects;

/**
 * An account to create.
 *
 * @param userId the full user ID, {@code @localpart:server}
 * @param passwordHash the password's slow-KDF hash in its own self-describing format, or null for no password
 * @param guest whether this is a guest account
 * @param createdAtMs creation time
 */
public record NewUser(String userId, String passwordHash, boolean guest, long createdAtMs) {
  public NewUser {
    Objects.requireNonNull(userId, "userId");
  }
}
