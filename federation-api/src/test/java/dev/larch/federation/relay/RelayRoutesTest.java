package dev.larch.federation.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.relay.RelayService;
import dev.larch.core.federation.relay.RelaySettings;
import dev.larch.federation.TestFederation;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.federation.relay.JdbcRelayStore;
import dev.larch.storage.jdbc.Database;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The relay endpoints over HTTP with real X-Matrix signatures, on each database. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class RelayRoutesTest {
  private final TestDatabase kind;
  @TempDir Path tempDir;
  private String url;
  private Database database;
  private TestFederation federation;

  RelayRoutesTest(TestDatabase kind) {
    this.kind = kind;
  }

  private void start(boolean serve) throws Exception {
    url = kind.createUrl(tempDir);
    database = Database.open(url, 4);
    RelayService relay = new RelayService(new JdbcRelayStore(database),
        new RelaySettings(serve, List.of(), 100, 1 << 20));
    federation = TestFederation.start((router, endpoints) -> new RelayRoutes(relay).mount(router, endpoints));
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

  private static ObjectNode transaction() {
    ObjectNode txn = JsonNodeFactory.instance.objectNode();
    txn.put("origin", "a.test");
    txn.put("origin_server_ts", 5);
    txn.putArray("pdus").addObject().put("type", "m.room.message");
    return txn;
  }

  private static ObjectNode entry(long id) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("entry_id", id);
    return body;
  }

  @Test
  void aTransactionHandedOverIsCollectedByItsAddresseeOnly() throws Exception {
    start(true);
    TestFederation.Remote sender = federation.remote("a.test");
    TestFederation.Remote addressee = federation.remote("c.test");
    TestFederation.Remote mallory = federation.remote("m.test");

    assertEquals(200, sender.send("PUT", "/_matrix/federation/v1/send_relay/t1/%40bob%3Ac.test", transaction())
        .status());

    TestFederation.Response stolen = mallory.send("GET", "/_matrix/federation/v1/relay_txn/%40bob%3Ac.test", entry(0));
    assertEquals(403, stolen.status());
    assertEquals("M_FORBIDDEN", stolen.json().path("errcode").asText());

    TestFederation.Response first =
        addressee.send("GET", "/_matrix/federation/v1/relay_txn/%40bob%3Ac.test", entry(0));
    assertEquals(200, first.status(), first.json().toString());
    assertTrue(first.json().path("entries_queued").asBoolean());
    assertEquals("m.room.message", first.json().path("transaction").path("pdus").path(0).path("type").asText());
    assertEquals("a.test", first.json().path("larch_signed").path("origin").asText());
    assertTrue(first.json().path("larch_signed").path("authorization").asText().startsWith("X-Matrix"));

    TestFederation.Response done = addressee.send("GET", "/_matrix/federation/v1/relay_txn/%40bob%3Ac.test",
        entry(first.json().path("entry_id").asLong()));
    assertFalse(done.json().path("entries_queued").asBoolean());
  }

  @Test
  void aServerThatIsNoRelayAnswers404_andUnsignedRequestsAre401() throws Exception {
    start(false);
    TestFederation.Remote sender = federation.remote("a.test");
    assertEquals(404, sender.send("PUT", "/_matrix/federation/v1/send_relay/t1/%40bob%3Ac.test", transaction())
        .status());
    assertEquals(401, federation.send("PUT", "/_matrix/federation/v1/send_relay/t1/%40bob%3Ac.test", transaction(),
        null).status());
  }
}
