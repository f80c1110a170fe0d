package dev.larch.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.ReceivedJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);
  private static final SigningKey OTHER = SigningKey.fromSeed(filled(7));

  private static byte[] filled(int value) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) value);
    return seed;
  }

  private static ObjectNode json(String text) {
    return ReceivedJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sign_whenOtherSignaturesAndUnsigned_keepsThemAndIgnoresThemInTheSignature() {
    ObjectNode plain = json("{\"a\":1}");
    ObjectNode decorated =
        json("{\"a\":1,\"unsigned\":{\"age\":5},\"signatures\":{\"other.org\":{\"ed25519:x\":\"abc\"}}}");

    Signatures.sign(plain, "example.org", "ed25519:1", KEY);
    Signatures.sign(decorated, "example.org", "ed25519:1", KEY);

    assertEquals(
        plain.get("signatures").get("example.org").get("ed25519:1"),
        decorated.get("signatures").get("example.org").get("ed25519:1"));
    assertEquals("abc", decorated.get("signatures").get("other.org").get("ed25519:x").textValue());
    assertEquals(5, decorated.get("unsigned").get("age").intValue());
  }

  @Test
  void sign_whenSameServerSecondKey_addsBesideTheFirst() {
    ObjectNode object = json("{\"a\":1}");

    Signatures.sign(object, "example.org", "ed25519:1", KEY);
    Signatures.sign(object, "example.org", "ed25519:2", OTHER);

    assertEquals(
        List.of(new SignatureRef("example.org", "ed25519:1"), new SignatureRef("example.org", "ed25519:2")),
        Signatures.list(object));
    assertTrue(Signatures.verify(object, "example.org", "ed25519:1", KEY.publicKey()));
    assertTrue(Signatures.verify(object, "example.org", "ed25519:2", OTHER.publicKey()));
  }

  @Test
  void sign_whenKeyIdNotEd25519_throws() {
    assertThrows(
        IllegalArgumentException.class, () -> Signatures.sign(json("{}"), "example.org", "curve25519:1", KEY));
  }

  @Test
  void verify_whenContentTampered_fails() {
    ObjectNode object = json("{\"a\":1}");
    Signatures.sign(object, "example.org", "ed25519:1", KEY);

    object.put("a", 2);

    assertFalse(Signatures.verify(object, "example.org", "ed25519:1", KEY.publicKey()));
  }

  @Test
  void verify_whenUnsignedChanged_stillPasses() {
    ObjectNode object = json("{\"a\":1}");
    Signatures.sign(object, "example.org", "ed25519:1", KEY);

    object.putObject("unsigned").put("age", 10);

    assertTrue(Signatures.verify(object, "example.org", "ed25519:1", KEY.publicKey()));
  }

  @Test
  void verify_whenWrongKeyOrServerOrKeyId_fails() {
    ObjectNode object = json("{\"a\":1}");
    Signatures.sign(object, "example.org", "ed25519:1", KEY);

    assertFalse(Signatures.verify(object, "example.org", "ed25519:1", OTHER.publicKey()));
    assertFalse(Signatures.verify(object, "other.org", "ed25519:1", KEY.publicKey()));
    assertFalse(Signatures.verify(object, "example.org", "ed25519:2", KEY.publicKey()));
  }

  @Test
  void verify_whenSignatureMalformed_failsWithoutThrowing() {
    byte[] pk = KEY.publicKey();
    String[] malformed = {
      "{\"signatures\":{\"s\":{\"ed25519:1\":\"not base64!\"}}}",
      "{\"signatures\":{\"s\":{\"ed25519:1\":\"Zm9v\"}}}",
      "{\"signatures\":{\"s\":{\"ed25519:1\":42}}}",
      "{\"signatures\":{\"s\":[\"x\"]}}",
      "{\"signatures\":\"x\"}",
      "{\"a\":1.5,\"signatures\":{\"s\":{\"ed25519:1\":\"" + "A".repeat(86) + "\"}}}"
    };
    for (String text : malformed) {
      assertFalse(Signatures.verify(json(text), "s", "ed25519:1", pk), text);
    }
    assertFalse(Signatures.verify(json("{}"), "s", "ed25519:1", new byte[3]));
  }

  @Test
  void verify_whenSignatureIsPadded_passes() {
    ObjectNode object = json("{\"a\":1}");
    Signatures.sign(object, "s", "ed25519:1", KEY);
    ObjectNode entry = (ObjectNode) object.get("signatures").get("s");
    entry.put("ed25519:1", entry.get("ed25519:1").textValue() + "==");

    assertTrue(Signatures.verify(object, "s", "ed25519:1", KEY.publicKey()));
  }

  @Test
  void verify_whenLenientEncodingWasSigned_needsLenientMode() {
    ObjectNode object = json("{\"big\":9007199254740993}");
    Signatures.sign(object, "s", "ed25519:1", KEY, CanonicalJson.LENIENT);

    assertTrue(Signatures.verify(object, "s", "ed25519:1", KEY.publicKey(), CanonicalJson.LENIENT));
    assertFalse(Signatures.verify(object, "s", "ed25519:1", KEY.publicKey()));
  }

  @Test
  void list_whenUnknownAlgorithmsOrNonStrings_ignoresThem() {
    ObjectNode object =
        json(
            "{\"signatures\":{\"a\":{\"ed25519:1\":\"x\",\"curve25519:2\":\"y\",\"ed25519:3\":7},"
                + "\"b\":\"junk\",\"c\":{\"ed25519:z\":\"w\"}}}");

    assertEquals(
        List.of(new SignatureRef("a", "ed25519:1"), new SignatureRef("c", "ed25519:z")), Signatures.list(object));
  }

  @Test
  void verify_whenUnknownAlgorithmKeyId_fails() {
    ObjectNode object = json("{\"a\":1}");
    Signatures.sign(object, "s", "ed25519:1", KEY);
    ObjectNode entry = (ObjectNode) object.get("signatures").get("s");
    entry.set("rsa:1", entry.get("ed25519:1"));

    assertFalse(Signatures.verify(object, "s", "rsa:1", KEY.publicKey()));
  }

  @Test
  void verifyKey_whenBuiltFromBase64_verifiesTheKeysSignatures() {
    VerifyKey verifyKey = VerifyKey.fromBase64("ed25519:1", UnpaddedBase64.encode(KEY.publicKey()));
    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);

    assertTrue(verifyKey.verify(message, KEY.sign(message)));
    assertFalse(verifyKey.verify(message, OTHER.sign(message)));
    assertEquals(VerifyKey.of("ed25519:1", KEY), verifyKey);
    assertThrows(IllegalArgumentException.class, () -> VerifyKey.of("ed25519:1", new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> VerifyKey.of("hmac:1", KEY.publicKey()));
  }
}
