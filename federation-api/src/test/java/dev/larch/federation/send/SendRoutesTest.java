package dev.larch.federation.send;

import static dev.larch.core.federation.inbound.InboundFixture.BOB;
import static dev.larch.core.federation.inbound.InboundFixture.CAROL;
import static dev.larch.core.federation.inbound.InboundFixture.MALLORY;
import static dev.larch.core.federation.inbound.InboundFixture.REMOTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.inbound.FakeRemoteServer;
import dev.larch.core.federation.inbound.InboundFixture;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.RoomVersion;
import dev.larch.federation.TestFederation;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.federation.inbound.JdbcReceivedTransactions;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code PUT /_matrix/federation/v1/send/{txnId}} over HTTP with real X-Matrix authentication, onto the JDBC stores
 * on H2 and PostgreSQL: a fake remote server that signs its own events sends valid, forged, tampered, out-of-order
 * and auth-violating PDUs, and each lands as the spec says.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class SendRoutesTest {
  private final TestDatabase kind;
  @TempDir Path tempDir;
  private String url;
  private Database database;
  private InboundFixture f;
  private TestFederation federation;
  private TestFederation.Remote remote;

  SendRoutesTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void start() throws Exception {
    url = kind.createUrl(tempDir);
    database = Database.open(url, 8);
    f = new InboundFixture(RoomVersion.V10, new CachingRoomStore(new JdbcRoomStore(database), 1_000),
        new JdbcReceivedTransactions(database, Clock.systemUTC()));
    federation = TestFederation.start((router, endpoints) -> new SendRoutes(f.receiver).mount(router, endpoints));
    remote = federation.remote(REMOTE);
  }

  @AfterEach
  void stop() throws Exception {
    if (federation != null) {
      federation.close();
    }
    if (database != null) {
      database.close();
      kind.drop(url);
    }
  }

  private TestFederation.Response put(String txnId, ObjectNode body) {
    return remote.send("PUT", "/_matrix/federation/v1/send/" + txnId, body);
  }

  @Test
  void mixedTransaction_eachPduLandsAsTheSpecSays() {
    Pdu first = f.remote.message(BOB, "one");
    Pdu second = f.remote.message(BOB, "two"); // sent alone: first is fetched with get_missing_events
    Pdu tampered = f.remote.message(BOB, "original");
    Pdu intrusion = f.remote.message(MALLORY, "never joined");
    Pdu forged = f.remote.message(BOB, "forged"); // last: no other event leads the server to fetch the real one
    ObjectNode body = f.remote.transaction(List.of(second));
    body.withArray("pdus").add(FakeRemoteServer.withChangedBody(tampered, "changed"));
    body.withArray("pdus").add(FakeRemoteServer.forged(forged, REMOTE));
    body.withArray("pdus").add(intrusion.json().deepCopy());

    TestFederation.Response response = put("txn1", body);

    assertEquals(200, response.status(), response.json().toString());
    var pdus = response.json().get("pdus");
    assertEquals(4, pdus.size());
    assertEquals(0, pdus.get(second.eventId()).size());
    assertEquals(0, pdus.get(tampered.eventId()).size());
    assertTrue(pdus.get(forged.eventId()).has("error"));
    assertTrue(pdus.get(intrusion.eventId()).has("error"));
    assertTrue(f.status(first.eventId()).visibleToClients(), "fetched with get_missing_events");
    assertTrue(f.status(second.eventId()).visibleToClients());
    assertEquals(0, f.store.event(tampered.eventId()).orElseThrow().pdu().content().size(), "stored redacted");
    assertTrue(f.store.event(forged.eventId()).isEmpty(), "dropped");
    EventStatus rejected = f.status(intrusion.eventId());
    assertTrue(rejected.rejected() && !rejected.outlier());
    assertEquals(Set.of(tampered.eventId()), f.store.forwardExtremities(f.roomId()));
    assertEquals(f.remote.stateAfter(tampered.eventId()), f.store.currentState(f.roomId()));
  }

  @Test
  void softFailedEvent_isStoredHidden_andNotAnExtremity() {
    Pdu join = f.remote.join(MALLORY);
    Pdu ban = f.remote.ban(CAROL, MALLORY);
    assertEquals(200, put("t1", f.remote.transaction(List.of(join, ban))).status());
    Pdu evasion = f.remote.event(MALLORY, "m.room.message").prev(join.eventId())
        .content(JsonMapper.shared().createObjectNode().put("body", "still here")).build();

    TestFederation.Response response = put("t2", f.remote.transaction(List.of(evasion)));

    assertEquals(0, response.json().get("pdus").get(evasion.eventId()).size());
    assertTrue(f.status(evasion.eventId()).softFailed());
    assertEquals(Set.of(ban.eventId()), f.store.forwardExtremities(f.roomId()));
  }

  @Test
  void repeatedTxnId_sameAnswer_evenAfterTheEventsChangedNothing() {
    Pdu message = f.remote.message(BOB, "hello");
    TestFederation.Response first = put("t1", f.remote.transaction(List.of(message)));
    TestFederation.Response again = put("t1", f.remote.transaction(List.of(message)));

    assertEquals(200, again.status());
    assertEquals(first.json(), again.json());
    assertEquals(List.of(message.eventId() + " remote"), f.heard);
  }

  @Test
  void tooManyPdus_is400BadJson_andUnsignedRequestsAre401() {
    List<Pdu> messages = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      messages.add(f.remote.message(BOB, "m" + i));
    }
    TestFederation.Response tooMany = put("big", f.remote.transaction(messages));
    assertEquals(400, tooMany.status());
    assertEquals("M_BAD_JSON", tooMany.json().get("errcode").textValue());
    assertFalse(f.store.event(messages.get(0).eventId()).isPresent());

    TestFederation.Response unsigned = federation.send("PUT", "/_matrix/federation/v1/send/x",
        f.remote.transaction(List.of(messages.get(0))), null);
    assertEquals(401, unsigned.status());
    assertEquals("M_UNAUTHORIZED", unsigned.json().get("errcode").textValue());

    TestFederation.Response notJson = federation.remote("other.test").send("PUT",
        "/_matrix/federation/v1/send/y", JsonMapper.shared().createObjectNode().put("pdus", "nope"));
    assertEquals(400, notJson.status());
  }
}
