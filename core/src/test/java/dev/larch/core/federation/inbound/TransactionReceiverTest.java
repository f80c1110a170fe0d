package dev.larch.core.federation.inbound;

import static dev.larch.core.federation.inbound.InboundFixture.ALICE;
import static dev.larch.core.federation.inbound.InboundFixture.BOB;
import static dev.larch.core.federation.inbound.InboundFixture.REMOTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code PUT /send/{txnId}} as the core sees it: limits, idempotency per origin, per-PDU results, EDUs. */
class TransactionReceiverTest {
  private final InMemoryRoomStore store = new InMemoryRoomStore();
  private final InboundFixture f = new InboundFixture(RoomVersion.V10, store, ReceivedTransactions.inMemory());

  @Test
  void repeatedTransactionId_getsTheSameAnswer_withoutProcessingAgain() {
    Pdu message = f.remote.message(BOB, "once");
    Pdu forged = f.remote.message(BOB, "forged");
    ObjectNode body = f.remote.transaction(List.of(message));
    body.withArray("pdus").add(FakeRemoteServer.forged(forged, REMOTE));
    body.putArray("edus").addObject().put("edu_type", "m.typing").putObject("content");

    ObjectNode first = f.receiver.receive(REMOTE, "txn-1", body.deepCopy());
    int commits = store.commits().size();
    ObjectNode again = f.receiver.receive(REMOTE, "txn-1", body.deepCopy());

    assertEquals(first, again);
    assertEquals(0, first.get("pdus").get(message.eventId()).size());
    assertTrue(first.get("pdus").get(forged.eventId()).has("error"));
    assertEquals(commits, store.commits().size(), "nothing written the second time");
    assertEquals(List.of(REMOTE + " m.typing"), f.edus, "EDUs handed over once");
    assertEquals(List.of(message.eventId() + " remote"), f.heard);
  }

  @Test
  void sameTransactionIdFromAnotherOrigin_isAnotherTransaction() {
    Pdu message = f.remote.message(BOB, "hello");
    f.receiver.receive(REMOTE, "txn-1", f.remote.transaction(List.of(message)));
    ObjectNode other = JsonMapper.shared().createObjectNode().put("origin", "elsewhere.test")
        .put("origin_server_ts", 1);
    other.putArray("pdus");

    assertEquals(0, f.receiver.receive("elsewhere.test", "txn-1", other).get("pdus").size());
  }

  @Test
  void moreThan50Pdus_orMoreThan100Edus_areRefusedWhole() {
    List<Pdu> messages = new ArrayList<>();
    for (int i = 0; i < TransactionReceiver.MAX_PDUS + 1; i++) {
      messages.add(f.remote.message(BOB, "m" + i));
    }
    MatrixException tooManyPdus = assertThrows(MatrixException.class,
        () -> f.receiver.receive(REMOTE, "big", f.remote.transaction(messages)));
    assertEquals(ErrorCode.BAD_JSON, tooManyPdus.errorCode());
    assertEquals(400, tooManyPdus.httpStatus());
    assertTrue(store.event(messages.get(0).eventId()).isEmpty());

    ObjectNode body = f.remote.transaction(List.of());
    ArrayNode edus = body.putArray("edus");
    for (int i = 0; i < TransactionReceiver.MAX_EDUS + 1; i++) {
      edus.addObject().put("edu_type", "m.typing").putObject("content");
    }
    MatrixException tooManyEdus = assertThrows(MatrixException.class, () -> f.receiver.receive(REMOTE, "edus", body));
    assertEquals(ErrorCode.BAD_JSON, tooManyEdus.errorCode());
    assertEquals(List.of(), f.edus);
  }

  @Test
  void bodyNamingAnotherOrigin_isForbidden_andMalformedBodiesAreBadJson() {
    ObjectNode body = f.remote.transaction(List.of());
    assertEquals(ErrorCode.FORBIDDEN,
        assertThrows(MatrixException.class, () -> f.receiver.receive("other.test", "t", body)).errorCode());
    ObjectNode noPdus = body.deepCopy();
    noPdus.remove("pdus");
    assertEquals(ErrorCode.BAD_JSON,
        assertThrows(MatrixException.class, () -> f.receiver.receive(REMOTE, "t", noPdus)).errorCode());
    ObjectNode noTs = body.deepCopy();
    noTs.remove("origin_server_ts");
    assertEquals(ErrorCode.BAD_JSON,
        assertThrows(MatrixException.class, () -> f.receiver.receive(REMOTE, "t", noTs)).errorCode());
  }

  @Test
  void invalidEvent_getsAnErrorOfItsOwn_whileTheOthersGoThrough() {
    Pdu good = f.remote.message(BOB, "good");
    Pdu bad = f.remote.message(BOB, "bad");
    ObjectNode badJson = bad.json().deepCopy();
    badJson.put("depth", "deep");
    ObjectNode body = f.remote.transaction(List.of(good));
    body.withArray("pdus").add(badJson);
    body.withArray("pdus").add("not an event");

    JsonNode results = f.receiver.receive(REMOTE, "t", body).get("pdus");

    assertEquals(0, results.get(good.eventId()).size());
    String badId = PduFormat.wrap(RoomVersion.V10, badJson).orElseThrow().eventId();
    assertTrue(results.get(badId).get("error").textValue().contains("depth"));
    assertEquals(2, results.size());
  }

  @Test
  void eventForARoomThisServerDoesNotKnow_isLeftOut() {
    Pdu message = f.remote.message(BOB, "elsewhere");
    ObjectNode json = message.json().deepCopy();
    json.put("room_id", "!unknown:" + REMOTE);

    assertEquals(0, f.sendJson("t", json).size());
  }

  @Test
  void roomThisServerLeft_refusesEveryEvent() {
    Pdu leave = f.remote.event(ALICE, "m.room.member").stateKey(ALICE)
        .content(JsonMapper.shared().createObjectNode().put("membership", "leave")).build();
    f.send("t1", leave);
    Pdu message = f.remote.message(BOB, "anyone there?");

    JsonNode results = f.send("t2", message);

    assertTrue(results.get(message.eventId()).get("error").textValue().contains("not in room"));
    assertTrue(store.event(message.eventId()).isEmpty());
  }

  @Test
  void originDeniedByTheRoomsServerAcl_hasItsEventsRefused() {
    ObjectNode acl = JsonMapper.shared().createObjectNode();
    acl.putArray("allow").add("*");
    acl.putArray("deny").add("remote.test");
    Pdu aclEvent = f.remote.event(BOB, "m.room.server_acl").stateKey("").content(acl).build();
    assertEquals(0, f.send("t1", aclEvent).get(aclEvent.eventId()).size());
    Pdu message = f.remote.message(BOB, "after the ACL");

    JsonNode results = f.send("t2", message);

    assertTrue(results.get(message.eventId()).get("error").textValue().contains("server ACL"));
    assertFalse(store.event(message.eventId()).isPresent());
  }

  @Test
  void malformedEdus_areSkipped_andTheRestDelivered() {
    ObjectNode body = f.remote.transaction(List.of());
    ArrayNode edus = body.putArray("edus");
    edus.addObject().put("edu_type", "m.presence").putObject("content");
    edus.addObject().put("edu_type", 5);
    edus.add("nonsense");
    edus.addObject().put("edu_type", "m.receipt").putObject("content");

    f.receiver.receive(REMOTE, "t", body);

    assertEquals(List.of(REMOTE + " m.presence", REMOTE + " m.receipt"), f.edus);
  }
}
