package dev.larch.core.media;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Downloads waiting for a pending upload ({@code timeout_ms}): one future per waiter, completed with the row when
 * the upload finishes in this process, and removed when it times out, so nothing accumulates.
 *
 * <p>Spec: client-server API v1.11, "Content repository" ({@code timeout_ms}, {@code M_NOT_YET_UPLOADED}).
 */
final class UploadWaiters {
  private final Map<MediaId, Set<CompletableFuture<LocalMedia>>> waiting = new ConcurrentHashMap<>();

  /** A future completed when {@code id} is uploaded; {@link #cancel} it when giving up. */
  CompletableFuture<LocalMedia> register(MediaId id) {
    CompletableFuture<LocalMedia> waiter = new CompletableFuture<>();
    waiting.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(waiter);
    return waiter;
  }

  /** Forgets {@code waiter}. */
  void cancel(MediaId id, CompletableFuture<LocalMedia> waiter) {
    waiting.computeIfPresent(id, (k, set) -> {
      set.remove(waiter);
      return set.isEmpty() ? null : set;
    });
  }

  /** Wakes everyone waiting for {@code media}. */
  void uploaded(LocalMedia media) {
    Set<CompletableFuture<LocalMedia>> waiters = waiting.remove(media.mediaId());
    if (waiters != null) {
      waiters.forEach(w -> w.complete(media));
    }
  }

  /** How many downloads are waiting (tests). */
  int size() {
    return waiting.values().stream().mapToInt(Set::size).sum();
  }
}
