package dev.larch.overlay.session;

import dev.larch.overlay.identity.PublicKey;
import io.vertx.core.Future;

/** Lets tests outside this package (the netns probes) read the sessions layer's package-private counters. */
public final class SessionsTestAccess {
  private SessionsTestAccess() {
  }

  /** Oversize packets refused, inbound datagrams dropped, dial races seen, open QUIC connections. */
  public static Future<long[]> counters(Sessions sessions) {
    return sessions.counters();
  }

  /** Who dialled the current connection to {@code peer}, or null. */
  public static Future<PublicKey> currentDialler(Sessions sessions, PublicKey peer) {
    return sessions.currentDialler(peer);
  }
}
