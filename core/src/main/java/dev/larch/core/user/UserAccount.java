package dev.larch.core.user;

/**
 * A stored account. {@code toString} leaves the password hash out so it cannot end up in a log.
 *
 * @param passwordHash the stored hash, or null if password login is impossible
 */
public record UserAccount(
    String userId, String passwordHash, boolean guest, boolean deactivated, long createdAtMs) {
  @Override
  public String toString() {
    return "UserAccount[" + userId + (guest ? " guest" : "") + (deactivated ? " deactivated" : "") + "]";
  }
}
