package dev.larch.core.federation.edu;

/**
 * Port: whatever keeps copies of other servers' users' device and cross-signing keys (fetched with
 * {@code /user/keys/query} or {@code /user/devices}), told when such a user's keys changed so that the next query
 * fetches them again.
 */
@FunctionalInterface
public interface RemoteKeyCache {
  /** {@code userId} (of another server) changed devices or keys: drop what is cached of them. */
  void invalidate(String userId);

  /** No cache. */
  RemoteKeyCache NONE = userId -> {};
}
