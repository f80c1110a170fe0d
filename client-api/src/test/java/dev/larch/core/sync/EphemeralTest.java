package dev.larch.core.sync;

import static dev.larch.core.sync.SyncFixture.ALICE;
import static dev.larch.core.sync.SyncFixture.BOB;
import static dev.larch.core.sync.SyncFixture.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Typing (with an injected clock) and receipts, as services and as they appear in sync. */
class EphemeralTest {
  private final SyncFixture fx = new SyncFixture();

  @AfterEach
  void close() throws Exception {
    fx.close();
  }

  private static Optional<ObjectNode> ephemeral(SyncResult result, String room, String type) {
    if (!result.join().containsKey(room)) {
      return Optional.empty();
    }
    return result.join().get(room).ephemeral().stream().filter(e -> e.get("type").asText().equals(type)).findFirst();
  }

  private static List<String> typingUsers(ObjectNode event) {
    List<String> users = new java.util.ArrayList<>();
    event.get("content").get("user_ids").forEach(u -> users.add(u.asText()));
    return users;
  }

  @Test
  void typing_appearsInSync_andExpiresWithTheClock() {
    String room = fx.roomWith(ALICE, BOB);
    SyncToken token = fx.initial(BOB).nextBatch();
    fx.typing.setTyping(ALICE, ALICE, room, true, 10_000);

    SyncResult typing = fx.since(BOB, token);
    assertEquals(List.of(ALICE), typingUsers(ephemeral(typing, room, "m.typing").orElseThrow()));
    assertEquals(List.of(ALICE), typingUsers(ephemeral(fx.initial(BOB), room, "m.typing").orElseThrow()));

    fx.clock.advance(Duration.ofSeconds(9));
    fx.typing.expireDue();
    assertTrue(fx.since(BOB, typing.nextBatch()).isEmpty());
    fx.clock.advance(Duration.ofSeconds(2));
    assertEquals(List.of(), fx.typing.typingUsers(room));
    fx.typing.expireDue();
    SyncResult stopped = fx.since(BOB, typing.nextBatch());
    assertEquals(List.of(), typingUsers(ephemeral(stopped, room, "m.typing").orElseThrow()));
    assertTrue(ephemeral(fx.initial(BOB), room, "m.typing").isEmpty());
  }

  @Test
  void typing_stopAndTimeoutCap() {
    String room = fx.roomWith(ALICE);
    fx.typing.setTyping(ALICE, ALICE, room, true, 10_000_000);
    fx.clock.advance(Duration.ofMillis(120_001));
    assertEquals(List.of(), fx.typing.typingUsers(room));
    fx.typing.setTyping(ALICE, ALICE, room, true, 0);
    assertEquals(List.of(ALICE), fx.typing.typingUsers(room));
    fx.typing.setTyping(ALICE, ALICE, room, false, 0);
    assertEquals(List.of(), fx.typing.typingUsers(room));
  }

  @Test
  void typing_onlyForYourselfAndOnlyInJoinedRooms() {
    String room = fx.roomWith(ALICE);
    MatrixException other = assertThrows(MatrixException.class,
        () -> fx.typing.setTyping(ALICE, BOB, room, true, 1000));
    assertEquals(ErrorCode.FORBIDDEN, other.errorCode());
    MatrixException notJoined = assertThrows(MatrixException.class,
        () -> fx.typing.setTyping(CAROL, CAROL, room, true, 1000));
    assertEquals(ErrorCode.FORBIDDEN, notJoined.errorCode());
  }

  @Test
  void receipts_publicPrivateAndThreaded() {
    String room = fx.roomWith(ALICE, BOB);
    String event = fx.send(ALICE, room, "read me");
    SyncToken bobToken = fx.initial(BOB).nextBatch();
    SyncToken aliceToken = fx.initial(ALICE).nextBatch();

    fx.receipts.receipt(ALICE, room, "m.read", event, null);
    fx.receipts.receipt(ALICE, room, "m.read", event, "main");
    fx.receipts.receipt(ALICE, room, "m.read.private", event, null);

    JsonNode bobSees = ephemeral(fx.since(BOB, bobToken), room, "m.receipt").orElseThrow().get("content");
    assertTrue(bobSees.get(event).get("m.read").get(ALICE).has("ts"));
    assertTrue(bobSees.get(event).get("m.read").get(ALICE).has("thread_id"));
    assertTrue(!bobSees.get(event).has("m.read.private"));
    JsonNode aliceSees = ephemeral(fx.since(ALICE, aliceToken), room, "m.receipt").orElseThrow().get("content");
    assertTrue(aliceSees.get(event).get("m.read.private").has(ALICE));

    // Initial syncs carry the latest receipts too.
    assertTrue(ephemeral(fx.initial(BOB), room, "m.receipt").isPresent());
  }

  @Test
  void receipts_fullyReadAndReadMarkersGoToAccountData() {
    String room = fx.roomWith(ALICE);
    String event = fx.send(ALICE, room, "marker");
    fx.receipts.receipt(ALICE, room, "m.fully_read", event, null);
    assertEquals(event, fx.accountData.get(ALICE, ALICE, room, "m.fully_read").get("event_id").asText());

    String later = fx.send(ALICE, room, "later");
    fx.receipts.readMarkers(ALICE, room, later, later, null);
    assertEquals(later, fx.accountData.get(ALICE, ALICE, room, "m.fully_read").get("event_id").asText());
    JsonNode receipt = ephemeral(fx.initial(ALICE), room, "m.receipt").orElseThrow().get("content");
    assertTrue(receipt.get(later).get("m.read").has(ALICE));
  }

  @Test
  void receipts_badInput() {
    String room = fx.roomWith(ALICE);
    String event = fx.send(ALICE, room, "x");
    assertCode(ErrorCode.INVALID_PARAM, () -> fx.receipts.receipt(ALICE, room, "m.unknown", event, null));
    assertCode(ErrorCode.INVALID_PARAM, () -> fx.receipts.receipt(ALICE, room, "m.fully_read", event, "main"));
    assertCode(ErrorCode.INVALID_PARAM, () -> fx.receipts.receipt(ALICE, room, "m.read", event, "bad"));
    assertCode(ErrorCode.NOT_FOUND, () -> fx.receipts.receipt(ALICE, room, "m.read", "$nope", null));
    assertCode(ErrorCode.FORBIDDEN, () -> fx.receipts.receipt(BOB, room, "m.read", event, null));
  }

  private static void assertCode(ErrorCode code, Runnable call) {
    assertEquals(code, assertThrows(MatrixException.class, call::run).errorCode());
  }
}
