package dev.larch.storage.user;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.TokenOwner;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AccountStore} that remembers which user and device an access token belongs to: every authenticated
 * request resolves its token, and a read transaction per request was a noticeable part of a message send.
 * Everything else goes straight through ({@link ForwardingAccountStore}).
 *
 * <p>A revoked token must stop working as soon as its revocation returns. Every method that can take a token away
 * (revoking one or all, deleting devices, deactivating) bumps an epoch once its write has committed, and a cached
 * owner counts only if it was loaded in the current epoch. The epoch is read <em>before</em> the database: a
 * lookup that raced with a revocation, reading the token just before the revocation committed, is stamped with the
 * old epoch and so is never used. Any revocation thus empties the whole cache, which is fine for something as rare
 * as a logout. Unknown tokens are not cached (a token can be created at any time). Expiry is still checked by the
 * caller on every use ({@link TokenOwner#expiredAt}).
 */
public final class CachingAccountStore extends ForwardingAccountStore {
  private static final long MAXIMUM_TOKENS = 10_000;
  private static final Duration TOKEN_TTL = Duration.ofMinutes(10);

  private record Cached(TokenOwner owner, long epoch) {}

  private final Cache<String, Cached> owners =
      Caffeine.newBuilder().maximumSize(MAXIMUM_TOKENS).expireAfterWrite(TOKEN_TTL)
          .executor(Runnable::run) // upkeep on the calling thread, as in CachingRoomStore
          .build();
  private final AtomicLong epoch = new AtomicLong();

  public CachingAccountStore(AccountStore delegate) {
    super(delegate);
  }

  @Override
  public Optional<TokenOwner> accessTokenOwner(String token) {
    long current = epoch.get();
    Cached cached = owners.getIfPresent(token);
    if (cached != null && cached.epoch() == current) {
      return Optional.of(cached.owner());
    }
    Optional<TokenOwner> loaded = super.accessTokenOwner(token);
    if (loaded.isPresent()) {
      owners.put(token, new Cached(loaded.get(), current));
    } else {
      owners.invalidate(token);
    }
    return loaded;
  }

  @Override
  public boolean revokeAccessToken(String token) {
    try {
      return super.revokeAccessToken(token);
    } finally {
      revoked();
    }
  }

  @Override
  public int revokeAllAccessTokens(String userId) {
    try {
      return super.revokeAllAccessTokens(userId);
    } finally {
      revoked();
    }
  }

  @Override
  public int deleteDevices(String userId, Collection<String> deviceIds) {
    try {
      return super.deleteDevices(userId, deviceIds);
    } finally {
      revoked();
    }
  }

  @Override
  public boolean deactivate(String userId, long nowMs) {
    try {
      return super.deactivate(userId, nowMs);
    } finally {
      revoked();
    }
  }

  // After the write (committed or failed: either way a token may be gone): nothing loaded before counts any more.
  private void revoked() {
    epoch.incrementAndGet();
    owners.invalidateAll();
  }
}
