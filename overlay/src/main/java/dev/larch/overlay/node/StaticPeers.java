package dev.larch.overlay.node;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Static peers kept up as Go's connection manager does: dial at once when added, then every 5 s redial any URI with
 * no live peering, backing off 2^attempts seconds (capped at one hour) after failures, reset on success.
 *
 * <p>Protocol doc 10. Runs on the node's context only.
 */
final class StaticPeers {
  static final long CHECK_INTERVAL_MS = 5_000;
  static final long MAX_BACKOFF_MS = 3_600_000;

  private static final class State {
    int attempts;
    long nextAttempt;
    boolean dialling;
    PeerLink link;
  }

  private final Function<String, Future<Void>> dialler;
  private final Map<String, State> peers = new LinkedHashMap<>();

  StaticPeers(Function<String, Future<Void>> dialler) {
    this.dialler = dialler;
  }

  void add(String uri, long now) {
    String trimmed = uri.strip();
    if (!trimmed.isEmpty() && peers.putIfAbsent(trimmed, new State()) == null) {
      check(now);
    }
  }

  void clear() {
    peers.clear();
  }

  /** Go's backoff: 2^attempts seconds, at most an hour. */
  static long backoffMs(int attempts) {
    return attempts >= 12 ? MAX_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, (1L << attempts) * 1000);
  }

  void check(long now) {
    peers.forEach((uri, state) -> {
      if (state.dialling || (state.link != null && !state.link.closed) || now < state.nextAttempt) {
        return;
      }
      state.dialling = true;
      dialler.apply(uri).onComplete(result -> {
        state.dialling = false;
        if (result.succeeded()) {
          state.attempts = 0;
        } else {
          state.attempts++;
          state.nextAttempt = now + backoffMs(state.attempts);
        }
      });
    });
  }

  void linked(String uri, PeerLink link) {
    State state = peers.get(uri);
    if (state != null) {
      state.link = link;
    }
  }

  void unlinked(String uri, PeerLink link) {
    State state = peers.get(uri);
    if (state != null && state.link == link) {
      state.link = null;
    }
  }
}
