package dev.larch.core.user;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Port: local user accounts, their devices and access tokens. Every method is one transaction.
 *
 * <p>Spec: client-server API, "Account registration and management", "Login", "Device management". Access tokens
 * are kept only as a hash: the store never holds a usable token, so a leaked database cannot log anyone in.
 */
public interface AccountStore {
  /** Creates the account; false if the user ID is taken (including by a deactivated account). */
  boolean createUser(NewUser user);

  /** The account, deactivated or not, or empty. */
  Optional<UserAccount> user(String userId);

  /** Replaces the password hash (null: no password login). False if there is no such user. */
  boolean setPasswordHash(String userId, String passwordHash);

  /**
   * Marks the account deactivated, removes its password hash, devices and access tokens. The user ID stays taken.
   * False if there is no such user.
   */
  boolean deactivate(String userId, long nowMs);

  /** Creates the device, or refreshes its last-seen time if it exists (a login that reuses a device ID). */
  void upsertDevice(String userId, String deviceId, String displayName, long nowMs);

  /** One device of a user, or empty. */
  Optional<Device> device(String userId, String deviceId);

  /** All devices of a user. */
  List<Device> devices(String userId);

  /** Sets a device's display name (null clears it). False if there is no such device. */
  boolean renameDevice(String userId, String deviceId, String displayName);

  /** Deletes these devices and every access token issued to them; returns how many devices existed. */
  int deleteDevices(String userId, Collection<String> deviceIds);

  /**
   * Records a freshly generated access token for a device, which must exist.
   *
   * @param expiresAtMs when it expires, or 0 for never
   */
  void createAccessToken(String token, String userId, String deviceId, long nowMs, long expiresAtMs);

  /** Who a token belongs to, expired or not (the caller compares {@code expiresAtMs} with its clock). */
  Optional<TokenOwner> accessTokenOwner(String token);

  /** Revokes one token ({@code /logout}). False if it was not known. */
  boolean revokeAccessToken(String token);

  /** Revokes every token of a user ({@code /logout/all}); returns how many there were. */
  int revokeAllAccessTokens(String userId);
}
