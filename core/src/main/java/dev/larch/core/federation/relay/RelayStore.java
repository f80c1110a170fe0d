package dev.larch.core.federation.relay;

import java.util.Optional;

/** Port: the transactions a relay holds, per destination, oldest first. */
public interface RelayStore {
  /**
   * Stores {@code transaction} (its entry ID is ignored) unless the same origin already relayed the same transaction
   * ID for that destination; returns the entry ID either way.
   */
  long add(RelayedTransaction transaction);

  /** The oldest transaction held for {@code destination}. */
  Optional<RelayedTransaction> oldest(String destination);

  /** Deletes entry {@code entryId} if it is held for {@code destination}; false if there is no such entry. */
  boolean delete(String destination, long entryId);

  /** How many transactions, and how many body bytes, are held for {@code destination}. */
  Usage usage(String destination);

  /** @param bytes the sum of the bodies' lengths */
  record Usage(int transactions, long bytes) {}
}
