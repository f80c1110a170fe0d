package dev.larch.core.federation.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.alias.AliasService;
import dev.larch.core.alias.AliasStore;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventSigner;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.id.RoomAlias;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.profile.Profile;
import dev.larch.core.profile.ProfileService;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.RoomLocks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The outbound queries our clients cause, against a fake {@link FederationClient}. */
class RemoteQueriesTest {
  /** A fake remote side: answers by (destination, method, path), records what was asked. */
  private static final class FakeClient implements FederationClient {
    final Map<String, Object> answers = new LinkedHashMap<>();
    final List<String> asked = new ArrayList<>();
    final List<ObjectNode> bodies = new ArrayList<>();

    @Override
    public JsonNode request(String destination, String method, String pathAndQuery, ObjectNode body) {
      String key = destination + " " + method + " " + pathAndQuery;
      asked.add(key);
      bodies.add(body);
      Object answer = answers.get(key);
      if (answer instanceof RemoteServerException e) {
        throw e;
      }
      if (answer == null) {
        throw RemoteServerException.httpError(destination, 404, "M_NOT_FOUND", "not here");
      }
      return (JsonNode) answer;
    }
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final AliasStore NO_ALIASES = new AliasStore() {
    @Override
    public boolean create(String alias, String roomId, String creator) {
      return false;
    }

    @Override
    public Optional<RoomAliasEntry> get(String alias) {
      return Optional.empty();
    }

    @Override
    public boolean delete(String alias) {
      return false;
    }

    @Override
    public List<String> aliasesOf(String roomId) {
      return List.of();
    }
  };

  @Test
  void aliasesOfOtherServersResolveOverFederation() {
    FakeClient client = new FakeClient();
    client.answers.put("remote.test GET /_matrix/federation/v1/query/directory?room_alias=%23lobby%3Aremote.test",
        json("{\"room_id\":\"!r:remote.test\",\"servers\":[\"third.test\",\"remote.test\",7]}"));
    AliasService aliases = new AliasService(NO_ALIASES, null, null, "larch.test", new RemoteQueries(client));

    AliasService.Resolved resolved = aliases.resolve("#lobby:remote.test");
    assertEquals("!r:remote.test", resolved.roomId());
    assertEquals(List.of("remote.test", "third.test"), resolved.servers().stream().sorted().toList());

    MatrixException unknown = assertThrows(MatrixException.class, () -> aliases.resolve("#nope:remote.test"));
    assertEquals(404, unknown.httpStatus());

    client.answers.put("down.test GET /_matrix/federation/v1/query/directory?room_alias=%23a%3Adown.test",
        RemoteServerException.unreachable("down.test", "refused", null));
    MatrixException down = assertThrows(MatrixException.class, () -> aliases.resolve("#a:down.test"));
    assertEquals(502, down.httpStatus());
    assertEquals("M_UNKNOWN", down.errorCode().code());

    client.answers.put("odd.test GET /_matrix/federation/v1/query/directory?room_alias=%23a%3Aodd.test",
        json("{\"room_id\":\"not a room\"}"));
    assertEquals(502, assertThrows(MatrixException.class, () -> aliases.resolve("#a:odd.test")).httpStatus());

    // Without a RemoteQueries, other servers' aliases stay unknown.
    AliasService offline = new AliasService(NO_ALIASES, null, null, "larch.test");
    assertEquals(404, assertThrows(MatrixException.class, () -> offline.resolve("#lobby:remote.test"))
        .httpStatus());
  }

  @Test
  void remoteProfilesComeFromTheirServer() {
    FakeClient client = new FakeClient();
    client.answers.put("remote.test GET /_matrix/federation/v1/query/profile?user_id=%40bob%3Aremote.test",
        json("{\"displayname\":\"Bob\",\"avatar_url\":\"mxc://remote.test/a\"}"));
    EventSender sender = new EventSender(null, new EventBuilder(
        new EventSigner("larch.test", "ed25519:k", SigningKey.fromSeed(new byte[32])), Clock.systemUTC(),
        new Random(1)), new RoomLocks(), List.of());
    ProfileService profiles = new ProfileService(null, null, null, sender, new RemoteQueries(client));

    assertEquals(new Profile("Bob", "mxc://remote.test/a"), profiles.get("@bob:remote.test"));
    assertEquals(404, assertThrows(MatrixException.class, () -> profiles.get("@ghost:remote.test")).httpStatus());
    client.answers.put("remote.test GET /_matrix/federation/v1/query/profile?user_id=%40eve%3Aremote.test",
        RemoteServerException.httpError("remote.test", 403, "M_FORBIDDEN", "no"));
    MatrixException forbidden = assertThrows(MatrixException.class, () -> profiles.get("@eve:remote.test"));
    assertEquals(403, forbidden.httpStatus());
    assertEquals("M_FORBIDDEN", forbidden.errorCode().code());
  }

  @Test
  void keyQueriesGoToEachServerAndFailuresAreReported() {
    FakeClient client = new FakeClient();
    client.answers.put("remote.test POST /_matrix/federation/v1/user/keys/query", json(
        "{\"device_keys\":{\"@bob:remote.test\":{\"D1\":{\"device_id\":\"D1\"}},"
            + "\"@mallory:elsewhere.test\":{\"X\":{}}},"
            + "\"master_keys\":{\"@bob:remote.test\":{\"usage\":[\"master\"]}}}"));
    client.answers.put("down.test POST /_matrix/federation/v1/user/keys/query",
        RemoteServerException.timeout("down.test", "slow"));
    ObjectNode body = json("{\"device_keys\":{},\"failures\":{},\"master_keys\":{},\"self_signing_keys\":{}}");
    Map<String, List<String>> remote = new LinkedHashMap<>();
    remote.put("@bob:remote.test", List.of());
    remote.put("@carol:down.test", List.of("C1"));

    new RemoteQueries(client).queryKeys(remote, body);

    assertTrue(body.path("device_keys").path("@bob:remote.test").has("D1"));
    assertFalse(body.path("device_keys").has("@mallory:elsewhere.test"), "a server speaks for its users only");
    assertTrue(body.path("master_keys").has("@bob:remote.test"));
    assertEquals(503, body.path("failures").path("down.test").path("status").asInt());
    assertEquals(List.of("C1"), List.of(client.bodies.get(1).path("device_keys").path("@carol:down.test").get(0)
        .asText()));

    client.answers.put("remote.test POST /_matrix/federation/v1/user/keys/claim", json(
        "{\"one_time_keys\":{\"@bob:remote.test\":{\"D1\":{\"signed_curve25519:A\":{\"key\":\"k\"}}}}}"));
    ObjectNode claimed = json("{\"one_time_keys\":{},\"failures\":{}}");
    new RemoteQueries(client).claimKeys(Map.of("@bob:remote.test", Map.of("D1", "signed_curve25519")), claimed);
    assertEquals("k", claimed.path("one_time_keys").path("@bob:remote.test").path("D1")
        .path("signed_curve25519:A").path("key").asText());
    assertEquals("signed_curve25519", client.bodies.get(2).path("one_time_keys").path("@bob:remote.test")
        .path("D1").asText());
  }

  @Test
  void remoteAliasParsesTheAliasItAsksFor() {
    FakeClient client = new FakeClient();
    assertThrows(MatrixException.class, () -> new RemoteQueries(client).directory(RoomAlias.parse("#x:gone.test")));
    assertEquals(List.of("gone.test GET /_matrix/federation/v1/query/directory?room_alias=%23x%3Agone.test"),
        client.asked);
  }
}
