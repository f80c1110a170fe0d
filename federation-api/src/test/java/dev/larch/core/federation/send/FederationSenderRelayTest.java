package dev.larch.core.federation.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sender side of store-and-forward relays over the real stores: a P2P destination that failed twice in a row gets
 * its transactions handed to the trusted relays ({@code send_relay}), a relay that is down leaves the backoff as it
 * was, and a destination that answers again gets them directly.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class FederationSenderRelayTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String OFFLINE = "c".repeat(64);
  private static final String RELAY = "b".repeat(64);
  private static final String RELAY2 = "d".repeat(64);
  private static final String CAROL = "@carol:" + OFFLINE;
  private static final String SEND_RELAY = "/_matrix/federation/v1/send_relay/";

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private SendFixture f;

  FederationSenderRelayTest(TestDatabase kind) {
    this.kind = kind;
  }

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  private String roomWithCarol(List<String> relays) {
    f = new SendFixture(kind, tempDir, SendSettings.defaults().withBusyPoll(0), null, relays);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, CAROL);
    f.scheduler.runDue();
    return roomId;
  }

  private List<FakeFederationClient.Sent> relayRequests(String relay) {
    return f.client.sentTo(relay).stream().filter(s -> s.path().startsWith(SEND_RELAY)).toList();
  }

  private static List<String> bodies(List<FakeFederationClient.Sent> sent) {
    List<String> out = new ArrayList<>();
    sent.stream().filter(FakeFederationClient.Sent::ok).forEach(s -> out.addAll(s.bodies()));
    return out;
  }

  private void waitOutBackoff() {
    f.scheduler.advance(f.scheduler.nextDelay().orElseThrow());
  }

  @Test
  void anOfflineP2pDestination_getsItsTransactionsHandedToTheRelay_afterTwoFailuresInARow() {
    String roomId = roomWithCarol(List.of(RELAY));
    f.client.takeDown(OFFLINE);

    f.send(ALICE, roomId, "one");
    f.scheduler.runDue();
    assertEquals(1, f.client.sentTo(OFFLINE).size());
    assertTrue(f.client.sentTo(RELAY).isEmpty(), "one failure does not make a destination offline");
    assertEquals(1, f.queue.head(OFFLINE, 10).size());

    waitOutBackoff();
    List<FakeFederationClient.Sent> direct = f.client.sentTo(OFFLINE);
    assertEquals(2, direct.size(), "tried directly first, again");
    List<FakeFederationClient.Sent> relayed = relayRequests(RELAY);
    assertEquals(1, relayed.size());
    FakeFederationClient.Sent handed = relayed.get(0);
    assertTrue(handed.ok());
    assertEquals("PUT", handed.method());
    assertEquals(SEND_RELAY + direct.get(1).txnId() + "/%40_relay%3A" + OFFLINE, handed.path());
    assertEquals(direct.get(1).body(), handed.body(), "the same transaction: ID and body");
    assertTrue(f.queue.head(OFFLINE, 10).isEmpty(), "a relay taking it counts as delivered");
    assertTrue(f.sender.activeDestinations().isEmpty(), "nothing left to retry");

    // Still offline: the next message is tried directly once, then relayed without waiting out a backoff.
    f.send(ALICE, roomId, "two");
    f.send(ALICE, roomId, "three");
    f.scheduler.runDue();
    assertEquals(3, f.client.sentTo(OFFLINE).size());
    assertEquals(List.of("one", "two", "three"), bodies(relayRequests(RELAY)), "the relay gets them in order");
    assertTrue(f.queue.head(OFFLINE, 10).isEmpty());
  }

  @Test
  void whenNoRelayTakesIt_theBackoffGoesOn_andTheSameTransactionStaysQueued() {
    String roomId = roomWithCarol(List.of(RELAY));
    f.client.takeDown(OFFLINE);
    f.client.takeDown(RELAY);

    f.send(ALICE, roomId, "one");
    f.scheduler.runDue();
    waitOutBackoff();
    assertEquals(1, relayRequests(RELAY).size());
    assertFalse(relayRequests(RELAY).get(0).ok());
    long wait = f.scheduler.nextDelay().orElseThrow();
    assertTrue(wait >= 8_000 && wait <= 14_000, "the backoff doubled as without relays, was " + wait);
    assertEquals(1, f.queue.head(OFFLINE, 10).size(), "still queued");

    f.scheduler.advance(wait - 1);
    assertEquals(2, f.client.sentTo(OFFLINE).size(), "nothing before the backoff ends");
    f.client.recover(RELAY);
    f.scheduler.advance(1);
    assertEquals(3, f.client.sentTo(OFFLINE).size());
    List<FakeFederationClient.Sent> relayed = relayRequests(RELAY);
    assertEquals(List.of(false, true), relayed.stream().map(FakeFederationClient.Sent::ok).toList());
    assertEquals(relayed.get(0).path(), relayed.get(1).path(), "the same transaction ID each time");
    assertEquals(List.of("one"), bodies(relayed));
    assertTrue(f.queue.head(OFFLINE, 10).isEmpty());
  }

  @Test
  void aDestinationThatAnswersAgain_getsTheNextTransactionDirectly_andCountsFailuresFromZero() {
    String roomId = roomWithCarol(List.of(RELAY));
    f.client.takeDown(OFFLINE);
    f.send(ALICE, roomId, "one");
    f.scheduler.runDue();
    waitOutBackoff();
    assertEquals(List.of("one"), bodies(relayRequests(RELAY)));

    f.client.recover(OFFLINE);
    f.send(ALICE, roomId, "two");
    f.scheduler.runDue();
    assertEquals(List.of("two"), bodies(f.client.sentTo(OFFLINE)), "delivered directly");
    assertEquals(1, relayRequests(RELAY).size(), "nothing more for the relay");

    // Its answer reset the count: one failure is a backoff again, not a hand-over.
    f.client.takeDown(OFFLINE);
    f.send(ALICE, roomId, "three");
    f.scheduler.runDue();
    assertEquals(1, relayRequests(RELAY).size());
    long wait = f.scheduler.nextDelay().orElseThrow();
    assertTrue(wait >= 4_000 && wait <= 7_000, "the first backoff, was " + wait);
    assertEquals(1, f.queue.head(OFFLINE, 10).size());
  }

  @Test
  void everyTrustedRelayIsAsked_andOneTakingItIsEnough() {
    String roomId = roomWithCarol(List.of(RELAY, RELAY2));
    f.client.takeDown(OFFLINE);
    f.client.takeDown(RELAY);
    f.send(ALICE, roomId, "one");
    f.scheduler.runDue();
    waitOutBackoff();
    assertEquals(List.of(false), relayRequests(RELAY).stream().map(FakeFederationClient.Sent::ok).toList());
    assertEquals(List.of("one"), bodies(relayRequests(RELAY2)));
    assertTrue(f.queue.head(OFFLINE, 10).isEmpty());

    f.client.recover(RELAY);
    f.send(ALICE, roomId, "two");
    f.scheduler.runDue();
    assertEquals(List.of("two"), bodies(relayRequests(RELAY)), "both hold it, in case one is away later");
    assertEquals(List.of("one", "two"), bodies(relayRequests(RELAY2)));
  }

  @Test
  void classicDestinations_andTheRelayItself_areNeverRelayed() {
    String roomId = roomWithCarol(List.of(RELAY));
    f.remoteJoin(roomId, "@bob:b.example");
    f.remoteJoin(roomId, "@rita:" + RELAY);
    f.scheduler.runDue();
    f.client.takeDown("b.example");
    f.client.takeDown(RELAY);

    f.send(ALICE, roomId, "one");
    f.scheduler.runDue();
    for (int i = 0; i < 4; i++) {
      waitOutBackoff();
    }
    assertTrue(f.client.sentTo("b.example").size() >= 3, "b.example was retried");
    assertTrue(relayRequests(RELAY).isEmpty(), "nothing went to the relay");
    assertEquals(List.of("one"), bodies(f.client.sentTo(OFFLINE)), "carol's server was up all along");
    assertEquals(1, f.queue.head("b.example", 10).size(), "a DNS server's queue waits for it");
    assertEquals(1, f.queue.head(RELAY, 10).size(), "a relay is no relay for itself");
  }

  @Test
  void aRestartKeepsWhatWasNotHandedOver_andRelaysItOnceOfflineAgain() {
    String roomId = roomWithCarol(List.of(RELAY));
    f.client.takeDown(OFFLINE);
    f.send(ALICE, roomId, "one");
    f.scheduler.runDue();
    assertEquals(1, f.queue.head(OFFLINE, 10).size());

    f.restart();
    assertTrue(relayRequests(RELAY).isEmpty());
    assertEquals(2, f.client.sentTo(OFFLINE).size(), "tried again at start");
    waitOutBackoff();
    assertEquals(List.of("one"), bodies(relayRequests(RELAY)));
    assertTrue(f.queue.head(OFFLINE, 10).isEmpty());
  }
}
