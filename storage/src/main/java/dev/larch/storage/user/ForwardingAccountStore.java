package dev.larch.storage.user;

import dev.larch.core.user.AccountStore;
import dev.larch.core.user.Device;
import dev.larch.core.user.NewUser;
import dev.larch.core.user.TokenOwner;
import dev.larch.core.user.UserAccount;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An {@link AccountStore} that passes every call on to another one; a subclass overrides only the methods it
 * changes (the token cache, or a test that slows a read down), so a new port method needs forwarding only here.
 */
public abstract class ForwardingAccountStore implements AccountStore {
  private final AccountStore delegate;

  protected ForwardingAccountStore(AccountStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean createUser(NewUser user) {
    return delegate.createUser(user);
  }

  @Override
  public Optional<UserAccount> user(String userId) {
    return delegate.user(userId);
  }

  @Override
  public boolean setPasswordHash(String userId, String passwordHash) {
    return delegate.setPasswordHash(userId, passwordHash);
  }

  @Override
  public boolean deactivate(String userId, long nowMs) {
    return delegate.deactivate(userId, nowMs);
  }

  @Override
  public void upsertDevice(String userId, String deviceId, String displayName, long nowMs) {
    delegate.upsertDevice(userId, deviceId, displayName, nowMs);
  }

  @Override
  public Optional<Device> device(String userId, String deviceId) {
    return delegate.device(userId, deviceId);
  }

  @Override
  public List<Device> devices(String userId) {
    return delegate.devices(userId);
  }

  @Override
  public boolean renameDevice(String userId, String deviceId, String displayName) {
    return delegate.renameDevice(userId, deviceId, displayName);
  }

  @Override
  public int deleteDevices(String userId, Collection<String> deviceIds) {
    return delegate.deleteDevices(userId, deviceIds);
  }

  @Override
  public void createAccessToken(String token, String userId, String deviceId, long nowMs, long expiresAtMs) {
    delegate.createAccessToken(token, userId, deviceId, nowMs, expiresAtMs);
  }

  @Override
  public Optional<TokenOwner> accessTokenOwner(String token) {
    return delegate.accessTokenOwner(token);
  }

  @Override
  public boolean revokeAccessToken(String token) {
    return delegate.revokeAccessToken(token);
  }

  @Override
  public int revokeAllAccessTokens(String userId) {
    return delegate.revokeAllAccessTokens(userId);
  }
}
