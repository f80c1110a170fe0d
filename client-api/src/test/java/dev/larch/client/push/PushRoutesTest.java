package dev.larch.client.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.WiredClientApi.Session;
import dev.larch.client.WiredClientApiTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /pushrules}, {@code /pushers} and unread counts in {@code /sync} over HTTP. */
class PushRoutesTest extends WiredClientApiTest {
  private Session alice;

  @BeforeEach
  void logIn() throws Exception {
    alice = api.login("alice", "ALICE1");
  }

  private static List<String> ids(JsonNode rules) {
    List<String> out = new ArrayList<>();
    rules.forEach(r -> out.add(r.get("rule_id").asText()));
    return out;
  }

  @Test
  void defaults_are_served() throws Exception {
    JsonNode all = api.get("/pushrules/", alice.token()).ok();
    JsonNode global = all.get("global");
    for (String k : List.of("override", "content", "room", "sender", "underride")) {
      assertTrue(global.get(k).isArray(), k);
    }
    assertEquals(12, global.get("override").size());
    assertEquals("alice", global.get("content").get(0).get("pattern").asText());
    assertEquals(global, api.get("/pushrules/global/", alice.token()).ok());
    JsonNode master = api.get("/pushrules/global/override/.m.rule.master", alice.token()).ok();
    assertFalse(master.get("enabled").asBoolean());
    assertTrue(master.get("default").asBoolean());
    api.get("/pushrules/", null).assertError(401, "M_MISSING_TOKEN");
  }

  @Test
  void user_rules_crud_with_ordering() throws Exception {
    String rule = "{\"conditions\":[{\"kind\":\"event_match\",\"key\":\"type\",\"pattern\":\"m.x\"}],"
        + "\"actions\":[\"notify\"]}";
    api.put("/pushrules/global/override/one", rule, alice.token()).ok();
    api.put("/pushrules/global/override/two?after=one", rule, alice.token()).ok();
    api.put("/pushrules/global/override/zero?before=one", rule, alice.token()).ok();
    List<String> override = ids(api.get("/pushrules/", alice.token()).ok().path("global").path("override"));
    assertEquals(List.of(".m.rule.master", "zero", "one", "two", ".m.rule.suppress_notices"),
        override.subList(0, 5));
    JsonNode one = api.get("/pushrules/global/override/one", alice.token()).ok();
    assertEquals("m.x", one.path("conditions").get(0).path("pattern").asText());
    assertFalse(one.get("default").asBoolean());

    api.put("/pushrules/global/content/nick", "{\"pattern\":\"ali\",\"actions\":[\"notify\"]}", alice.token()).ok();
    api.put("/pushrules/global/room/!r:larch.test", "{\"actions\":[\"dont_notify\"]}", alice.token()).ok();
    assertEquals("!r:larch.test",
        api.get("/pushrules/global/", alice.token()).ok().path("room").get(0).path("rule_id").asText());

    api.delete("/pushrules/global/override/one", alice.token()).ok();
    api.get("/pushrules/global/override/one", alice.token()).assertError(404, "M_NOT_FOUND");
    api.delete("/pushrules/global/override/one", alice.token()).assertError(404, "M_NOT_FOUND");
    api.delete("/pushrules/global/override/.m.rule.master", alice.token()).assertError(400, "M_INVALID_PARAM");
  }

  @Test
  void bad_input() throws Exception {
    String ok = "{\"conditions\":[],\"actions\":[\"notify\"]}";
    api.put("/pushrules/global/override/.m.rule.master", ok, alice.token()).assertError(400, "M_INVALID_PARAM");
    api.put("/pushrules/global/bogus/x", ok, alice.token()).assertError(400, "M_INVALID_PARAM");
    api.put("/pushrules/device/override/x", ok, alice.token()).assertError(400, "M_INVALID_PARAM");
    api.put("/pushrules/global/override/x?before=missing", ok, alice.token()).assertError(404, "M_NOT_FOUND");
    api.put("/pushrules/global/override/x?after=.m.rule.master", ok, alice.token())
        .assertError(400, "M_INVALID_PARAM");
    api.put("/pushrules/global/override/x", "{\"conditions\":[]}", alice.token()).assertError(400, "M_BAD_JSON");
    api.put("/pushrules/global/override/x", "{\"conditions\":5,\"actions\":[]}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.put("/pushrules/global/override/x", "{\"conditions\":[{\"kind\":\"event_match\"}],\"actions\":[]}",
        alice.token()).assertError(400, "M_BAD_JSON");
    api.put("/pushrules/global/override/x", "{\"conditions\":[],\"actions\":[\"bogus\"]}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.put("/pushrules/global/content/x", "{\"actions\":[]}", alice.token()).assertError(400, "M_BAD_JSON");
    api.put("/pushrules/global/override/x", "not json", alice.token()).assertError(400, "M_NOT_JSON");
    api.get("/pushrules/global/override/nope", alice.token()).assertError(404, "M_NOT_FOUND");
    api.get("/pushrules/global/override/nope/enabled", alice.token()).assertError(404, "M_NOT_FOUND");
    api.put("/pushrules/global/override/.m.rule.master/enabled", "{\"enabled\":\"yes\"}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.put("/pushrules/global/override/.m.rule.master/actions", "{\"actions\":5}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.put("/user/" + alice.userId() + "/account_data/m.push_rules", "{}", alice.token())
        .assertError(405, "M_BAD_JSON");
  }

  @Test
  void enabled_and_actions_of_defaults_persist_and_reach_sync() throws Exception {
    api.put("/pushrules/global/override/.m.rule.master/enabled", "{\"enabled\":true}", alice.token()).ok();
    assertTrue(api.get("/pushrules/global/override/.m.rule.master/enabled", alice.token()).ok()
        .get("enabled").asBoolean());
    api.put("/pushrules/global/underride/.m.rule.message/actions", "{\"actions\":[\"dont_notify\"]}", alice.token())
        .ok();
    assertEquals("dont_notify", api.get("/pushrules/global/underride/.m.rule.message/actions", alice.token()).ok()
        .get("actions").get(0).asText());
    JsonNode sync = api.sync(alice, null);
    JsonNode event = null;
    for (JsonNode e : sync.path("account_data").path("events")) {
      if (e.path("type").asText().equals("m.push_rules")) {
        event = e;
      }
    }
    assertTrue(event != null, sync.toString());
    assertTrue(event.path("content").path("global").path("override").get(0).path("enabled").asBoolean());
  }

  @Test
  void initial_sync_carries_default_rules() throws Exception {
    JsonNode sync = api.sync(alice, null);
    boolean found = false;
    for (JsonNode e : sync.path("account_data").path("events")) {
      found |= e.path("type").asText().equals("m.push_rules");
    }
    assertTrue(found, sync.toString());
  }

  @Test
  void pushers() throws Exception {
    assertEquals(0, api.get("/pushers", alice.token()).ok().get("pushers").size());
    String pusher = "{\"kind\":\"http\",\"app_id\":\"im.app\",\"pushkey\":\"k1\",\"app_display_name\":\"App\","
        + "\"device_display_name\":\"Phone\",\"lang\":\"en\",\"data\":{\"url\":\"https://push.example/_matrix/push/v1/notify\"}}";
    api.post("/pushers/set", pusher, alice.token()).ok();
    JsonNode list = api.get("/pushers", alice.token()).ok().get("pushers");
    assertEquals(1, list.size());
    assertEquals("k1", list.get(0).get("pushkey").asText());
    api.post("/pushers/set", "{\"kind\":\"http\",\"app_id\":\"im.app\",\"pushkey\":\"k1\"}", alice.token())
        .assertError(400, "M_MISSING_PARAM");
    api.post("/pushers/set", pusher.replace("https://push.example", "ftp://x"), alice.token())
        .assertError(400, "M_INVALID_PARAM");
    api.post("/pushers/set", pusher.replace("\"http\"", "\"carrier-pigeon\""), alice.token())
        .assertError(400, "M_INVALID_PARAM");
    api.post("/pushers/set", "{\"kind\":null,\"app_id\":\"im.app\",\"pushkey\":\"k1\"}", alice.token()).ok();
    assertEquals(0, api.get("/pushers", alice.token()).ok().get("pushers").size());
  }

  @Test
  void unread_counts_in_sync() throws Exception {
    Session bob = api.login("bob", "BOB1");
    String roomId = api.roomWith(alice, bob);
    api.put("/rooms/" + roomId + "/send/m.room.message/t1", "{\"msgtype\":\"m.text\",\"body\":\"hello\"}",
        bob.token()).ok();
    api.put("/rooms/" + roomId + "/send/m.room.message/t2", "{\"msgtype\":\"m.text\",\"body\":\"hi alice\"}",
        bob.token()).ok();
    String last = api.put("/rooms/" + roomId + "/send/m.room.message/t3",
        "{\"msgtype\":\"m.notice\",\"body\":\"bot\"}", bob.token()).ok().get("event_id").asText();
    JsonNode unread = api.sync(alice, null).path("rooms").path("join").path(roomId).path("unread_notifications");
    assertEquals(2, unread.path("notification_count").asInt(), unread.toString());
    assertEquals(1, unread.path("highlight_count").asInt(), unread.toString());
    api.post("/rooms/" + roomId + "/receipt/m.read/" + last, "{}", alice.token()).ok();
    unread = api.sync(alice, null).path("rooms").path("join").path(roomId).path("unread_notifications");
    assertEquals(0, unread.path("notification_count").asInt(), unread.toString());
    assertEquals(0, unread.path("highlight_count").asInt(), unread.toString());
  }
}
