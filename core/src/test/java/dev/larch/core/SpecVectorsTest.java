package dev.larch.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.event.ContentHash;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every test vector of the spec's appendices ("Canonical JSON" examples and "Cryptographic Test Vectors"). */
class SpecVectorsTest {
  private static JsonNode vectors;
  private static SigningKey key;
  private static String serverName;
  private static String keyId;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = SpecVectorsTest.class.getResourceAsStream("/spec-vectors/vectors.json")) {
      vectors = JsonMapper.shared().readTree(in);
    }
    JsonNode signing = vectors.get("signing");
    key = SigningKey.fromSeed(UnpaddedBase64.decode(signing.get("seed_base64").textValue()));
    serverName = signing.get("server_name").textValue();
    keyId = signing.get("key_id").textValue();
  }

  static Stream<Arguments> canonicalJson() throws IOException {
    load();
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode c : vectors.get("canonical_json")) {
      cases.add(Arguments.of(c.get("input_json").textValue(), c.get("canonical").textValue()));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("canonicalJson")
  void encode_specExample_matchesCanonical(String input, String canonical) {
    JsonNode parsed = ReceivedJson.parseValue(input.getBytes(StandardCharsets.UTF_8));

    assertArrayEquals(canonical.getBytes(StandardCharsets.UTF_8), CanonicalJson.STRICT.encode(parsed));
  }

  static Stream<Arguments> base64() throws IOException {
    load();
    List<Arguments> cases = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : vectors.get("unpadded_base64").properties()) {
      cases.add(Arguments.of(e.getKey(), e.getValue().textValue()));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("base64")
  void encode_specBase64Example_matchesAndDecodesBack(String plain, String encoded) {
    byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);

    assertEquals(encoded, UnpaddedBase64.encode(bytes));
    assertArrayEquals(bytes, UnpaddedBase64.decode(encoded));
  }

  static Stream<Arguments> jsonSigning() throws IOException {
    load();
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode c : vectors.get("signing").get("json_signing")) {
      cases.add(Arguments.of(c.get("input").toString(), c.get("signature").textValue()));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("jsonSigning")
  void sign_specJsonVector_producesSpecSignatureThatVerifies(String input, String signature) {
    ObjectNode json = ReceivedJson.parseObject(input.getBytes(StandardCharsets.UTF_8));

    Signatures.sign(json, serverName, keyId, key);

    assertEquals(signature, json.get("signatures").get(serverName).get(keyId).textValue());
    assertTrue(Signatures.verify(json, serverName, keyId, key.publicKey()));
  }

  @Test
  void hashAndSign_specEventVector1_matchesHashAndSignature() {
    assertEventVector(0, RoomVersion.V10);
  }

  @Test
  void hashAndSign_specEventVector2_matchesHashAndSignature() {
    // This one carries "event_id": "$0:domain", the room version 1 format.
    assertEventVector(1, RoomVersion.V1);
  }

  private static void assertEventVector(int index, RoomVersion roomVersion) {
    JsonNode vector = vectors.get("signing").get("event_signing").get(index);
    ObjectNode input = (ObjectNode) vector.get("input");

    Pdu pdu = new EventSigner(serverName, keyId, key).hashAndSign(input, roomVersion);

    assertEquals(vector.get("sha256").textValue(), pdu.json().get("hashes").get("sha256").textValue());
    assertEquals(
        vector.get("signature").textValue(),
        pdu.json().get("signatures").get(serverName).get(keyId).textValue());
    EventVerdict verdict = PduVerifier.verify(pdu, (s, k) -> Optional.of(VerifyKey.of(k, key.publicKey())));
    assertEquals(ContentHash.Verdict.OK, verdict.contentHash());
    assertTrue(verdict.isSignedBy(serverName));
  }
}
