package dev.larch.core.federation.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.auth.RequestSignature;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.json.ReceivedJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelayCollectorTest {
  private final SigningKey senderKey = SigningKey.generate(new SecureRandom());
  private final ServerKeys keys = (server, keyId, at) ->
      "a".equals(server) && "ed25519:1".equals(keyId) ? Optional.of(VerifyKey.of(keyId, senderKey)) : Optional.empty();
  private final RelayServiceTest.MemoryRelayStore store = new RelayServiceTest.MemoryRelayStore();
  private final RelayService relay = new RelayService(store, new RelaySettings(true, List.of(), 100, 1 << 20));
  private final List<String> received = new ArrayList<>();
  private boolean relayDown;

  /** Plays relay "r": requests from "c" go to the relay service as a signed request from "c" would. */
  private final FederationClient client = (destination, method, path, body) -> {
    if (relayDown) {
      throw RemoteServerException.unreachable(destination, "down", null);
    }
    assertEquals("r", destination);
    assertEquals("GET", method);
    String userId = java.net.URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    return relay.collect("c", userId, body);
  };

  private final RelayCollector collector = new RelayCollector("c", client, keys,
      (origin, txnId, txn) -> received.add(origin + " " + txnId + " pdus=" + txn.get("pdus").size()
          + " edus=" + (txn.has("edus") ? txn.get("edus").size() : 0)));

  private void handOver(String txnId, String json, SigningKey signer) {
    String uri = "/_matrix/federation/v1/send_relay/" + txnId + "/%40bob%3Ac";
    JsonNode content = ReceivedJson.parseValue(json.getBytes(StandardCharsets.UTF_8));
    String header = RequestSignature.sign("PUT", uri, "a", "r", content, "ed25519:1", signer).format();
    relay.accept("a", txnId, "@bob:c", json.getBytes(StandardCharsets.UTF_8), uri, header);
  }

  @Test
  void drainsEverythingInOrder_trustingEdusOnlyWithTheSendersSignature() {
    handOver("t1", "{\"origin\":\"a\",\"origin_server_ts\":1,\"pdus\":[{}],\"edus\":[{},{}]}", senderKey);
    handOver("t2", "{\"origin\":\"a\",\"origin_server_ts\":2,\"pdus\":[{},{}],\"edus\":[{}]}",
        SigningKey.generate(new SecureRandom()));

    assertEquals(2, collector.drain("r"));
    assertEquals(List.of("a relay:t1 pdus=1 edus=2", "a relay:t2 pdus=2 edus=0"), received,
        "the forged second one keeps only its self-signed PDUs");
    assertTrue(store.held.isEmpty(), "each entry is acknowledged by the request after it was handed on");
    assertEquals(0, collector.drain("r"));
  }

  @Test
  void aRelayThatIsDownLosesNothing() {
    handOver("t1", "{\"origin\":\"a\",\"origin_server_ts\":1,\"pdus\":[]}", senderKey);
    relayDown = true;
    assertEquals(0, collector.drain("r"));
    assertFalse(store.held.isEmpty());
    relayDown = false;
    assertEquals(1, collector.drain("r"));
  }

  @Test
  void theCollectorAsksForItsOwnTransactionsOnly() {
    ObjectNode mine = relay.collect("c", "@_relay:c", ReceivedJson.parseObject("{\"entry_id\":0}".getBytes()));
    assertFalse(mine.get("entries_queued").booleanValue());
  }
}
