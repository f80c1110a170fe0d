package dev.larch.core.profile;

import java.util.Optional;

/**
 * Port: the profiles of local users. Every method is one transaction.
 *
 * <p>Spec: client-server API, "Profiles".
 */
public interface ProfileStore {
  /** The user's profile, or empty if none was ever set (all fields absent). */
  Optional<Profile> get(String userId);

  /** Sets (or with null removes) the display name. */
  void setDisplayName(String userId, String displayName);

  /** Sets (or with null removes) the avatar URL. */
  void setAvatarUrl(String userId, String avatarUrl);
}
