package dev.larch.core.federation.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayHandOverTest {
  private static final String SELF = "a".repeat(64);
  private static final String DEST = "c".repeat(64);
  private static final String R1 = "b".repeat(64);
  private static final String R2 = "d".repeat(64);

  private final List<String> requests = new ArrayList<>();
  private final List<String> down = new ArrayList<>();
  private final FederationClient client = (destination, method, path, body) -> {
    requests.add(destination + " " + method + " " + path + " " + body);
    if (down.contains(destination)) {
      throw RemoteServerException.unreachable(destination, "down", null);
    }
    return JsonNodeFactory.instance.objectNode();
  };

  private static ObjectNode txn() {
    ObjectNode txn = JsonNodeFactory.instance.objectNode();
    txn.put("origin", SELF);
    txn.putArray("pdus");
    return txn;
  }

  @Test
  void handsTheTransactionToEveryRelay_asASignedPutForTheDestinationsServer() {
    RelayHandOver relays = new RelayHandOver(SELF, client, List.of(R1, R2));
    down.add(R1);
    assertEquals(List.of(R2), relays.handOver(DEST, "k1.7", txn()));
    String path = "/_matrix/federation/v1/send_relay/k1.7/%40_relay%3A" + DEST;
    assertEquals(List.of(R1 + " PUT " + path + " " + txn(), R2 + " PUT " + path + " " + txn()), requests);

    down.add(R2);
    assertTrue(relays.handOver(DEST, "k1.8", txn()).isEmpty(), "none took it");
  }

  @Test
  void onlyP2pDestinations_andNeverThroughThemselvesOrUs() {
    assertTrue(new RelayHandOver(SELF, client, List.of(R1)).canRelay(DEST));
    assertFalse(new RelayHandOver(SELF, client, List.of(R1)).canRelay("example.org"), "DNS names have no relays");
    assertFalse(new RelayHandOver(SELF, client, List.of(R1)).canRelay(R1), "a relay is no relay for itself");
    assertFalse(new RelayHandOver(SELF, client, List.of(SELF)).canRelay(DEST), "we are no relay for our own sends");
    assertFalse(new RelayHandOver(SELF, client, List.of()).canRelay(DEST));
    assertFalse(RelayHandOver.NONE.canRelay(DEST));
    assertEquals(List.of(R2), new RelayHandOver(SELF, client, List.of(R1, R2)).handOver(R1, "t", txn()));
  }
}
