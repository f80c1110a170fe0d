package dev.larch.federation.transport;

import java.util.Optional;

/**
 * Fetches {@code https://<hostname>/.well-known/matrix/server}, as a seam: the real one is the HTTPS transport's
 * client (redirects followed, size and time limited), tests give answers. Blocking; called off the event loop.
 */
@FunctionalInterface
public interface WellKnownFetcher {
  /**
   * The response, or one with status 0 when none came (no connection, timeout, too many redirects, too large).
   *
   * @param maxAgeSeconds the {@code Cache-Control} {@code max-age}, if the response had one
   * @param noStore whether {@code Cache-Control} said {@code no-store} or {@code no-cache}
   */
  record Response(int status, byte[] body, Optional<Long> maxAgeSeconds, boolean noStore) {
    /** What a fetch that got no response at all returns. */
    public static Response none() {
      return new Response(0, new byte[0], Optional.empty(), false);
    }
  }

  Response fetch(String hostname);
}
