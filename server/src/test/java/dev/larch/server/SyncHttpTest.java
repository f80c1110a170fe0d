package dev.larch.server;

import static dev.larch.server.SyncTestServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.server.SyncTestServer.Response;
import dev.larch.server.SyncTestServer.User;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /sync} and the filter endpoints over HTTP, on an H2 file database. */
class SyncHttpTest {
  @TempDir Path tempDir;
  private SyncTestServer server;
  private User alice;
  private User bob;

  @BeforeEach
  void start() throws Exception {
    server = new SyncTestServer("jdbc:h2:file:" + tempDir.resolve("larch"));
    alice = server.register("alice");
    bob = server.register("bob");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static List<String> bodies(JsonNode room) {
    List<String> out = new ArrayList<>();
    room.get("timeline").get("events").forEach(e -> {
      if (e.get("type").asText().equals("m.room.message")) {
        out.add(e.get("content").get("body").asText());
      }
    });
    return out;
  }

  @Test
  void initialThenIncremental_clientFormatEventsWithTransactionIdForOwnDevice() throws Exception {
    String room = server.room(alice, bob);
    String eventId = server.send(alice, room, "hello");
    JsonNode initial = server.sync(alice, "");
    JsonNode joined = initial.get("rooms").get("join").get(room);
    JsonNode last = joined.get("timeline").get("events").get(joined.get("timeline").get("events").size() - 1);
    assertEquals(eventId, last.get("event_id").asText());
    assertTrue(last.get("unsigned").has("transaction_id"));
    assertFalse(last.has("room_id"));
    assertFalse(last.has("prev_events"));
    assertFalse(last.has("signatures"));
    assertTrue(joined.get("timeline").has("prev_batch"));
    assertTrue(joined.get("state").get("events").isArray());
    assertEquals(2, joined.get("summary").get("m.joined_member_count").asInt());
    assertEquals(0, joined.get("unread_notifications").get("notification_count").asInt());
    for (String section : List.of("account_data", "presence", "to_device")) {
      assertTrue(initial.get(section).get("events").isArray(), section);
    }
    assertTrue(initial.get("device_lists").get("changed").isArray());

    JsonNode bobInitial = server.sync(bob, "");
    String token = bobInitial.get("next_batch").asText();
    assertTrue(token.startsWith("s"));
    server.send(alice, room, "second");
    JsonNode next = server.sync(bob, "since=" + enc(token));
    JsonNode bobRoom = next.get("rooms").get("join").get(room);
    assertEquals(List.of("second"), bodies(bobRoom));
    assertFalse(bobRoom.get("timeline").get("events").get(0).get("unsigned").has("transaction_id"));
  }

  @Test
  void prevBatch_pagesBackThroughMessages() throws Exception {
    String room = server.room(alice);
    for (int i = 0; i < 4; i++) {
      server.send(alice, room, "m" + i);
    }
    JsonNode joined = server.sync(alice, "filter=" + enc("{\"room\":{\"timeline\":{\"limit\":2}}}"))
        .get("rooms").get("join").get(room);
    assertTrue(joined.get("timeline").get("limited").asBoolean());
    assertEquals(List.of("m2", "m3"), bodies(joined));
    String prevBatch = joined.get("timeline").get("prev_batch").asText();
    JsonNode page = server.get("/_matrix/client/v3/rooms/" + enc(room) + "/messages?dir=b&limit=2&from="
        + enc(prevBatch), alice.token()).ok();
    assertEquals("m1", page.get("chunk").get(0).get("content").get("body").asText());
  }

  @Test
  void longPoll_isWokenBySecondUsersSend_wellBeforeTheTimeout() throws Exception {
    String room = server.room(alice, bob);
    String token = server.sync(bob, "").get("next_batch").asText();
    long start = System.nanoTime();
    CompletableFuture<Response> pending = server.callAsync("GET",
        "/_matrix/client/v3/sync?timeout=30000&since=" + enc(token), null, bob.token(), Duration.ofSeconds(60));
    assertFalse(pending.isDone());
    server.send(alice, room, "wake");
    JsonNode body = pending.get(20, TimeUnit.SECONDS).ok();
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(elapsedMs < 10_000, "long-poll took " + elapsedMs + " ms");
    assertEquals(List.of("wake"), bodies(body.get("rooms").get("join").get(room)));
  }

  @Test
  void longPoll_timeout_returnsEmptyButValidResponse() throws Exception {
    server.room(alice);
    String token = server.sync(alice, "").get("next_batch").asText();
    JsonNode body = server.sync(alice, "timeout=100&since=" + enc(token));
    assertTrue(body.get("rooms").get("join").isEmpty());
    assertTrue(body.get("next_batch").asText().startsWith("s"));
  }

  @Test
  void sinceToken_survivesARestart() throws Exception {
    String room = server.room(alice, bob);
    server.send(alice, room, "before restart");
    String token = server.sync(bob, "").get("next_batch").asText();

    server.restart();
    JsonNode same = server.sync(bob, "since=" + enc(token));
    assertTrue(same.get("rooms").get("join").isEmpty(), same.toString());
    server.send(alice, room, "after restart");
    JsonNode next = server.sync(bob, "since=" + enc(token));
    assertEquals(List.of("after restart"), bodies(next.get("rooms").get("join").get(room)));
  }

  @Test
  void filters_uploadReadAndUseById() throws Exception {
    String room = server.room(alice);
    server.send(alice, room, "one");
    server.send(alice, room, "two");
    String path = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/filter";
    String filter = "{\"room\":{\"timeline\":{\"limit\":1}},\"event_fields\":[\"type\",\"content.body\"]}";
    String filterId = server.post(path, filter, alice.token()).ok().get("filter_id").asText();
    JsonNode stored = server.get(path + "/" + filterId, alice.token()).ok();
    assertEquals(1, stored.get("room").get("timeline").get("limit").asInt());

    JsonNode joined = server.sync(alice, "filter=" + filterId).get("rooms").get("join").get(room);
    JsonNode event = joined.get("timeline").get("events").get(0);
    assertEquals("two", event.get("content").get("body").asText());
    assertFalse(event.has("event_id"));
    assertFalse(event.get("content").has("msgtype"));

    server.get(path + "/" + filterId, bob.token()).assertError(403, "M_FORBIDDEN");
    server.post(path, "{}", bob.token()).assertError(403, "M_FORBIDDEN");
    server.get(path + "/424242", alice.token()).assertError(404, "M_NOT_FOUND");
    server.post(path, "not json", alice.token()).assertError(400, "M_NOT_JSON");
    server.post(path, "{\"room\":{\"timeline\":{\"limit\":\"ten\"}}}", alice.token()).assertError(400, "M_BAD_JSON");
    server.post(path, "{\"event_format\":\"xml\"}", alice.token()).assertError(400, "M_INVALID_PARAM");
  }

  @Test
  void sync_badParameters() throws Exception {
    String sync = "/_matrix/client/v3/sync";
    server.get(sync + "?since=garbage", alice.token()).assertError(400, "M_INVALID_PARAM");
    server.get(sync + "?timeout=soon", alice.token()).assertError(400, "M_INVALID_PARAM");
    server.get(sync + "?full_state=yes", alice.token()).assertError(400, "M_INVALID_PARAM");
    server.get(sync + "?set_presence=busy", alice.token()).assertError(400, "M_INVALID_PARAM");
    server.get(sync + "?filter=999", alice.token()).assertError(404, "M_NOT_FOUND");
    server.get(sync + "?filter=" + enc("{bad"), alice.token()).assertError(400, "M_NOT_JSON");
    server.get(sync + "?filter=" + enc("{\"room\":[]}"), alice.token()).assertError(400, "M_BAD_JSON");
    server.get(sync, null).assertError(401, "M_MISSING_TOKEN");
    server.get("/_matrix/client/r0/sync", alice.token()).ok();
  }

  @Test
  void leaveAndInviteSections_overHttp() throws Exception {
    String room = server.post("/_matrix/client/v3/createRoom", "{}", alice.token()).ok().get("room_id").asText();
    String token = server.sync(bob, "").get("next_batch").asText();
    server.post("/_matrix/client/v3/rooms/" + enc(room) + "/invite", "{\"user_id\":\"" + bob.userId() + "\"}",
        alice.token()).ok();
    JsonNode invited = server.sync(bob, "since=" + enc(token));
    JsonNode inviteState = invited.get("rooms").get("invite").get(room).get("invite_state").get("events");
    assertTrue(inviteState.size() >= 2);

    server.post("/_matrix/client/v3/rooms/" + enc(room) + "/join", "{}", bob.token()).ok();
    String joinedToken = server.sync(bob, "").get("next_batch").asText();
    server.post("/_matrix/client/v3/rooms/" + enc(room) + "/kick",
        "{\"user_id\":\"" + bob.userId() + "\",\"reason\":\"bye\"}", alice.token()).ok();
    JsonNode left = server.sync(bob, "since=" + enc(joinedToken)).get("rooms").get("leave").get(room);
    JsonNode events = left.get("timeline").get("events");
    assertEquals("leave", events.get(events.size() - 1).get("content").get("membership").asText());
  }
}
