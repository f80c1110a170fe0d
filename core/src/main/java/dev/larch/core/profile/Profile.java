package dev.larch.core.profile;

/**
 * A user's profile. Spec: client-server API, "Profiles" ({@code displayname}, {@code avatar_url}).
 *
 * @param displayName the display name, or null
 * @param avatarUrl the avatar's {@code mxc://} URI, or null
 */
public record Profile(String displayName, String avatarUrl) {
  /** No display name, no avatar. */
  public static final Profile EMPTY = new Profile(null, null);
}
