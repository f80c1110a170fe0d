package dev.larch.federation.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.auth.RequestSignature;
import dev.larch.core.federation.auth.XMatrix;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.federation.transport.RoutingFederationTransport;
import dev.larch.federation.transport.TransportRequest;
import dev.larch.federation.transport.TransportResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SigningFederationClientTest {
  private static final String ORIGIN = "larch.test";
  private static final String KEY_ID = "ed25519:k";
  private final SigningKey key = SigningKey.generate(new SecureRandom());
  private final List<TransportRequest> sent = new ArrayList<>();

  private SigningFederationClient client(Function<TransportRequest, TransportResponse> remote) {
    return new SigningFederationClient(ORIGIN, KEY_ID, key, request -> {
      sent.add(request);
      try {
        return CompletableFuture.completedFuture(remote.apply(request));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }, Duration.ofSeconds(30), Duration.ofSeconds(7));
  }

  private static TransportResponse answer(int status, String body) {
    return new TransportResponse(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void signsForTheDestination_sendsJson_andReadsTheAnswerAsReceived() throws Exception {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("n", 1);
    JsonNode result = client(r -> answer(200, "{\"big\":12345678901234567890,\"ok\":true}"))
        .request("remote.test", "PUT", "/_matrix/federation/v1/send/t%201?x=1", body);
    assertTrue(result.path("ok").booleanValue());
    assertEquals("12345678901234567890", result.path("big").bigIntegerValue().toString());

    TransportRequest request = sent.get(0);
    assertEquals("remote.test", request.destination());
    assertEquals("application/json", request.headers().get("Content-Type"));
    assertEquals(30_000, request.timeoutMillis());
    assertArrayEquals(JsonMapper.shared().writeValueAsBytes(body), request.body());
    XMatrix header = XMatrix.parse(request.headers().get("Authorization")).orElseThrow();
    assertEquals(ORIGIN, header.origin());
    assertEquals("remote.test", header.destination());
    assertEquals(KEY_ID, header.keyId());
    // The receiver's check, on what it receives, passes; for another URI it does not.
    VerifyKey verifyKey = VerifyKey.of(KEY_ID, key);
    assertTrue(RequestSignature.verify("PUT", "/_matrix/federation/v1/send/t%201?x=1",
        ReceivedJson.parseValue(request.body()), header, verifyKey));
    assertFalse(RequestSignature.verify("PUT", "/_matrix/federation/v1/send/t%202?x=1",
        ReceivedJson.parseValue(request.body()), header, verifyKey));
  }

  @Test
  void getHasNoBody_andKeyRequestsGetTheShorterTimeout() {
    client(r -> answer(200, "{}")).get("remote.test", "/_matrix/key/v2/server");
    TransportRequest request = sent.get(0);
    assertEquals(0, request.body().length);
    assertFalse(request.headers().containsKey("Content-Type"));
    assertEquals(7_000, request.timeoutMillis());
  }

  @Test
  void errorStatuses_carryTheRemotesErrcode() {
    RemoteServerException e = assertThrows(RemoteServerException.class, () -> client(
        r -> answer(403, "{\"errcode\":\"M_FORBIDDEN\",\"error\":\"not in room\"}"))
        .get("remote.test", "/_matrix/federation/v1/state/!r"));
    assertEquals(RemoteServerException.Kind.HTTP_ERROR, e.kind());
    assertEquals(403, e.status().getAsInt());
    assertEquals("M_FORBIDDEN", e.errcode().orElseThrow());
    assertTrue(e.getMessage().contains("not in room"));
    assertFalse(e.retryable());

    RemoteServerException proxy = assertThrows(RemoteServerException.class, () -> client(
        r -> answer(502, "<html>Bad Gateway</html>")).get("remote.test", "/_matrix/federation/v1/version"));
    assertEquals(502, proxy.status().getAsInt());
    assertTrue(proxy.errcode().isEmpty());
    assertTrue(proxy.retryable());
  }

  @Test
  void aSuccessThatIsNotJson_isABadResponse_andTransportFailuresPassThrough() {
    RemoteServerException bad = assertThrows(RemoteServerException.class,
        () -> client(r -> answer(200, "<html>")).get("remote.test", "/_matrix/federation/v1/version"));
    assertEquals(RemoteServerException.Kind.BAD_RESPONSE, bad.kind());

    RemoteServerException down = RemoteServerException.timeout("remote.test", "slow");
    RemoteServerException passed = assertThrows(RemoteServerException.class,
        () -> client(r -> {
          throw down;
        }).get("remote.test", "/_matrix/federation/v1/version"));
    assertSame(down, passed);
  }

  @Test
  void routing_sendsP2pNamesToTheOverlay_andOthersToHttps() throws Exception {
    List<String> overlay = new ArrayList<>();
    List<String> https = new ArrayList<>();
    RoutingFederationTransport routing = new RoutingFederationTransport(request -> {
      https.add(request.destination());
      return CompletableFuture.completedFuture(answer(200, "{}"));
    });
    String p2p = "ab".repeat(32);
    TransportRequest toP2p = new TransportRequest(p2p, "GET", "/x", Map.of(), new byte[0], 1000);
    RemoteServerException e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> routing.send(toP2p).get()).getCause() instanceof RemoteServerException r ? r : null;
    assertEquals(RemoteServerException.Kind.UNREACHABLE, e.kind());

    routing.registerOverlay(request -> {
      overlay.add(request.destination());
      return CompletableFuture.completedFuture(answer(200, "{}"));
    });
    routing.send(toP2p).get();
    routing.send(new TransportRequest("example.org", "GET", "/x", Map.of(), new byte[0], 1000)).get();
    // Upper-case hex is another (DNS) name, not a P2P one.
    routing.send(new TransportRequest("AB".repeat(32), "GET", "/x", Map.of(), new byte[0], 1000)).get();
    assertEquals(List.of(p2p), overlay);
    assertEquals(List.of("example.org", "AB".repeat(32)), https);

    RoutingFederationTransport none = new RoutingFederationTransport(null);
    assertTrue(assertThrows(java.util.concurrent.ExecutionException.class,
        () -> none.send(new TransportRequest("example.org", "GET", "/x", Map.of(), new byte[0], 1000)).get())
        .getCause() instanceof RemoteServerException);
  }
}
