package dev.larch.federation.query;

import static dev.larch.federation.ResidentFixture.enc;
import static dev.larch.federation.ResidentFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.keys.CrossSigningKeyType;
import dev.larch.federation.ResidentFixture;
import dev.larch.federation.ResidentFixture.Remote;
import dev.larch.federation.TestFederation.Response;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** query/directory, query/profile, user/devices, user/keys/query, user/keys/claim, publicRooms. */
class QueryRoutesTest {
  @TempDir Path tempDir;

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void directoryAndProfileQueries(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String roomId = fx.room(alice, "public_chat", List.of());
      fx.aliases.create("#lobby:larch.test", roomId, alice);
      fx.profiles.setDisplayName(alice, "Alice");
      fx.profiles.setAvatarUrl(alice, "mxc://larch.test/abc");
      Remote remote = fx.remote("remote.test");

      Response alias = remote.get("/_matrix/federation/v1/query/directory?room_alias=" + enc("#lobby:larch.test"));
      assertEquals(200, alias.status(), alias.json().toString());
      assertEquals(roomId, alias.json().path("room_id").asText());
      assertEquals("larch.test", alias.json().path("servers").get(0).asText());
      assertEquals(404, remote.get("/_matrix/federation/v1/query/directory?room_alias=" + enc("#nope:larch.test"))
          .status());
      assertEquals(404, remote.get("/_matrix/federation/v1/query/directory?room_alias=" + enc("#x:remote.test"))
          .status());
      assertEquals(400, remote.get("/_matrix/federation/v1/query/directory").status());

      Response profile = remote.get("/_matrix/federation/v1/query/profile?user_id=" + enc(alice));
      assertEquals(200, profile.status());
      assertEquals("Alice", profile.json().path("displayname").asText());
      assertEquals("mxc://larch.test/abc", profile.json().path("avatar_url").asText());
      Response field = remote.get("/_matrix/federation/v1/query/profile?user_id=" + enc(alice) + "&field=displayname");
      assertEquals(json("{\"displayname\":\"Alice\"}"), field.json());
      assertEquals(400, remote.get("/_matrix/federation/v1/query/profile?user_id=" + enc(alice) + "&field=email")
          .status());
      assertEquals(404, remote.get("/_matrix/federation/v1/query/profile?user_id=" + enc("@ghost:larch.test"))
          .status());
      assertEquals(404, remote.get("/_matrix/federation/v1/query/profile?user_id=" + enc("@bob:remote.test"))
          .status());
      Response unsigned = fx.federation.send("GET", "/_matrix/federation/v1/query/profile?user_id=" + enc(alice),
          null, null);
      assertEquals(401, unsigned.status());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void devicesAndKeys(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      fx.accounts.upsertDevice(alice, "PHONE", "Alice's phone", 1);
      fx.deviceKeys.putDeviceKeys(alice, "PHONE", json("{\"user_id\":\"" + alice + "\",\"device_id\":\"PHONE\","
          + "\"algorithms\":[\"m.olm.v1.curve25519-aes-sha2\"],\"keys\":{\"curve25519:PHONE\":\"c\","
          + "\"ed25519:PHONE\":\"e\"},\"signatures\":{}}"));
      fx.deviceKeys.addOneTimeKeys(alice, "PHONE", Map.of("signed_curve25519:AAAA", json("{\"key\":\"k1\"}")));
      fx.deviceKeys.putCrossSigningKeys(alice, Map.of(
          CrossSigningKeyType.MASTER, json("{\"user_id\":\"" + alice + "\",\"usage\":[\"master\"],"
              + "\"keys\":{\"ed25519:bWFzdGVyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\":"
              + "\"bWFzdGVyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}}")));
      Remote remote = fx.remote("remote.test");

      Response devices = remote.get("/_matrix/federation/v1/user/devices/" + enc(alice));
      assertEquals(200, devices.status(), devices.json().toString());
      assertEquals(alice, devices.json().path("user_id").asText());
      long aliceStreamId = devices.json().path("stream_id").longValue();
      assertTrue(aliceStreamId > 0, devices.json().toString());
      // stream_id is the user's own position: another user's later change moves neither it nor the answer.
      String bob = fx.user("bob");
      fx.accounts.upsertDevice(bob, "LAPTOP", null, 1);
      fx.deviceKeys.putDeviceKeys(bob, "LAPTOP", json("{\"user_id\":\"" + bob + "\",\"device_id\":\"LAPTOP\","
          + "\"algorithms\":[],\"keys\":{\"ed25519:LAPTOP\":\"b\"},\"signatures\":{}}"));
      assertEquals(aliceStreamId,
          remote.get("/_matrix/federation/v1/user/devices/" + enc(alice)).json().path("stream_id").longValue());
      assertTrue(remote.get("/_matrix/federation/v1/user/devices/" + enc(bob)).json().path("stream_id").longValue()
          > aliceStreamId);
      assertEquals("PHONE", devices.json().path("devices").get(0).path("device_id").asText());
      assertEquals("c", devices.json().path("devices").get(0).path("keys").path("keys").path("curve25519:PHONE")
          .asText());
      assertFalse(devices.json().path("master_key").isMissingNode());
      assertEquals(404, remote.get("/_matrix/federation/v1/user/devices/" + enc("@x:remote.test")).status());

      ObjectNode query = json("{\"device_keys\":{\"" + alice + "\":[],\"@x:remote.test\":[]}}");
      Response keys = remote.send("POST", "/_matrix/federation/v1/user/keys/query", query);
      assertEquals(200, keys.status(), keys.json().toString());
      assertTrue(keys.json().path("device_keys").path(alice).has("PHONE"));
      assertFalse(keys.json().path("device_keys").has("@x:remote.test"));
      assertTrue(keys.json().path("master_keys").has(alice));
      assertFalse(keys.json().has("user_signing_keys"));
      assertEquals(400, remote.send("POST", "/_matrix/federation/v1/user/keys/query", json("{\"device_keys\":1}"))
          .status());

      ObjectNode claim = json("{\"one_time_keys\":{\"" + alice + "\":{\"PHONE\":\"signed_curve25519\"}}}");
      Response claimed = remote.send("POST", "/_matrix/federation/v1/user/keys/claim", claim);
      assertEquals(200, claimed.status(), claimed.json().toString());
      assertEquals("k1", claimed.json().path("one_time_keys").path(alice).path("PHONE")
          .path("signed_curve25519:AAAA").path("key").asText());
      Response none = remote.send("POST", "/_matrix/federation/v1/user/keys/claim", claim);
      assertTrue(none.json().path("one_time_keys").isEmpty(), "the one key was claimed already");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void publicRoomsListsPublishedRooms(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String published = fx.room(alice, "public_chat",
          List.of(new dev.larch.core.room.NewRoom.InitialState("m.room.name", "", json("{\"name\":\"Beach\"}"))));
      fx.room(alice, "public_chat", List.of());
      fx.directory.setVisibility(alice, published, "public");
      Remote remote = fx.remote("remote.test");

      Response get = remote.get("/_matrix/federation/v1/publicRooms?limit=10");
      assertEquals(200, get.status(), get.json().toString());
      assertEquals(1, get.json().path("chunk").size());
      assertEquals(published, get.json().path("chunk").get(0).path("room_id").asText());
      Response post = remote.send("POST", "/_matrix/federation/v1/publicRooms",
          json("{\"filter\":{\"generic_search_term\":\"beach\"},\"limit\":200}"));
      assertEquals(200, post.status(), post.json().toString());
      assertEquals("Beach", post.json().path("chunk").get(0).path("name").asText());
      assertEquals(400, remote.get("/_matrix/federation/v1/publicRooms?limit=many").status());
    }
  }
}
