package dev.larch.client.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.WiredClientApi.Session;
import dev.larch.client.WiredClientApiTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /notifications} and durable {@code /pushers} over HTTP, on both databases. */
class NotificationRoutesTest extends WiredClientApiTest {
  private Session alice;
  private Session bob;

  @BeforeEach
  void logIn() throws Exception {
    alice = api.login("alice", "ALICE1");
    bob = api.login("bob", "BOB1");
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private String send(Session who, String roomId, String txn, String content) throws Exception {
    return api.put("/rooms/" + enc(roomId) + "/send/m.room.message/" + txn, content, who.token()).ok()
        .get("event_id").asText();
  }

  private static List<String> eventIds(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("notifications").forEach(n -> out.add(n.path("event").path("event_id").asText()));
    return out;
  }

  @Test
  void notifications_newest_first_with_actions_read_and_highlight() throws Exception {
    String roomId = api.roomWith(alice, bob);
    String hello = send(bob, roomId, "t1", "{\"msgtype\":\"m.text\",\"body\":\"hello\"}");
    String notice = send(bob, roomId, "t2", "{\"msgtype\":\"m.notice\",\"body\":\"a bot\"}");
    String mention = send(bob, roomId, "t3", "{\"msgtype\":\"m.text\",\"body\":\"alice: art thou there?\","
        + "\"m.mentions\":{\"user_ids\":[\"" + alice.userId() + "\"]}}");
    String own = send(alice, roomId, "t4", "{\"msgtype\":\"m.text\",\"body\":\"aye\"}");

    JsonNode page = api.get("/notifications", alice.token()).ok();
    // Notices are suppressed, own messages never notify.
    assertEquals(List.of(mention, hello), eventIds(page), page.toString());
    assertFalse(page.has("next_token"));
    JsonNode first = page.path("notifications").get(0);
    assertEquals(roomId, first.path("room_id").asText());
    assertEquals(bob.userId(), first.path("event").path("sender").asText());
    assertEquals("m.room.message", first.path("event").path("type").asText());
    assertEquals("alice: art thou there?", first.path("event").path("content").path("body").asText());
    assertTrue(first.path("ts").asLong() > 0);
    assertFalse(first.path("read").asBoolean());
    assertEquals("notify", first.path("actions").get(0).asText());
    boolean highlight = false;
    for (JsonNode action : first.path("actions")) {
      highlight |= "highlight".equals(action.path("set_tweak").asText());
    }
    assertTrue(highlight, first.toString());
    assertEquals(List.of(mention), eventIds(api.get("/notifications?only=highlight", alice.token()).ok()));
    // bob: alice's reply (a message) and, before it, his invite; none of his own events.
    JsonNode bobs = api.get("/notifications", bob.token()).ok();
    assertEquals(2, bobs.path("notifications").size(), bobs.toString());
    assertEquals(own, eventIds(bobs).get(0));
    assertEquals("invite", bobs.path("notifications").get(1).path("event").path("content").path("membership")
        .asText());
    assertTrue(notice.startsWith("$"));

    // A read receipt for the older one marks it read, not the newer one.
    api.post("/rooms/" + enc(roomId) + "/receipt/m.read/" + enc(hello), "{}", alice.token()).ok();
    page = api.get("/notifications", alice.token()).ok();
    assertFalse(page.path("notifications").get(0).path("read").asBoolean());
    assertTrue(page.path("notifications").get(1).path("read").asBoolean());
    api.post("/rooms/" + enc(roomId) + "/receipt/m.read/" + enc(own), "{}", alice.token()).ok();
    page = api.get("/notifications", alice.token()).ok();
    assertTrue(page.path("notifications").get(0).path("read").asBoolean());
  }

  @Test
  void pagination_and_invites() throws Exception {
    String roomId = api.roomWith(alice, bob);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(send(bob, roomId, "m" + i, "{\"msgtype\":\"m.text\",\"body\":\"line " + i + "\"}"));
    }
    List<String> seen = new ArrayList<>();
    String from = null;
    for (int i = 0; i < 10; i++) {
      JsonNode page = api.get("/notifications?limit=2" + (from == null ? "" : "&from=" + from), alice.token()).ok();
      assertTrue(page.path("notifications").size() <= 2);
      seen.addAll(eventIds(page));
      from = page.path("next_token").asText(null);
      if (from == null) {
        break;
      }
    }
    List<String> newestFirst = new ArrayList<>(sent);
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, seen);

    // An invite notifies the invited user (.m.rule.invite_for_me) although they are not joined.
    Session carol = api.login("carol", "CAROL1");
    api.post("/rooms/" + enc(roomId) + "/invite", "{\"user_id\":\"" + carol.userId() + "\"}", bob.token()).ok();
    JsonNode invites = api.get("/notifications", carol.token()).ok();
    assertEquals(1, invites.path("notifications").size(), invites.toString());
    assertEquals("m.room.member", invites.path("notifications").get(0).path("event").path("type").asText());
    assertEquals(carol.userId(), invites.path("notifications").get(0).path("event").path("state_key").asText());
  }

  @Test
  void from_the_join_on_across_rooms_with_short_scans() throws Exception {
    String shared = api.roomWith(alice, bob);
    // bob's own room: what he says before alice is invited is not hers to be notified of.
    String later = api.roomWith(bob);
    send(bob, later, "early", "{\"msgtype\":\"m.text\",\"body\":\"before alice\"}");
    api.post("/rooms/" + enc(later) + "/invite", "{\"user_id\":\"" + alice.userId() + "\"}", bob.token()).ok();
    api.post("/rooms/" + enc(later) + "/join", "{}", alice.token()).ok();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      expected.add(send(bob, i % 3 == 0 ? later : shared, "x" + i, "{\"msgtype\":\"m.text\",\"body\":\"n" + i + "\"}"));
    }
    java.util.Collections.reverse(expected);
    // Scanning 3 events a room per page, pages end early: following next_token still finds each one once, in order.
    var service = api.notificationsScanning.apply(3);
    List<String> seen = new ArrayList<>();
    List<String> invites = new ArrayList<>();
    String from = null;
    int pages = 0;
    do {
      JsonNode page = service.notifications(alice.userId(), alice.deviceId(), from, 2, null);
      assertTrue(page.path("notifications").size() <= 2, page.toString());
      for (JsonNode n : page.path("notifications")) {
        JsonNode event = n.path("event");
        (event.path("type").asText().equals("m.room.member") ? invites : seen).add(event.path("event_id").asText());
        assertEquals(event.path("room_id").asText(), n.path("room_id").asText());
      }
      from = page.path("next_token").asText(null);
      pages++;
    } while (from != null && pages < 50);
    assertEquals(expected, seen);
    assertEquals(1, invites.size(), "alice's invite to bob's room (she created the shared one)");
    assertTrue(pages > 4, "short scans end pages early: " + pages);
    // The default scan answers the same in one page.
    JsonNode all = api.get("/notifications?limit=100", alice.token()).ok();
    assertFalse(all.has("next_token"), all.toString());
    assertEquals(expected, eventIds(all).stream().filter(id -> !invites.contains(id)).toList());
  }

  @Test
  void notifications_bad_input() throws Exception {
    api.get("/notifications?from=yesterday", alice.token()).assertError(400, "M_INVALID_PARAM");
    api.get("/notifications?limit=lots", alice.token()).assertError(400, "M_INVALID_PARAM");
    api.get("/notifications?limit=-3", alice.token()).assertError(400, "M_INVALID_PARAM");
    api.get("/notifications?only=everything", alice.token()).assertError(400, "M_INVALID_PARAM");
    api.get("/notifications", null).assertError(401, "M_MISSING_TOKEN");
    assertEquals(0, api.get("/notifications?limit=0", alice.token()).ok().path("notifications").size());
  }

  private static final String PUSHER = "{\"kind\":\"http\",\"app_id\":\"im.app\",\"pushkey\":\"KEY\","
      + "\"app_display_name\":\"App\",\"device_display_name\":\"Phone\",\"lang\":\"en\","
      + "\"data\":{\"url\":\"https://push.example/_matrix/push/v1/notify\",\"format\":\"event_id_only\"}";

  @Test
  void pushers_validation_append_and_uniqueness() throws Exception {
    api.post("/pushers/set", PUSHER + ",\"profile_tag\":\"tag\"}", alice.token()).ok();
    JsonNode list = api.get("/pushers", alice.token()).ok().path("pushers");
    assertEquals(1, list.size());
    JsonNode pusher = list.get(0);
    assertEquals("KEY", pusher.path("pushkey").asText());
    assertEquals("http", pusher.path("kind").asText());
    assertEquals("App", pusher.path("app_display_name").asText());
    assertEquals("Phone", pusher.path("device_display_name").asText());
    assertEquals("en", pusher.path("lang").asText());
    assertEquals("tag", pusher.path("profile_tag").asText());
    assertEquals("event_id_only", pusher.path("data").path("format").asText());

    // Bob with append keeps alice's; without append the pushkey moves to him.
    api.post("/pushers/set", PUSHER + ",\"append\":true}", bob.token()).ok();
    assertEquals(1, api.get("/pushers", alice.token()).ok().path("pushers").size());
    api.post("/pushers/set", PUSHER + "}", bob.token()).ok();
    assertEquals(0, api.get("/pushers", alice.token()).ok().path("pushers").size());
    assertEquals(1, api.get("/pushers", bob.token()).ok().path("pushers").size());
    // Setting again replaces (one per app ID and pushkey); an email pusher is another.
    api.post("/pushers/set", PUSHER.replace("\"lang\":\"en\"", "\"lang\":\"de\"") + "}", bob.token()).ok();
    api.post("/pushers/set", "{\"kind\":\"email\",\"app_id\":\"m.email\",\"pushkey\":\"bob@example.org\","
        + "\"app_display_name\":\"Email\",\"device_display_name\":\"bob@example.org\",\"lang\":\"en\",\"data\":{}}",
        bob.token()).ok();
    JsonNode bobs = api.get("/pushers", bob.token()).ok().path("pushers");
    assertEquals(2, bobs.size(), bobs.toString());
    assertEquals("de", bobs.get(0).path("lang").asText());
    // kind null deletes; deleting what is not there is fine.
    api.post("/pushers/set", "{\"kind\":null,\"app_id\":\"im.app\",\"pushkey\":\"KEY\"}", bob.token()).ok();
    api.post("/pushers/set", "{\"kind\":null,\"app_id\":\"im.app\",\"pushkey\":\"KEY\"}", bob.token()).ok();
    assertEquals(List.of("m.email"), List.of(api.get("/pushers", bob.token()).ok().path("pushers").get(0)
        .path("app_id").asText()));
  }

  @Test
  void pushers_bad_input() throws Exception {
    String token = alice.token();
    api.post("/pushers/set", "{\"app_id\":\"im.app\",\"pushkey\":\"K\"}", token).assertError(400, "M_MISSING_PARAM");
    api.post("/pushers/set", PUSHER.replace("\"lang\":\"en\",", "") + "}", token).assertError(400, "M_MISSING_PARAM");
    api.post("/pushers/set", PUSHER.replace(",\"data\":{\"url\":\"https://push.example/_matrix/push/v1/notify\","
        + "\"format\":\"event_id_only\"}", "") + "}", token).assertError(400, "M_MISSING_PARAM");
    api.post("/pushers/set", PUSHER.replace("\"url\":\"https://push.example/_matrix/push/v1/notify\",", "") + "}",
        token).assertError(400, "M_MISSING_PARAM");
    api.post("/pushers/set", PUSHER.replace("/_matrix/push/v1/notify", "/notify") + "}", token)
        .assertError(400, "M_INVALID_PARAM");
    api.post("/pushers/set", PUSHER.replace("https://push.example", "ftp://push.example") + "}", token)
        .assertError(400, "M_INVALID_PARAM");
    api.post("/pushers/set", PUSHER.replace("\"kind\":\"http\"", "\"kind\":\"sms\"") + "}", token)
        .assertError(400, "M_INVALID_PARAM");
    api.post("/pushers/set", PUSHER.replace("\"im.app\"", "\"" + "a".repeat(65) + "\"") + "}", token)
        .assertError(400, "M_INVALID_PARAM");
    api.post("/pushers/set", PUSHER.replace("\"KEY\"", "\"" + "k".repeat(513) + "\"") + "}", token)
        .assertError(400, "M_INVALID_PARAM");
    api.post("/pushers/set", PUSHER.replace("\"lang\":\"en\"", "\"lang\":5") + "}", token)
        .assertError(400, "M_BAD_JSON");
    api.post("/pushers/set", PUSHER + ",\"append\":\"yes\"}", token).assertError(400, "M_BAD_JSON");
    api.post("/pushers/set", PUSHER.replace("\"data\":{", "\"data\":[],\"x\":{") + "}", token)
        .assertError(400, "M_BAD_JSON");
    api.post("/pushers/set", "[]", token).assertError(400, "M_BAD_JSON");
    api.post("/pushers/set", "{", token).assertError(400, "M_NOT_JSON");
    api.post("/pushers/set", PUSHER + "}", null).assertError(401, "M_MISSING_TOKEN");
    assertEquals(0, api.get("/pushers", token).ok().path("pushers").size());
  }
}
