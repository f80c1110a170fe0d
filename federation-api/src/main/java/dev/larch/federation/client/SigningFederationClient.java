package dev.larch.federation.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.auth.RequestSignature;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.federation.transport.FederationTransport;
import dev.larch.federation.transport.TransportRequest;
import dev.larch.federation.transport.TransportResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link FederationClient} over a {@link FederationTransport}: signs each request as this server (X-Matrix with
 * {@code destination}, spec: server-server API v1.11, "Request Authentication"), sends the body as JSON, waits for
 * the answer and reads it as received JSON.
 *
 * <p>A 2xx answer must be JSON; any other status becomes {@link RemoteServerException#httpError} with the remote's
 * {@code errcode} and {@code error} when its body is a Matrix error. Requests to the key API ({@code /_matrix/key/})
 * get a shorter timeout: they sit in front of event and request checks, and a notary may answer instead.
 */
public final class SigningFederationClient implements FederationClient {
  /** How long a federation request may take, answer included. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** How long a key request may take. */
  public static final Duration DEFAULT_KEY_TIMEOUT = Duration.ofSeconds(10);

  private static final String KEY_API = "/_matrix/key/";
  // The transport enforces the timeout; this margin only covers a transport that forgets to.
  private static final long WAIT_MARGIN_MS = 5_000;
  private static final int MAX_ERROR_TEXT = 200;

  private final String origin;
  private final String keyId;
  private final SigningKey key;
  private final FederationTransport transport;
  private final Duration timeout;
  private final Duration keyTimeout;

  public SigningFederationClient(String origin, String keyId, SigningKey key, FederationTransport transport,
      Duration timeout, Duration keyTimeout) {
    this.origin = origin;
    this.keyId = keyId;
    this.key = key;
    this.transport = transport;
    this.timeout = timeout;
    this.keyTimeout = keyTimeout;
  }

  /** A client with the default timeouts. */
  public SigningFederationClient(String origin, String keyId, SigningKey key, FederationTransport transport) {
    this(origin, keyId, key, transport, DEFAULT_TIMEOUT, DEFAULT_KEY_TIMEOUT);
  }

  @Override
  public JsonNode request(String destination, String method, String pathAndQuery, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = body == null ? new byte[0] : JsonMapper.shared().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("request body is not serialisable", e);
    }
    Map<String, String> headers = new HashMap<>();
    headers.put("Authorization",
        RequestSignature.sign(method, pathAndQuery, origin, destination, body, keyId, key).format());
    headers.put("Accept", "application/json");
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    long timeoutMillis = (pathAndQuery.startsWith(KEY_API) ? keyTimeout : timeout).toMillis();
    TransportResponse response = await(destination,
        transport.send(new TransportRequest(destination, method, pathAndQuery, Map.copyOf(headers), bytes,
            timeoutMillis)), timeoutMillis);
    if (response.status() >= 200 && response.status() < 300) {
      try {
        return ReceivedJson.parseValue(response.body());
      } catch (MatrixException e) {
        throw RemoteServerException.badResponse(destination,
            method + " " + pathPart(pathAndQuery) + " answered " + response.status() + " with a body that is not "
                + "JSON: " + e.getMessage(), null);
      }
    }
    throw httpError(destination, response);
  }

  private static TransportResponse await(String destination, CompletableFuture<TransportResponse> future,
      long timeoutMillis) {
    try {
      return future.get(timeoutMillis + WAIT_MARGIN_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RemoteServerException remote) {
        throw remote;
      }
      throw RemoteServerException.unreachable(destination, "transport failed: " + cause, cause);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw RemoteServerException.timeout(destination, "no response within " + timeoutMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw RemoteServerException.unreachable(destination, "interrupted while waiting for the response", e);
    }
  }

  /** The remote's error: its {@code errcode}/{@code error} when the body is a Matrix error, else the status alone. */
  private static RemoteServerException httpError(String destination, TransportResponse response) {
    String errcode = null;
    String error = null;
    try {
      JsonNode json = ReceivedJson.parseValue(response.body());
      if (json.path("errcode").isTextual()) {
        errcode = json.get("errcode").textValue();
      }
      if (json.path("error").isTextual()) {
        error = json.get("error").textValue();
      }
    } catch (MatrixException e) {
      // Not JSON (a proxy's HTML page, say): the status says enough.
    }
    if (error == null) {
      String text = new String(response.body(), StandardCharsets.UTF_8).strip();
      error = text.isEmpty() || text.startsWith("<") ? "no Matrix error body" : text;
    }
    if (error.length() > MAX_ERROR_TEXT) {
      error = error.substring(0, MAX_ERROR_TEXT) + "…";
    }
    return RemoteServerException.httpError(destination, response.status(), errcode, error);
  }

  /** The path without the query, for messages (queries may carry tokens). */
  private static String pathPart(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }
}
