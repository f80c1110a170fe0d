package dev.larch.client.room;

import static dev.larch.client.room.RoomApi.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.room.RoomVersion;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The room endpoints over HTTP: each one's happy path, and bad input getting the spec's error, never a 500. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class RoomRoutesTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private RoomApi api;
  private String alice;
  private String bob;

  RoomRoutesTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void start() throws Exception {
    api = RoomApi.start(kind, tempDir);
    alice = api.register("alice");
    bob = api.register("bob");
  }

  @AfterEach
  void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private String createRoom(String body) throws Exception {
    return api.call("POST", "/createRoom", body, alice).ok().get("room_id").asText();
  }

  private String room(String roomId) {
    return "/rooms/" + enc(roomId);
  }

  @Test
  void chatFlow_createInviteJoinSendSyncHistoryRedact() throws Exception {
    String roomId = createRoom("{\"preset\":\"private_chat\",\"name\":\"Chat\",\"invite\":[\"" + BOB + "\"]}");
    api.call("POST", "/join/" + enc(roomId) + "?server_name=larch.test", "{}", bob).ok();
    assertEquals(roomId, api.call("GET", "/joined_rooms", null, bob).ok().get("joined_rooms").get(0).asText());

    String eventId = api.call("PUT", room(roomId) + "/send/m.room.message/t1",
        "{\"msgtype\":\"m.text\",\"body\":\"hello\"}", alice).ok().get("event_id").asText();
    assertEquals(eventId, api.call("PUT", room(roomId) + "/send/m.room.message/t1",
        "{\"msgtype\":\"m.text\",\"body\":\"hello\"}", alice).ok().get("event_id").asText());

    JsonNode messages = api.call("GET", room(roomId) + "/messages?dir=b&limit=1", null, bob).ok();
    assertEquals("hello", messages.get("chunk").get(0).get("content").get("body").asText());
    assertTrue(messages.has("start") && messages.has("end"));
    JsonNode event = api.call("GET", room(roomId) + "/event/" + enc(eventId), null, alice).ok();
    assertEquals("t1", event.get("unsigned").get("transaction_id").asText());
    assertFalse(event.has("signatures") || event.has("auth_events") || event.has("depth"));

    api.call("PUT", room(roomId) + "/redact/" + enc(eventId) + "/r1", "{\"reason\":\"typo\"}", alice).ok();
    JsonNode redacted = api.call("GET", room(roomId) + "/event/" + enc(eventId), null, bob).ok();
    assertEquals(0, redacted.get("content").size());
    assertTrue(redacted.get("unsigned").has("redacted_because"));

    JsonNode context = api.call("GET", room(roomId) + "/context/" + enc(eventId) + "?limit=2", null, bob).ok();
    assertEquals(eventId, context.get("event").get("event_id").asText());
    assertTrue(context.has("events_before") && context.has("state") && context.has("start"));
  }

  @Test
  void createRoom_everyRoomVersion() throws Exception {
    for (RoomVersion version : RoomVersion.values()) {
      String roomId = createRoom("{\"room_version\":\"" + version.identifier() + "\"}");
      JsonNode create = api.call("GET", room(roomId) + "/state/m.room.create/", null, alice).ok();
      assertEquals(version.identifier(), create.get("room_version").asText());
    }
    api.call("POST", "/createRoom", "{\"room_version\":\"13\"}", alice).error(400, "M_UNSUPPORTED_ROOM_VERSION");
  }

  @Test
  void createRoom_badInput() throws Exception {
    api.call("POST", "/createRoom", "{not json", alice).error(400, "M_NOT_JSON");
    api.call("POST", "/createRoom", "{\"name\":5}", alice).error(400, "M_BAD_JSON");
    api.call("POST", "/createRoom", "{\"invite\":\"@bob:larch.test\"}", alice).error(400, "M_BAD_JSON");
    api.call("POST", "/createRoom", "{\"invite\":[\"bob\"]}", alice).error(400, "M_INVALID_PARAM");
    api.call("POST", "/createRoom", "{\"initial_state\":[{\"type\":\"x\"}]}", alice).error(400, "M_BAD_JSON");
    api.call("POST", "/createRoom", "{\"preset\":\"party\"}", alice).error(400, "M_BAD_JSON");
    api.call("POST", "/createRoom", "{\"power_level_content_override\":{\"users\":{},\"state_default\":100}}",
        alice).error(400, "M_INVALID_ROOM_STATE");
    createRoom("{\"room_alias_name\":\"taken\"}");
    api.call("POST", "/createRoom", "{\"room_alias_name\":\"taken\"}", bob).error(400, "M_ROOM_IN_USE");
    api.call("POST", "/createRoom", "{}", null).error(401, "M_MISSING_TOKEN");
    assertTrue(api.call("GET", "/joined_rooms", null, bob).ok().get("joined_rooms").isEmpty());
  }

  @Test
  void send_badInput() throws Exception {
    String roomId = createRoom("{}");
    api.call("PUT", room("not-a-room") + "/send/m.room.message/t", "{}", alice).error(400, "M_INVALID_PARAM");
    api.call("PUT", room(roomId) + "/send/m.room.message/t", "[1]", alice).error(400, "M_BAD_JSON");
    api.call("PUT", room(roomId) + "/send/m.room.message/t", "nope", alice).error(400, "M_NOT_JSON");
    api.call("PUT", room(roomId) + "/send/m.room.message/t", "{\"f\":1.5}", alice).error(400, "M_BAD_JSON");
    api.call("PUT", room(roomId) + "/send/m.room.message/t", "{}", bob).error(403, "M_FORBIDDEN");
    api.call("PUT", room("!unknown:larch.test") + "/send/m.room.message/t", "{}", alice).error(404, "M_NOT_FOUND");
    String big = "{\"body\":\"" + "x".repeat(66_000) + "\"}";
    api.call("PUT", room(roomId) + "/send/m.room.message/big", big, alice).error(413, "M_TOO_LARGE");
  }

  @Test
  void state_putAndGet() throws Exception {
    String roomId = createRoom("{\"preset\":\"public_chat\"}");
    String eventId = api.call("PUT", room(roomId) + "/state/m.room.topic", "{\"topic\":\"t\"}", alice)
        .ok().get("event_id").asText();
    assertEquals("t", api.call("GET", room(roomId) + "/state/m.room.topic", null, alice).ok()
        .get("topic").asText());
    assertEquals(eventId, api.call("GET", room(roomId) + "/state/m.room.topic/?format=event", null, alice).ok()
        .get("event_id").asText());
    api.call("GET", room(roomId) + "/state/m.room.avatar/", null, alice).error(404, "M_NOT_FOUND");
    assertTrue(api.call("GET", room(roomId) + "/state", null, alice).ok().size() >= 6);
    api.call("GET", room(roomId) + "/state", null, bob).error(403, "M_FORBIDDEN");
    api.call("POST", "/rooms/" + enc(roomId) + "/join", null, bob).ok();
    api.call("PUT", room(roomId) + "/state/m.room.topic/", "{\"topic\":\"x\"}", bob).error(403, "M_FORBIDDEN");
  }

  @Test
  void membership_endpoints() throws Exception {
    String roomId = createRoom("{\"preset\":\"public_chat\"}");
    api.call("POST", room(roomId) + "/join", "{}", bob).ok();
    api.call("POST", room(roomId) + "/kick", "{\"user_id\":\"" + BOB + "\",\"reason\":\"x\"}", alice).ok();
    api.call("POST", room(roomId) + "/ban", "{\"user_id\":\"" + BOB + "\"}", alice).ok();
    api.call("POST", room(roomId) + "/join", "{}", bob).error(403, "M_FORBIDDEN");
    api.call("POST", room(roomId) + "/unban", "{\"user_id\":\"" + BOB + "\"}", alice).ok();
    api.call("POST", room(roomId) + "/invite", "{\"user_id\":\"" + BOB + "\"}", alice).ok();
    api.call("POST", room(roomId) + "/leave", null, bob).ok();
    api.call("POST", room(roomId) + "/forget", "{}", bob).ok();
    api.call("POST", room(roomId) + "/invite", "{}", alice).error(400, "M_MISSING_PARAM");
    api.call("POST", room(roomId) + "/invite", "{\"user_id\":5}", alice).error(400, "M_BAD_JSON");
    api.call("POST", room(roomId) + "/forget", "{}", alice).error(400, "M_UNKNOWN");
    api.call("POST", "/join/" + enc("#missing:larch.test"), "{}", bob).error(404, "M_NOT_FOUND");
    api.call("POST", "/knock/" + enc(roomId), "{}", bob).error(403, "M_FORBIDDEN");
    JsonNode members = api.call("GET", room(roomId) + "/members?not_membership=leave", null, alice).ok();
    assertEquals(1, members.get("chunk").size());
    assertTrue(api.call("GET", room(roomId) + "/joined_members", null, alice).ok().get("joined").has(ALICE));
  }

  @Test
  void messages_badInput() throws Exception {
    String roomId = createRoom("{}");
    api.call("GET", room(roomId) + "/messages?dir=x", null, alice).error(400, "M_INVALID_PARAM");
    api.call("GET", room(roomId) + "/messages?dir=b&limit=abc", null, alice).error(400, "M_INVALID_PARAM");
    api.call("GET", room(roomId) + "/messages?dir=b&from=zzz", null, alice).error(400, "M_INVALID_PARAM");
    api.call("GET", room(roomId) + "/messages?dir=b&filter=" + enc("{\"types\":5}"), null, alice)
        .error(400, "M_BAD_JSON");
    api.call("GET", room(roomId) + "/messages?dir=b", null, bob).error(403, "M_FORBIDDEN");
    api.call("GET", room("!unknown:larch.test") + "/messages?dir=b", null, alice).error(403, "M_FORBIDDEN");
    JsonNode page = api.call("GET", room(roomId) + "/messages?dir=f&filter="
        + enc("{\"types\":[\"m.room.create\"]}"), null, alice).ok();
    assertEquals(1, page.get("chunk").size());
    api.call("GET", room(roomId) + "/event/" + enc("$nope"), null, alice).error(404, "M_NOT_FOUND");
    api.call("GET", room(roomId) + "/event/nope", null, alice).error(400, "M_INVALID_PARAM");
  }

  @Test
  void profile_endpoints() throws Exception {
    api.call("PUT", "/profile/" + enc(ALICE) + "/displayname", "{\"displayname\":\"Alice\"}", alice).ok();
    api.call("PUT", "/profile/" + enc(ALICE) + "/avatar_url", "{\"avatar_url\":\"mxc://a/b\"}", alice).ok();
    JsonNode profile = api.call("GET", "/profile/" + enc(ALICE), null, null).ok();
    assertEquals("Alice", profile.get("displayname").asText());
    assertEquals("mxc://a/b", api.call("GET", "/profile/" + enc(ALICE) + "/avatar_url", null, null).ok()
        .get("avatar_url").asText());
    api.call("PUT", "/profile/" + enc(ALICE) + "/displayname", "{\"displayname\":\"x\"}", bob)
        .error(403, "M_FORBIDDEN");
    api.call("PUT", "/profile/" + enc(ALICE) + "/displayname", "{\"displayname\":1}", alice)
        .error(400, "M_BAD_JSON");
    api.call("GET", "/profile/" + enc("@ghost:larch.test"), null, null).error(404, "M_NOT_FOUND");
    api.call("GET", "/profile/ghost", null, null).error(400, "M_INVALID_PARAM");
  }

  @Test
  void alias_endpoints() throws Exception {
    String roomId = createRoom("{}");
    String alias = "/directory/room/" + enc("#hall:larch.test");
    api.call("PUT", alias, "{\"room_id\":\"" + roomId + "\"}", alice).ok();
    api.call("PUT", alias, "{\"room_id\":\"" + roomId + "\"}", alice).error(409, "M_UNKNOWN");
    assertEquals(roomId, api.call("GET", alias, null, null).ok().get("room_id").asText());
    assertEquals("#hall:larch.test", api.call("GET", room(roomId) + "/aliases", null, alice).ok()
        .get("aliases").get(0).asText());
    api.call("GET", room(roomId) + "/aliases", null, bob).error(403, "M_FORBIDDEN");
    api.call("DELETE", alias, null, bob).error(403, "M_FORBIDDEN");
    api.call("DELETE", alias, null, alice).ok();
    api.call("GET", alias, null, null).error(404, "M_NOT_FOUND");
    api.call("GET", "/directory/room/" + enc("nope"), null, null).error(400, "M_INVALID_PARAM");
    api.call("PUT", alias, "{}", alice).error(400, "M_MISSING_PARAM");
  }
}
