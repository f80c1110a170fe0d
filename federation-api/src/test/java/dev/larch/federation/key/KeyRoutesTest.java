package dev.larch.federation.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.keys.KeyNotary;
import dev.larch.core.federation.keys.KeyRing;
import dev.larch.core.federation.keys.LocalServerKeys;
import dev.larch.core.federation.keys.VerifiedKeyResponse;
import dev.larch.federation.TestFederation;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.federation.keys.JdbcServerKeyStore;
import dev.larch.storage.jdbc.Database;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The key API over HTTP, with the real key ring and JDBC store on H2 and PostgreSQL and a fake remote server. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class KeyRoutesTest {
  private static final String REMOTE = "remote.test";
  private static final Duration VALIDITY = Duration.ofHours(24);

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private String url;
  private Database database;
  private TestFederation federation;
  private final SigningKey ourKey = SigningKey.generate(new SecureRandom());
  private final LocalServerKeys us =
      new LocalServerKeys(TestFederation.SERVER, "ed25519:us", ourKey, Map.of(), VALIDITY, Clock.systemUTC());
  private final LocalServerKeys remote = new LocalServerKeys(REMOTE, "ed25519:r", SigningKey.generate(
      new SecureRandom()), Map.of(), VALIDITY, Clock.systemUTC());
  private final AtomicInteger remoteFetches = new AtomicInteger();
  private volatile boolean remoteUp = true;

  KeyRoutesTest(TestDatabase kind) {
    this.kind = kind;
  }

  /** The remote server: answers its key API while up; nobody else exists. */
  private final FederationClient client = (destination, method, path, body) -> {
    if (destination.equals(REMOTE) && remoteUp) {
      assertEquals("/_matrix/key/v2/server", path);
      remoteFetches.incrementAndGet();
      return remote.response();
    }
    throw RemoteServerException.unreachable(destination, "connection refused", null);
  };

  @BeforeEach
  void start() throws Exception {
    url = kind.createUrl(tempDir);
    database = Database.open(url, 8);
    restart();
  }

  /** A fresh key ring, notary and HTTP server over the same database, as after a process restart. */
  private void restart() throws Exception {
    if (federation != null) {
      federation.close();
    }
    JdbcServerKeyStore store = new JdbcServerKeyStore(database);
    KeyRing ring = new KeyRing(us, store, client, List.of(), Clock.systemUTC(), KeyRing.DEFAULT_RETRY_AFTER);
    KeyNotary notary = new KeyNotary(us, ring, store, Clock.systemUTC());
    federation = TestFederation.start((router, endpoints) -> new KeyRoutes(endpoints, notary).mount(router));
  }

  @AfterEach
  void stop() throws Exception {
    if (federation != null) {
      federation.close();
    }
    if (database != null) {
      database.close();
    }
    kind.drop(url);
  }

  private JsonNode get(String uri, int status) {
    TestFederation.Response response = federation.send("GET", uri, null, null);
    assertEquals(status, response.status(), response.json().toString());
    return response.json();
  }

  private JsonNode post(String uri, ObjectNode body, int status) {
    TestFederation.Response response = federation.send("POST", uri, body, null);
    assertEquals(status, response.status(), response.json().toString());
    return response.json();
  }

  @Test
  void ourKeys_areSignedByUs_andValidForTheConfiguredPeriod() throws Exception {
    long before = System.currentTimeMillis();
    JsonNode json = get("/_matrix/key/v2/server", 200);
    VerifiedKeyResponse verified = VerifiedKeyResponse.verify(json, TestFederation.SERVER, before);
    assertEquals(List.of("ed25519:us"), verified.keys().stream().map(k -> k.keyId()).toList());
    assertEquals(VerifyKey.of("ed25519:us", ourKey), verified.keys().get(0).key());
    long validUntil = json.path("valid_until_ts").longValue();
    assertTrue(validUntil >= before + VALIDITY.toMillis() && validUntil <= System.currentTimeMillis()
        + VALIDITY.toMillis(), json.toString());
    assertTrue(json.path("old_verify_keys").isObject());
    // The deprecated form with a key ID answers the same.
    assertEquals(TestFederation.SERVER, get("/_matrix/key/v2/server/ed25519:us", 200).path("server_name").asText());
  }

  @Test
  void query_fetchesOnce_storesIt_andServesItCountersigned_evenAfterARestart() throws Exception {
    JsonNode answer = get("/_matrix/key/v2/query/" + REMOTE, 200);
    assertEquals(1, answer.path("server_keys").size(), answer.toString());
    ObjectNode entry = (ObjectNode) answer.path("server_keys").get(0);
    VerifiedKeyResponse.verify(entry, REMOTE, System.currentTimeMillis());
    assertTrue(VerifiedKeyResponse.signedBy(entry, TestFederation.SERVER, VerifyKey.of("ed25519:us", ourKey)));
    assertEquals(1, remoteFetches.get());

    restart();
    remoteUp = false;
    JsonNode cached = get("/_matrix/key/v2/query/" + REMOTE, 200);
    assertEquals(entry.path("verify_keys"), cached.path("server_keys").get(0).path("verify_keys"));
    assertEquals(1, remoteFetches.get());
  }

  @Test
  void minimumValidUntil_beyondTheCachedCopy_fetchesAgain_butServesTheStaleCopyWhenTheServerIsDown()
      throws Exception {
    get("/_matrix/key/v2/query/" + REMOTE, 200);
    long later = System.currentTimeMillis() + Duration.ofDays(3).toMillis();
    get("/_matrix/key/v2/query/" + REMOTE + "?minimum_valid_until_ts=" + later, 200);
    assertEquals(2, remoteFetches.get());

    remoteUp = false;
    restart(); // forgets that the last fetch succeeded, so the server is asked (and found down)
    JsonNode stale = get("/_matrix/key/v2/query/" + REMOTE + "?minimum_valid_until_ts=" + later, 200);
    assertEquals(1, stale.path("server_keys").size());
  }

  @Test
  void postQuery_answersForTheServersItCanVouchFor() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode servers = body.putObject("server_keys");
    servers.putObject(REMOTE).putObject("ed25519:r").put("minimum_valid_until_ts", System.currentTimeMillis());
    servers.putObject("down.test");
    servers.putObject(TestFederation.SERVER);
    servers.putObject("ab".repeat(32));
    JsonNode answer = post("/_matrix/key/v2/query", body, 200);
    List<String> names = new java.util.ArrayList<>();
    answer.path("server_keys").forEach(e -> names.add(e.path("server_name").asText()));
    assertEquals(List.of(REMOTE, TestFederation.SERVER), names);
    assertEquals(0, post("/_matrix/key/v2/query", emptyQuery(), 200).path("server_keys").size());
  }

  private static ObjectNode emptyQuery() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("server_keys");
    return body;
  }

  @Test
  void badQueries_getMatrixErrors() {
    ObjectNode notAnObject = JsonNodeFactory.instance.objectNode();
    notAnObject.putArray("server_keys");
    assertEquals("M_BAD_JSON", post("/_matrix/key/v2/query", notAnObject, 400).path("errcode").asText());
    ObjectNode badMinimum = JsonNodeFactory.instance.objectNode();
    badMinimum.putObject("server_keys").putObject(REMOTE).putObject("ed25519:r")
        .put("minimum_valid_until_ts", "soon");
    assertEquals("M_BAD_JSON", post("/_matrix/key/v2/query", badMinimum, 400).path("errcode").asText());
    assertEquals("M_BAD_JSON", post("/_matrix/key/v2/query", JsonNodeFactory.instance.objectNode(), 400)
        .path("errcode").asText());
    assertEquals("M_INVALID_PARAM", get("/_matrix/key/v2/query/" + REMOTE + "?minimum_valid_until_ts=soon", 400)
        .path("errcode").asText());
    assertEquals(0, get("/_matrix/key/v2/query/not%20a%20name", 200).path("server_keys").size());
    assertEquals(0, remoteFetches.get());
  }
}
