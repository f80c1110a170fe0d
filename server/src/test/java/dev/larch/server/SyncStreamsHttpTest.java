package dev.larch.server;

import static dev.larch.server.SyncTestServer.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.server.SyncTestServer.User;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoints of sync's other streams over HTTP (typing, receipts, read markers, account data, tags, presence),
 * what they deliver in sync, and their answers to bad input.
 */
class SyncStreamsHttpTest {
  @TempDir Path tempDir;
  private SyncTestServer server;
  private User alice;
  private User bob;
  private String room;
  private String roomPath;

  @BeforeEach
  void start() throws Exception {
    server = new SyncTestServer("jdbc:h2:mem:streams-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    alice = server.register("alice");
    bob = server.register("bob");
    room = server.room(alice, bob);
    roomPath = "/_matrix/client/v3/rooms/" + enc(room);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private JsonNode ephemeral(JsonNode sync, String type) {
    for (JsonNode event : sync.get("rooms").get("join").get(room).get("ephemeral").get("events")) {
      if (event.get("type").asText().equals(type)) {
        return event;
      }
    }
    throw new AssertionError("no " + type + " in " + sync);
  }

  @Test
  void typing_deliveredAsEphemeral_andChecked() throws Exception {
    String token = server.sync(bob, "").get("next_batch").asText();
    String typing = roomPath + "/typing/" + enc(alice.userId());
    server.put(typing, "{\"typing\":true,\"timeout\":20000}", alice.token()).ok();
    JsonNode event = ephemeral(server.sync(bob, "since=" + enc(token)), "m.typing");
    assertEquals(alice.userId(), event.get("content").get("user_ids").get(0).asText());

    server.put(typing, "{\"typing\":true}", bob.token()).assertError(403, "M_FORBIDDEN");
    server.put(typing, "{\"typing\":\"yes\"}", alice.token()).assertError(400, "M_BAD_JSON");
    server.put(typing, "{\"typing\":true,\"timeout\":\"long\"}", alice.token()).assertError(400, "M_BAD_JSON");
    server.put(typing, "nope", alice.token()).assertError(400, "M_NOT_JSON");
    User carol = server.register("carol");
    server.put(roomPath + "/typing/" + enc(carol.userId()), "{\"typing\":true}", carol.token())
        .assertError(403, "M_FORBIDDEN");
    server.put("/_matrix/client/v3/rooms/not-a-room/typing/" + enc(alice.userId()), "{\"typing\":true}",
        alice.token()).assertError(400, "M_INVALID_PARAM");
  }

  @Test
  void receiptsAndReadMarkers() throws Exception {
    String eventId = server.send(alice, room, "read me");
    String token = server.sync(bob, "").get("next_batch").asText();
    server.post(roomPath + "/receipt/m.read/" + enc(eventId), "{}", alice.token()).ok();
    server.post(roomPath + "/receipt/m.read/" + enc(eventId), "{\"thread_id\":\"main\"}", alice.token()).ok();
    server.post(roomPath + "/receipt/m.read.private/" + enc(eventId), null, bob.token()).ok();
    JsonNode receipt = ephemeral(server.sync(bob, "since=" + enc(token)), "m.receipt").get("content").get(eventId);
    assertTrue(receipt.get("m.read").has(alice.userId()));
    assertTrue(receipt.get("m.read.private").has(bob.userId()));
    JsonNode aliceView = ephemeral(server.sync(alice, ""), "m.receipt").get("content").get(eventId);
    assertTrue(!aliceView.has("m.read.private"));

    server.post(roomPath + "/read_markers", "{\"m.fully_read\":\"" + eventId + "\",\"m.read\":\"" + eventId + "\"}",
        bob.token()).ok();
    String fullyRead = "/_matrix/client/v3/user/" + enc(bob.userId()) + "/rooms/" + enc(room)
        + "/account_data/m.fully_read";
    assertEquals(eventId, server.get(fullyRead, bob.token()).ok().get("event_id").asText());

    server.post(roomPath + "/receipt/m.nope/" + enc(eventId), "{}", alice.token()).assertError(400, "M_INVALID_PARAM");
    server.post(roomPath + "/receipt/m.read/" + enc("$missing"), "{}", alice.token()).assertError(404, "M_NOT_FOUND");
    server.post(roomPath + "/receipt/m.read/" + enc(eventId), "{\"thread_id\":5}", alice.token())
        .assertError(400, "M_BAD_JSON");
    server.post(roomPath + "/read_markers", "[]", alice.token()).assertError(400, "M_BAD_JSON");
    User carol = server.register("carol");
    server.post(roomPath + "/receipt/m.read/" + enc(eventId), "{}", carol.token()).assertError(403, "M_FORBIDDEN");
  }

  @Test
  void accountDataAndTags() throws Exception {
    String global = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/account_data/org.example.x";
    String perRoom = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/rooms/" + enc(room)
        + "/account_data/org.example.y";
    String token = server.sync(alice, "").get("next_batch").asText();
    server.get(global, alice.token()).assertError(404, "M_NOT_FOUND");
    server.put(global, "{\"a\":1}", alice.token()).ok();
    server.put(perRoom, "{\"b\":2}", alice.token()).ok();
    assertEquals(1, server.get(global, alice.token()).ok().get("a").asInt());
    assertEquals(2, server.get(perRoom, alice.token()).ok().get("b").asInt());

    String tags = "/_matrix/client/v3/user/" + enc(alice.userId()) + "/rooms/" + enc(room) + "/tags";
    server.put(tags + "/u.work", "{\"order\":0.25}", alice.token()).ok();
    server.put(tags + "/m.favourite", "{}", alice.token()).ok();
    server.call("DELETE", tags + "/m.favourite", null, alice.token()).ok();
    JsonNode current = server.get(tags, alice.token()).ok().get("tags");
    assertEquals(0.25, current.get("u.work").get("order").asDouble());
    assertTrue(!current.has("m.favourite"));

    JsonNode next = server.sync(alice, "since=" + enc(token));
    assertEquals("org.example.x", next.get("account_data").get("events").get(0).get("type").asText());
    JsonNode roomData = next.get("rooms").get("join").get(room).get("account_data").get("events");
    assertEquals(2, roomData.size());

    server.get(global, bob.token()).assertError(403, "M_FORBIDDEN");
    server.put(global, "{}", bob.token()).assertError(403, "M_FORBIDDEN");
    server.get(tags, bob.token()).assertError(403, "M_FORBIDDEN");
    server.put(global, "[1]", alice.token()).assertError(400, "M_BAD_JSON");
    server.put(global, "{oops", alice.token()).assertError(400, "M_NOT_JSON");
    server.put("/_matrix/client/v3/user/" + enc(alice.userId()) + "/account_data/m.fully_read", "{}", alice.token())
        .assertError(405, "M_BAD_JSON");
    server.put("/_matrix/client/v3/user/" + enc(alice.userId()) + "/account_data/m.push_rules", "{}", alice.token())
        .assertError(405, "M_BAD_JSON");
    server.put(tags + "/u.bad", "{\"order\":\"high\"}", alice.token()).assertError(400, "M_BAD_JSON");
    server.get("/_matrix/client/v3/user/" + enc(alice.userId()) + "/rooms/nope/account_data/x", alice.token())
        .assertError(400, "M_INVALID_PARAM");
  }

  @Test
  void presence() throws Exception {
    String status = "/_matrix/client/v3/presence/" + enc(alice.userId()) + "/status";
    JsonNode initial = server.sync(alice, "");
    assertEquals("online", initial.get("presence").get("events").get(0).get("content").get("presence").asText());
    String token = initial.get("next_batch").asText();
    server.put(status, "{\"presence\":\"unavailable\",\"status_msg\":\"lunch\"}", alice.token()).ok();
    JsonNode read = server.get(status, bob.token()).ok();
    assertEquals("unavailable", read.get("presence").asText());
    assertEquals("lunch", read.get("status_msg").asText());
    JsonNode next = server.sync(alice, "since=" + enc(token));
    assertEquals("unavailable", next.get("presence").get("events").get(0).get("content").get("presence").asText());

    server.put(status, "{\"presence\":\"online\"}", bob.token()).assertError(403, "M_FORBIDDEN");
    server.put(status, "{\"presence\":\"dancing\"}", alice.token()).assertError(400, "M_INVALID_PARAM");
    server.put(status, "{\"presence\":1}", alice.token()).assertError(400, "M_BAD_JSON");
    server.get("/_matrix/client/v3/presence/nobody/status", alice.token()).assertError(400, "M_INVALID_PARAM");
  }
}
