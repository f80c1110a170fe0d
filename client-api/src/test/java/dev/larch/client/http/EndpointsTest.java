package dev.larch.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.larch.client.ClientSettings;
import dev.larch.client.TestClientApi;
import dev.larch.client.TestClientApi.Account;
import dev.larch.client.TestClientApi.Response;
import dev.larch.core.user.AccountSettings;
import dev.larch.storage.contract.TestDatabase;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint framework through test routes: JSON and errors, tokens, body limits, replies and async endpoints.
 * One database is enough here (H2): nothing below depends on it.
 */
class EndpointsTest {
  private static final String T = "/_matrix/client/v3/test";

  /** A wire record with a few typed fields. */
  record Typed(@JsonProperty("name") String name, @JsonProperty("count") Integer count,
      @JsonProperty("flag") Boolean flag, @JsonProperty("tags") List<String> tags) {}

  @TempDir Path tempDir;
  private TestClientApi api;
  private Account alice;

  @BeforeEach
  void start() throws Exception {
    api = TestClientApi.start(TestDatabase.H2, tempDir, AccountSettings.defaults(TestClientApi.SERVER),
        new ClientSettings(4096, null, 4), (router, endpoints) -> {
          ClientPaths.route(router, HttpMethod.POST, "/test/echo/:thing",
              endpoints.open(req -> Map.of("thing", req.path("thing"), "q", req.queryAll("q"),
                  "json", req.json(), "header", String.valueOf(req.header("X-Test")))));
          ClientPaths.route(router, HttpMethod.POST, "/test/typed",
              endpoints.open(req -> req.body(Typed.class)));
          ClientPaths.route(router, HttpMethod.GET, "/test/reply",
              endpoints.open(req -> Reply.of(202, Map.of("accepted", true))));
          ClientPaths.route(router, HttpMethod.GET, "/test/null", endpoints.open(req -> null));
          ClientPaths.route(router, HttpMethod.GET, "/test/bug", endpoints.open(req -> {
            throw new IllegalStateException("SELECT password_hash FROM users");
          }));
          ClientPaths.route(router, HttpMethod.GET, "/test/me", endpoints.authed(req -> Map.of(
              "user", req.userId(), "device", req.deviceId(), "missing", req.query("missing").orElse("none"))));
          ClientPaths.route(router, HttpMethod.GET, "/test/later", endpoints.authedAsync(this::later));
          ClientPaths.route(router, HttpMethod.GET, "/test/later-fails", endpoints.authedAsync(req ->
              CompletableFuture.failedFuture(dev.larch.core.error.MatrixException.notFound("gone"))));
        });
    alice = api.register("alice", "pw");
  }

  private CompletionStage<Object> later(AuthedRequest req) {
    // Completes on another thread, after the endpoint has returned: as a long-poll woken by a new event.
    return CompletableFuture.supplyAsync(() -> Map.of("user", req.userId()),
        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
  }

  @AfterEach
  void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void open_readsPathQueryHeaderAndBody() throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(api.base() + T + "/echo/a%20b%2Fc?q=1&q=two"))
        .header("X-Test", "yes").header("Content-Type", "text/plain")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"k\":[1,2.5]}")).build();
    var response = java.net.http.HttpClient.newHttpClient().send(request,
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertEquals(200, response.statusCode(), response.body());
    assertEquals("{\"thing\":\"a b/c\",\"q\":[\"1\",\"two\"],\"json\":{\"k\":[1,2.5]},\"header\":\"yes\"}",
        canonicalOrder(response.body()));
  }

  private static String canonicalOrder(String json) throws Exception {
    var tree = dev.larch.core.json.JsonMapper.shared().readTree(json);
    return "{\"thing\":" + tree.get("thing") + ",\"q\":" + tree.get("q") + ",\"json\":" + tree.get("json")
        + ",\"header\":" + tree.get("header") + "}";
  }

  @Test
  void json_badBodies_areNotJsonOrBadJson() throws Exception {
    api.post(T + "/echo/x", "{nope", null).assertError(400, "M_NOT_JSON");
    api.post(T + "/echo/x", null, null).assertError(400, "M_NOT_JSON");
    api.post(T + "/echo/x", "{} trailing", null).assertError(400, "M_NOT_JSON");
    api.post(T + "/echo/x", "\"a string\"", null).assertError(400, "M_BAD_JSON");
    api.post(T + "/echo/x", "{\"a\":1,\"a\":2}", null).assertError(400, "M_BAD_JSON");
  }

  @Test
  void body_wrongTypes_areBadJsonNamingTheField() throws Exception {
    api.post(T + "/typed", "{\"name\":\"n\",\"count\":3,\"flag\":true,\"tags\":[\"a\"]}", null).ok();

    assertTrue(api.post(T + "/typed", "{\"name\":5}", null).assertError(400, "M_BAD_JSON").text().contains("name"));
    assertTrue(api.post(T + "/typed", "{\"count\":\"3\"}", null).assertError(400, "M_BAD_JSON").text()
        .contains("count"));
    api.post(T + "/typed", "{\"count\":3.5}", null).assertError(400, "M_BAD_JSON");
    api.post(T + "/typed", "{\"flag\":1}", null).assertError(400, "M_BAD_JSON");
    api.post(T + "/typed", "{\"flag\":\"true\"}", null).assertError(400, "M_BAD_JSON");
    assertTrue(api.post(T + "/typed", "{\"tags\":[\"a\",{}]}", null).assertError(400, "M_BAD_JSON").text()
        .contains("tags[1]"));
    api.post(T + "/typed", "{\"unknown\":1}", null).ok();
  }

  @Test
  void reply_andNull_setStatusAndEmptyObject() throws Exception {
    Response reply = api.get(T + "/reply", null);
    assertEquals(202, reply.status());
    assertTrue(reply.json().get("accepted").asBoolean());
    assertEquals("{}", api.get(T + "/null", null).text());
  }

  @Test
  void unexpectedException_is500WithoutInternals() throws Exception {
    Response r = api.get(T + "/bug", null).assertError(500, "M_UNKNOWN");
    assertFalse(r.text().contains("password_hash"), r.text());
  }

  @Test
  void authed_resolvesTheToken_fromHeaderOrQuery() throws Exception {
    assertEquals(alice.userId(), api.get(T + "/me", alice.accessToken()).ok().get("user").asText());
    assertEquals(alice.deviceId(),
        api.get(T + "/me?access_token=" + alice.accessToken(), null).ok().get("device").asText());
  }

  @Test
  void authed_withoutToken_isMissingToken_andUnknownTokenSaysNoSoftLogout() throws Exception {
    api.get(T + "/me", null).assertError(401, "M_MISSING_TOKEN");
    Response unknown = api.get(T + "/me", "not-a-token").assertError(401, "M_UNKNOWN_TOKEN");
    assertFalse(unknown.json().get("soft_logout").asBoolean());
    assertEquals(true, unknown.json().has("soft_logout"));
    api.get(T + "/me?access_token=nope", null).assertError(401, "M_UNKNOWN_TOKEN");

    var basic = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + T + "/me"))
        .header("Authorization", "Basic YTpi").build();
    assertEquals(401, java.net.http.HttpClient.newHttpClient()
        .send(basic, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void authedAsync_writesTheStageResultWhenItCompletes() throws Exception {
    assertEquals(alice.userId(), api.get(T + "/later", alice.accessToken()).ok().get("user").asText());
    api.get(T + "/later-fails", alice.accessToken()).assertError(404, "M_NOT_FOUND");
    api.get(T + "/later", null).assertError(401, "M_MISSING_TOKEN");
  }

  @Test
  void oversizeBody_is413TooLarge() throws Exception {
    String big = "{\"k\":\"" + "x".repeat(5000) + "\"}";
    api.post(T + "/echo/x", big, null).assertError(413, "M_TOO_LARGE");
  }

  @Test
  void unknownEndpoint_is404Unrecognized_andWrongMethod405() throws Exception {
    api.get("/_matrix/client/v3/no/such/thing", null).assertError(404, "M_UNRECOGNIZED");
    api.call("PUT", "/_matrix/client/v3/login", "{}", null).assertError(405, "M_UNRECOGNIZED");
  }
}
