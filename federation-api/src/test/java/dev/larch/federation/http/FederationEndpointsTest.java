package dev.larch.federation.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.federation.TestFederation;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FederationEndpointsTest {
  private static TestFederation federation;

  @BeforeAll
  static void start() throws Exception {
    federation = TestFederation.start((router, endpoints) -> {
      router.put("/_matrix/federation/v1/echo/:id").handler(endpoints.signed(
          request -> Map.of("origin", request.origin(), "id", request.path("id"), "body", request.json())));
      router.get("/_matrix/federation/v1/open").handler(endpoints.open(request -> Map.of("ok", true)));
    });
  }

  @AfterAll
  static void stop() throws Exception {
    federation.close();
  }

  private static ObjectNode body() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("n", 1);
    return body;
  }

  @Test
  void aSignedRequestReachesItsEndpointWithItsOrigin() {
    TestFederation.Remote remote = federation.remote("remote.test");
    TestFederation.Response response =
        remote.send("PUT", "/_matrix/federation/v1/echo/a%20b?x=1", body());
    assertEquals(200, response.status(), response.json().toString());
    assertEquals("remote.test", response.json().path("origin").asText());
    assertEquals("a b", response.json().path("id").asText());
    assertEquals(1, response.json().path("body").path("n").asInt());
  }

  @Test
  void unsignedForgedAndMisdirectedRequestsGetUnauthorized() {
    TestFederation.Remote remote = federation.remote("remote2.test");
    TestFederation.Response unsigned = federation.send("PUT", "/_matrix/federation/v1/echo/1", body(), null);
    assertEquals(401, unsigned.status());
    assertEquals("M_UNAUTHORIZED", unsigned.json().path("errcode").asText());
    TestFederation.Response misdirected =
        remote.sendSignedFor("elsewhere.test", "PUT", "/_matrix/federation/v1/echo/1", body());
    assertEquals(401, misdirected.status());
    TestFederation.Response unknown =
        federation.unknownRemote("stranger.test").send("PUT", "/_matrix/federation/v1/echo/1", body());
    assertEquals(401, unknown.status());
    assertEquals("M_UNAUTHORIZED", unknown.json().path("errcode").asText());
  }

  @Test
  void openEndpointsNeedNoSignature() {
    TestFederation.Response response = federation.send("GET", "/_matrix/federation/v1/open", null, null);
    assertEquals(200, response.status());
    assertEquals(true, response.json().path("ok").asBoolean());
  }
}
