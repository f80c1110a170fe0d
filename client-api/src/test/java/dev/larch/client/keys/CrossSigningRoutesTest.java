package dev.larch.client.keys;

import static dev.larch.client.WiredClientApi.deviceKeys;
import static dev.larch.client.WiredClientApi.publicKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.WiredClientApi.Session;
import dev.larch.client.WiredClientApiTest;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.json.JsonMapper;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /keys/device_signing/upload} and {@code /keys/signatures/upload} over HTTP. */
class CrossSigningRoutesTest extends WiredClientApiTest {
  private Session alice;
  private Session bob;
  private final SecureRandom random = new SecureRandom();

  @BeforeEach
  void logIn() throws Exception {
    alice = api.login("alice", "ALICE1");
    bob = api.login("bob", "BOB1");
    api.post("/keys/upload", Map.of("device_keys", deviceKeys(alice)), alice.token()).ok();
  }

  private static ObjectNode crossSigningKey(String userId, String usage, SigningKey key, SigningKey signer) {
    ObjectNode json = JsonMapper.shared().createObjectNode();
    json.put("user_id", userId);
    json.putArray("usage").add(usage);
    json.putObject("keys").put("ed25519:" + publicKey(key), publicKey(key));
    if (signer != null) {
      Signatures.sign(json, userId, "ed25519:" + publicKey(signer), signer);
    }
    return json;
  }

  @Test
  void firstUpload_needsNoUia_replacingNeedsThePassword_andQueryShowsByVisibility() throws Exception {
    SigningKey master = SigningKey.generate(random);
    SigningKey selfSigning = SigningKey.generate(random);
    SigningKey userSigning = SigningKey.generate(random);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.set("master_key", crossSigningKey(alice.userId(), "master", master, null));
    body.set("self_signing_key", crossSigningKey(alice.userId(), "self_signing", selfSigning, master));
    body.set("user_signing_key", crossSigningKey(alice.userId(), "user_signing", userSigning, master));
    api.post("/keys/device_signing/upload", body, alice.token()).ok();
    // The same keys again: nothing changes, no UIA.
    api.post("/keys/device_signing/upload", body, alice.token()).ok();

    SigningKey newMaster = SigningKey.generate(random);
    ObjectNode replace = JsonMapper.shared().createObjectNode();
    replace.set("master_key", crossSigningKey(alice.userId(), "master", newMaster, null));
    var challenge = api.post("/keys/device_signing/upload", replace, alice.token());
    assertEquals(401, challenge.status(), challenge.text());
    String session = challenge.json().get("session").asText();
    replace.set("auth", JsonMapper.shared().createObjectNode().put("type", "m.login.password")
        .put("user", "alice").put("password", "wrong").put("session", session));
    assertEquals("M_FORBIDDEN", api.post("/keys/device_signing/upload", replace, alice.token()).errcode());
    ((ObjectNode) replace.get("auth")).put("password", "pw");
    api.post("/keys/device_signing/upload", replace, alice.token()).ok();

    String query = "{\"device_keys\":{\"" + alice.userId() + "\":[]}}";
    JsonNode byBob = api.post("/keys/query", query, bob.token()).ok();
    assertEquals(publicKey(newMaster),
        byBob.path("master_keys").path(alice.userId()).path("keys").fieldNames().next().substring(8));
    assertTrue(byBob.path("self_signing_keys").has(alice.userId()));
    assertFalse(byBob.path("user_signing_keys").has(alice.userId()), "only Alice sees her user-signing key");
    assertTrue(api.post("/keys/query", query, alice.token()).ok().path("user_signing_keys").has(alice.userId()));
  }

  @Test
  void upload_badSignatureOrNoMaster_isRejected() throws Exception {
    SigningKey master = SigningKey.generate(random);
    SigningKey other = SigningKey.generate(random);
    ObjectNode noMaster = JsonMapper.shared().createObjectNode();
    noMaster.set("self_signing_key", crossSigningKey(alice.userId(), "self_signing", other, master));
    api.post("/keys/device_signing/upload", noMaster, alice.token()).assertError(400, "M_MISSING_PARAM");
    ObjectNode badSignature = JsonMapper.shared().createObjectNode();
    badSignature.set("master_key", crossSigningKey(alice.userId(), "master", master, null));
    badSignature.set("self_signing_key", crossSigningKey(alice.userId(), "self_signing", other, other));
    api.post("/keys/device_signing/upload", badSignature, alice.token()).assertError(400, "M_INVALID_SIGNATURE");
    ObjectNode wrongUser = JsonMapper.shared().createObjectNode();
    wrongUser.set("master_key", crossSigningKey(bob.userId(), "master", master, null));
    api.post("/keys/device_signing/upload", wrongUser, alice.token()).assertError(400, "M_INVALID_PARAM");
    api.post("/keys/device_signing/upload", "{\"master_key\":\"x\"}", alice.token())
        .assertError(400, "M_BAD_JSON");
  }

  @Test
  void signaturesUpload_storesGoodSignatures_andReportsBadOnes() throws Exception {
    SigningKey master = SigningKey.generate(random);
    SigningKey selfSigning = SigningKey.generate(random);
    ObjectNode keys = JsonMapper.shared().createObjectNode();
    keys.set("master_key", crossSigningKey(alice.userId(), "master", master, null));
    keys.set("self_signing_key", crossSigningKey(alice.userId(), "self_signing", selfSigning, master));
    api.post("/keys/device_signing/upload", keys, alice.token()).ok();

    ObjectNode device = deviceKeys(alice);
    Signatures.sign(device, alice.userId(), "ed25519:" + publicKey(selfSigning), selfSigning);
    ObjectNode forged = deviceKeys(alice);
    Signatures.addSignature(forged, alice.userId(), "ed25519:" + publicKey(selfSigning), "AAAA");
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.putObject(alice.userId()).set("ALICE1", device);
    ((ObjectNode) body.get(alice.userId())).set("NOSUCHDEVICE", forged);
    JsonNode failures = api.post("/keys/signatures/upload", body, alice.token()).ok().path("failures");
    assertTrue(failures.path(alice.userId()).has("NOSUCHDEVICE"));
    assertFalse(failures.path(alice.userId()).has("ALICE1"));

    ObjectNode badBody = JsonMapper.shared().createObjectNode();
    badBody.putObject(alice.userId()).set("ALICE1", forged);
    JsonNode bad = api.post("/keys/signatures/upload", badBody, alice.token()).ok().path("failures");
    assertEquals("M_INVALID_SIGNATURE", bad.path(alice.userId()).path("ALICE1").path("errcode").asText());

    JsonNode query = api.post("/keys/query", "{\"device_keys\":{\"" + alice.userId() + "\":[\"ALICE1\"]}}",
        bob.token()).ok();
    JsonNode signatures = query.path("device_keys").path(alice.userId()).path("ALICE1").path("signatures")
        .path(alice.userId());
    assertTrue(signatures.has("ed25519:" + publicKey(selfSigning)), signatures.toString());
    assertTrue(signatures.has("ed25519:ALICE1"));
  }
}
