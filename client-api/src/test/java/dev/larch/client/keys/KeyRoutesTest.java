package dev.larch.client.keys;

import static dev.larch.client.WiredClientApi.deviceKeys;
import static dev.larch.client.WiredClientApi.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.WiredClientApi.Session;
import dev.larch.client.WiredClientApiTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /keys/upload}, {@code /keys/query}, {@code /keys/claim} and {@code /keys/changes} over HTTP. */
class KeyRoutesTest extends WiredClientApiTest {
  private Session alice;
  private Session bob;

  @BeforeEach
  void logIn() throws Exception {
    alice = api.login("alice", "ALICE1");
    bob = api.login("bob", "BOB1");
  }

  private static ObjectNode upload(Session session, String oneTimeKeys) {
    ObjectNode body = json("{\"one_time_keys\":" + oneTimeKeys + "}");
    body.set("device_keys", deviceKeys(session));
    return body;
  }

  @Test
  void upload_thenQuery_returnsTheKeysExactly_withDisplayName() throws Exception {
    ObjectNode body = upload(alice, "{\"signed_curve25519:AAAA\":{\"key\":\"k1\"},\"signed_curve25519:BBBB\":"
        + "{\"key\":\"k2\"}}");
    JsonNode counts = api.post("/keys/upload", body, alice.token()).ok();
    assertEquals(2, counts.path("one_time_key_counts").path("signed_curve25519").asInt());
    api.put("/devices/ALICE1", "{\"display_name\":\"Alice's laptop\"}", alice.token()).ok();

    JsonNode query = api.post("/keys/query", "{\"device_keys\":{\"" + alice.userId() + "\":[]}}", bob.token()).ok();
    JsonNode keys = query.path("device_keys").path(alice.userId()).path("ALICE1");
    assertEquals("Alice's laptop", keys.path("unsigned").path("device_display_name").asText());
    ObjectNode withoutUnsigned = ((ObjectNode) keys).deepCopy();
    withoutUnsigned.remove("unsigned");
    assertEquals(deviceKeys(alice).get("keys"), withoutUnsigned.get("keys"));
    assertEquals(body.get("device_keys"), withoutUnsigned);
    assertTrue(query.path("failures").isObject());
  }

  @Test
  void upload_wrongUserOrDeviceOrSignature_isRejected() throws Exception {
    ObjectNode wrongUser = deviceKeys(alice);
    wrongUser.put("user_id", bob.userId());
    api.post("/keys/upload", Map.of("device_keys", wrongUser), alice.token()).assertError(400, "M_INVALID_PARAM");
    ObjectNode wrongDevice = deviceKeys(alice);
    wrongDevice.put("device_id", "OTHER");
    api.post("/keys/upload", Map.of("device_keys", wrongDevice), alice.token()).assertError(400, "M_INVALID_PARAM");
    ObjectNode tampered = deviceKeys(alice);
    ((ObjectNode) tampered.get("keys")).put("curve25519:ALICE1", "swapped");
    api.post("/keys/upload", Map.of("device_keys", tampered), alice.token())
        .assertError(400, "M_INVALID_SIGNATURE");
    ObjectNode unsigned = deviceKeys(alice);
    unsigned.remove("signatures");
    api.post("/keys/upload", Map.of("device_keys", unsigned), alice.token())
        .assertError(400, "M_INVALID_SIGNATURE");
    ObjectNode malformed = deviceKeys(alice);
    malformed.put("keys", "not an object");
    api.post("/keys/upload", Map.of("device_keys", malformed), alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/keys/upload", "{\"one_time_keys\":{\"nocolon\":\"k\"}}", alice.token())
        .assertError(400, "M_INVALID_PARAM");
    api.post("/keys/upload", "{\"one_time_keys\":{\"a:b\":5}}", alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/keys/upload", "not json", alice.token()).assertError(400, "M_NOT_JSON");
    api.post("/keys/upload", "[1]", alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/keys/query", "{\"device_keys\":[]}", alice.token()).assertError(400, "M_BAD_JSON");
    api.post("/keys/query", "{\"device_keys\":{\"not-a-user\":[]}}", alice.token())
        .assertError(400, "M_INVALID_PARAM");
    api.post("/keys/claim", "{\"one_time_keys\":{\"" + bob.userId() + "\":{\"BOB1\":7}}}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.post("/keys/upload", "{}", null).assertError(401, "M_MISSING_TOKEN");
    // Nothing was stored.
    JsonNode query = api.post("/keys/query", "{\"device_keys\":{\"" + alice.userId() + "\":[]}}", bob.token()).ok();
    assertTrue(query.path("device_keys").path(alice.userId()).isEmpty());
  }

  @Test
  void claim_handsOutEachKeyOnce_thenTheFallback_unknownDevicesAbsent_remoteInFailures() throws Exception {
    ObjectNode body = upload(bob, "{\"signed_curve25519:AAAA\":{\"key\":\"k1\"}}");
    body.set("fallback_keys", json("{\"signed_curve25519:FFFF\":{\"key\":\"f\",\"fallback\":true}}"));
    api.post("/keys/upload", body, bob.token()).ok();
    String claim = "{\"one_time_keys\":{\"" + bob.userId() + "\":{\"BOB1\":\"signed_curve25519\",\"NOPE\":"
        + "\"signed_curve25519\"},\"@ghost:larch.test\":{\"X\":\"signed_curve25519\"},"
        + "\"@carol:elsewhere.test\":{\"C\":\"signed_curve25519\"}}}";
    JsonNode first = api.post("/keys/claim", claim, alice.token()).ok();
    assertEquals(json("{\"signed_curve25519:AAAA\":{\"key\":\"k1\"}}"),
        first.path("one_time_keys").path(bob.userId()).path("BOB1"));
    assertFalse(first.path("one_time_keys").path(bob.userId()).has("NOPE"));
    assertFalse(first.path("one_time_keys").has("@ghost:larch.test"));
    assertTrue(first.path("failures").has("elsewhere.test"));
    JsonNode second = api.post("/keys/claim", claim, alice.token()).ok();
    assertTrue(second.path("one_time_keys").path(bob.userId()).path("BOB1").has("signed_curve25519:FFFF"));

    JsonNode sync = api.sync(bob, null);
    assertEquals(0, sync.path("device_one_time_keys_count").path("signed_curve25519").asInt());
    assertEquals(0, sync.path("device_unused_fallback_key_types").size());
  }

  @Test
  void changes_listsUsersSharingARoomWhoseKeysChanged() throws Exception {
    Session carol = api.login("carol", "CAROL1");
    api.roomWith(alice, bob);
    String from = api.sync(alice, null).get("next_batch").asText();
    api.post("/keys/upload", Map.of("device_keys", deviceKeys(bob)), bob.token()).ok();
    api.post("/keys/upload", Map.of("device_keys", deviceKeys(carol)), carol.token()).ok();
    String to = api.sync(alice, null).get("next_batch").asText();
    JsonNode changes = api.get("/keys/changes?from=" + from + "&to=" + to, alice.token()).ok();
    assertEquals(json("{\"changed\":[\"" + bob.userId() + "\"],\"left\":[]}"), changes);
    api.get("/keys/changes?from=" + from, alice.token()).assertError(400, "M_MISSING_PARAM");
    api.get("/keys/changes?from=garbage&to=" + to, alice.token()).assertError(400, "M_INVALID_PARAM");
  }

  @Test
  void deletingADevice_removesItsKeys() throws Exception {
    Session phone = api.login("alice", "PHONE");
    api.post("/keys/upload", upload(phone, "{\"signed_curve25519:AAAA\":\"k\"}"), phone.token()).ok();
    api.post("/logout", "{}", phone.token()).ok();
    JsonNode query = api.post("/keys/query", "{\"device_keys\":{\"" + alice.userId() + "\":[\"PHONE\"]}}",
        alice.token()).ok();
    assertTrue(query.path("device_keys").path(alice.userId()).isEmpty());
    JsonNode claim = api.post("/keys/claim", "{\"one_time_keys\":{\"" + alice.userId() + "\":{\"PHONE\":"
        + "\"signed_curve25519\"}}}", bob.token()).ok();
    assertTrue(claim.path("one_time_keys").isEmpty());
  }
}
