package dev.larch.client.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.WiredClientApi.Session;
import dev.larch.client.WiredClientApiTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /room_keys/version} and {@code /room_keys/keys} over HTTP. */
class KeyBackupRoutesTest extends WiredClientApiTest {
  private static final String ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2";
  private static final String ROOM = "!room:larch.test";
  private Session alice;

  @BeforeEach
  void logIn() throws Exception {
    alice = api.login("alice", "ALICE1");
  }

  private static String key(int first, int forwarded, boolean verified, String ciphertext) {
    return "{\"first_message_index\":" + first + ",\"forwarded_count\":" + forwarded + ",\"is_verified\":"
        + verified + ",\"session_data\":{\"ciphertext\":\"" + ciphertext + "\",\"mac\":\"m\",\"ephemeral\":\"e\"}}";
  }

  private String create(String publicKey) throws Exception {
    return api.post("/room_keys/version", "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{\"public_key\":\""
        + publicKey + "\"}}", alice.token()).ok().get("version").asText();
  }

  @Test
  void versions_crud() throws Exception {
    api.get("/room_keys/version", alice.token()).assertError(404, "M_NOT_FOUND");
    String v1 = create("a");
    JsonNode current = api.get("/room_keys/version", alice.token()).ok();
    assertEquals(v1, current.get("version").asText());
    assertEquals(ALGORITHM, current.get("algorithm").asText());
    assertEquals("a", current.path("auth_data").path("public_key").asText());
    assertEquals(0, current.get("count").asInt());
    api.put("/room_keys/version/" + v1, "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{\"public_key\":\"b\"},"
        + "\"version\":\"" + v1 + "\"}", alice.token()).ok();
    assertEquals("b", api.get("/room_keys/version/" + v1, alice.token()).ok().path("auth_data").path("public_key")
        .asText());
    api.put("/room_keys/version/" + v1, "{\"algorithm\":\"other\",\"auth_data\":{}}", alice.token())
        .assertError(400, "M_INVALID_PARAM");
    api.put("/room_keys/version/" + v1, "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{},\"version\":\"9\"}",
        alice.token()).assertError(400, "M_INVALID_PARAM");
    api.get("/room_keys/version/424242", alice.token()).assertError(404, "M_NOT_FOUND");
    api.get("/room_keys/version/not-a-version", alice.token()).assertError(404, "M_NOT_FOUND");
    api.post("/room_keys/version", "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":5}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.post("/room_keys/version", "{\"auth_data\":{}}", alice.token()).assertError(400, "M_MISSING_PARAM");
    api.delete("/room_keys/version/" + v1, alice.token()).ok();
    api.delete("/room_keys/version/" + v1, alice.token()).ok();
    api.get("/room_keys/version", alice.token()).assertError(404, "M_NOT_FOUND");
    api.delete("/room_keys/version/424242", alice.token()).assertError(404, "M_NOT_FOUND");
  }

  @Test
  void keys_putGetDelete_withReplacementRules_andVersionChecks() throws Exception {
    api.put("/room_keys/keys?version=1", "{\"rooms\":{}}", alice.token()).assertError(404, "M_NOT_FOUND");
    String old = create("a");
    String v = create("b");
    JsonNode put = api.put("/room_keys/keys/" + ROOM + "/s1?version=" + v, key(3, 0, false, "c1"), alice.token())
        .ok();
    assertEquals(1, put.get("count").asInt());
    String etag = put.get("etag").asText();
    // Worse key: kept out, etag unchanged.
    JsonNode worse = api.put("/room_keys/keys/" + ROOM + "?version=" + v, "{\"sessions\":{\"s1\":"
        + key(4, 0, false, "c2") + "}}", alice.token()).ok();
    assertEquals(etag, worse.get("etag").asText());
    JsonNode better = api.put("/room_keys/keys?version=" + v, "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":"
        + key(3, 0, true, "c3") + ",\"s2\":" + key(0, 0, false, "c4") + "}}}}", alice.token()).ok();
    assertEquals(2, better.get("count").asInt());
    assertNotEquals(etag, better.get("etag").asText());

    assertEquals("c3", api.get("/room_keys/keys/" + ROOM + "/s1?version=" + v, alice.token()).ok()
        .path("session_data").path("ciphertext").asText());
    assertEquals(2, api.get("/room_keys/keys/" + ROOM + "?version=" + v, alice.token()).ok().path("sessions").size());
    assertEquals(2, api.get("/room_keys/keys?version=" + v, alice.token()).ok().path("rooms").path(ROOM)
        .path("sessions").size());
    assertEquals(0, api.get("/room_keys/keys/!other:larch.test?version=" + v, alice.token()).ok().path("sessions")
        .size());
    api.get("/room_keys/keys/" + ROOM + "/nope?version=" + v, alice.token()).assertError(404, "M_NOT_FOUND");
    api.get("/room_keys/keys?version=999", alice.token()).assertError(404, "M_NOT_FOUND");
    api.get("/room_keys/keys", alice.token()).assertError(400, "M_MISSING_PARAM");

    JsonNode wrong = api.put("/room_keys/keys/" + ROOM + "/s3?version=" + old, key(0, 0, false, "x"),
        alice.token()).assertError(403, "M_WRONG_ROOM_KEYS_VERSION").json();
    assertEquals(v, wrong.get("current_version").asText());
    api.put("/room_keys/keys/" + ROOM + "/s3?version=" + v, "{\"first_message_index\":\"0\"}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.put("/room_keys/keys?version=" + v, "{\"rooms\":5}", alice.token()).assertError(400, "M_BAD_JSON");

    assertEquals(1, api.delete("/room_keys/keys/" + ROOM + "/s1?version=" + v, alice.token()).ok().get("count")
        .asInt());
    assertEquals(0, api.delete("/room_keys/keys?version=" + v, alice.token()).ok().get("count").asInt());
    assertEquals(0, api.get("/room_keys/version", alice.token()).ok().get("count").asInt());
  }
}
