package dev.larch.federation.transport;

import java.time.Duration;

/**
 * How the HTTPS transport connects.
 *
 * @param verifyCertificates check that remote certificates chain to a trusted authority and name the server (the
 *     spec's rule); false only for tests and closed networks of self-signed peers (Synapse's
 *     {@code federation_verify_certificates: false})
 * @param allowLoopback whether server names may resolve to loopback addresses (127.0.0.0/8, ::1, 0.0.0.0): never
 *     in production, where it would let any remote server make this one call itself; on for local interop tests
 * @param maxResponseBytes the largest response body accepted; larger is the remote's fault
 * @param connectTimeout how long a TCP and TLS connection may take to set up
 */
public record HttpsSettings(
    boolean verifyCertificates, boolean allowLoopback, long maxResponseBytes, Duration connectTimeout) {
  /** 64 MiB: room state of a large room fits; media are streamed apart from this limit (later). */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;

  /** Verification on, loopback refused, the default limits. */
  public static HttpsSettings defaults() {
    return new HttpsSettings(true, false, DEFAULT_MAX_RESPONSE_BYTES, Duration.ofSeconds(10));
  }
}
