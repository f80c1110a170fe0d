package dev.larch.core.media;

import dev.larch.core.ratelimit.RateLimit;

/**
 * Limits of the content repository.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a>: {@code m.upload.size}, {@code unused_expires_at} (24 hours recommended), a limit on
 * pending uploads per user and on the rate of {@code /create}, and {@code timeout_ms} (default 20 s, capped by the
 * server).
 *
 * @param maxUploadBytes the largest upload; larger is 413 {@code M_TOO_LARGE} (config {@code media.max_upload_bytes})
 * @param unusedExpiryMs how long an ID from {@code /create} waits for its upload
 * @param maxPendingPerUser how many unexpired, unfilled IDs one user may hold
 * @param createRate the rate of {@code /create} per user
 * @param maxTimeoutMs the cap on a download's {@code timeout_ms}
 * @param maxThumbnailPixels the largest image (width x height) that is thumbnailed; larger is 413
 */
public record MediaSettings(
    long maxUploadBytes,
    long unusedExpiryMs,
    int maxPendingPerUser,
    RateLimit createRate,
    long maxTimeoutMs,
    long maxThumbnailPixels) {
  /** 50 MiB. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 50L << 20;
  /** The spec's default {@code timeout_ms}. */
  public static final long DEFAULT_TIMEOUT_MS = 20_000;

  public MediaSettings {
    if (maxUploadBytes < 1 || unusedExpiryMs < 1 || maxPendingPerUser < 1 || createRate == null
        || maxTimeoutMs < 0 || maxThumbnailPixels < 1) {
      throw new IllegalArgumentException("media settings must be positive");
    }
  }

  /** The defaults (Synapse's: 5 pending uploads, {@code /create} at 10/s with a burst of 50), with this limit. */
  public static MediaSettings defaults(long maxUploadBytes) {
    return new MediaSettings(maxUploadBytes, 24L * 60 * 60 * 1000, 5, new RateLimit(10, 50), 60_000, 32_000_000);
  }
}
