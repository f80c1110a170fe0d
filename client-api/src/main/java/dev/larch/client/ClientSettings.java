package dev.larch.client;

/**
 * Settings of the client API itself (not of the services behind it).
 *
 * <p>Spec: client-server API v1.11, "API standards" (413 {@code M_TOO_LARGE}) and "Server Discovery"
 * ({@code /.well-known/matrix/client}).
 *
 * @param maxBodyBytes the largest request body accepted; larger is 413 {@code M_TOO_LARGE}. Events have their own,
 *     smaller limit (65,536 bytes), checked by the rooms code
 * @param publicBaseUrl the URL clients should use for this server (well-known {@code m.homeserver.base_url}), or
 *     null to derive it from each request's {@code Host}
 * @param workerPoolSize how many endpoint calls run at once: the database pool's size
 */
public record ClientSettings(long maxBodyBytes, String publicBaseUrl, int workerPoolSize) {
  /** 1 MiB: room for any event (64 KiB) plus the larger bodies of key uploads and filters. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;

  public ClientSettings {
    if (maxBodyBytes < 1024 || workerPoolSize < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 1024 and workerPoolSize at least 1");
    }
  }

  /** The defaults, with {@code workerPoolSize} workers. */
  public static ClientSettings defaults(int workerPoolSize) {
    return new ClientSettings(DEFAULT_MAX_BODY_BYTES, null, workerPoolSize);
  }
}
