package dev.larch.federation.media;

import dev.larch.core.crypto.SigningKey;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.auth.RequestSignature;
import dev.larch.core.federation.media.RemoteMediaFetcher;
import dev.larch.core.media.ContentUri;
import dev.larch.federation.transport.FederationTransport;
import dev.larch.federation.transport.TransportRequest;
import dev.larch.federation.transport.TransportResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteMediaFetcher} over a {@link FederationTransport}: first the federation media API (signed as this
 * server, {@code multipart/mixed} answer), then, on any failure but an unreachable server, the legacy
 * {@code /_matrix/media/v3/download/{serverName}/{mediaId}?allow_remote=false} (unsigned), as Dendrite and Synapse
 * fall back for servers that predate authenticated media.
 *
 * <p>Spec: server-server API v1.11, "Content Repository"; {@code p2p-federation.md} section 4 (Dendrite's order).
 * A redirect ({@code Location} part) is not followed: the transport reaches federation endpoints only.
 */
public final class FederationMediaFetcher implements RemoteMediaFetcher {
  private static final Logger log = LoggerFactory.getLogger(FederationMediaFetcher.class);
  private static final long MIN_TIMEOUT_MS = 5_000;

  private final String origin;
  private final String keyId;
  private final SigningKey key;
  private final FederationTransport transport;

  public FederationMediaFetcher(String origin, String keyId, SigningKey key, FederationTransport transport) {
    this.origin = origin;
    this.keyId = keyId;
    this.key = key;
    this.transport = transport;
  }

  @Override
  public Fetched fetch(ContentUri uri, Path into, long maxBytes, long timeoutMs) {
    String server = uri.serverName().value();
    String mediaId = uri.mediaId().value();
    long timeout = Math.max(MIN_TIMEOUT_MS, timeoutMs);
    String federationPath = "/_matrix/federation/v1/media/download/" + mediaId + "?timeout_ms=" + timeout;
    String auth = RequestSignature.sign("GET", federationPath, origin, server, null, keyId, key).format();
    RemoteServerException first;
    try {
      TransportResponse response = send(server, federationPath, Map.of("Authorization", auth), timeout);
      if (response.status() == 200) {
        return fromMultipart(server, response, into, maxBytes);
      }
      first = RemoteServerException.httpError(server, response.status(), null, "federation media download");
    } catch (RemoteServerException e) {
      if (e.kind() == RemoteServerException.Kind.UNREACHABLE) {
        throw e;
      }
      first = e;
    }
    log.debug("federation media download failed, trying the legacy path uri={} reason={}", uri, first.getMessage());
    String legacyPath = "/_matrix/media/v3/download/" + server + "/" + mediaId + "?allow_remote=false&timeout_ms="
        + timeout;
    TransportResponse response = send(server, legacyPath, Map.of(), timeout);
    if (response.status() != 200) {
      throw RemoteServerException.httpError(server, response.status(), null, "media download");
    }
    String type = header(response.headers(), "content-type");
    return write(server, response.body(), into, maxBytes, type, fileName(header(response.headers(),
        "content-disposition")));
  }

  private Fetched fromMultipart(String server, TransportResponse response, Path into, long maxBytes) {
    String boundary = Multipart.boundary(header(response.headers(), "content-type"))
        .orElseThrow(() -> RemoteServerException.badResponse(server, "media answer is not multipart", null));
    List<Multipart.Part> parts = Multipart.parse(response.body(), boundary);
    if (parts.size() < 2) {
      throw RemoteServerException.badResponse(server, "media answer lacks its content part", null);
    }
    Multipart.Part content = parts.get(1);
    if (content.headers().containsKey("location")) {
      throw RemoteServerException.badResponse(server, "media answer redirects elsewhere", null);
    }
    return write(server, content.body(), into, maxBytes, content.headers().get("content-type"),
        fileName(content.headers().get("content-disposition")));
  }

  private static Fetched write(String server, byte[] bytes, Path into, long maxBytes, String type, String name) {
    if (bytes.length > maxBytes) {
      throw RemoteServerException.badResponse(server, "media larger than " + maxBytes + " bytes", null);
    }
    try {
      Files.write(into, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write remote media", e);
    }
    return new Fetched(bytes.length, type == null || type.isBlank() ? "application/octet-stream" : type, name);
  }

  private TransportResponse send(String server, String path, Map<String, String> headers, long timeoutMs) {
    TransportRequest request = new TransportRequest(server, "GET", path, headers, new byte[0], timeoutMs);
    try {
      return transport.send(request).get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RemoteServerException remote) {
        throw remote;
      }
      throw RemoteServerException.unreachable(server, "media request failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw RemoteServerException.timeout(server, "media request timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RemoteServerException.timeout(server, "interrupted");
    }
  }

  private static String header(Map<String, String> headers, String name) {
    String value = headers.get(name);
    if (value != null) {
      return value;
    }
    for (Map.Entry<String, String> entry : headers.entrySet()) {
      if (entry.getKey().toLowerCase(Locale.ROOT).equals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  // filename="x" or filename=x of a Content-Disposition; filename* is left out (a name is only a hint).
  static String fileName(String disposition) {
    if (disposition == null) {
      return null;
    }
    for (String param : disposition.split(";")) {
      String trimmed = param.strip();
      if (trimmed.toLowerCase(Locale.ROOT).startsWith("filename=")) {
        String value = trimmed.substring("filename=".length());
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return Optional.of(value).filter(v -> !v.isEmpty()).orElse(null);
      }
    }
    return null;
  }
}
