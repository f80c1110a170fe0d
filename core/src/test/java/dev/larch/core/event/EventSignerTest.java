package dev.larch.core.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SignatureRef;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EventSignerTest {
  private static final SigningKey KEY = SigningKey.fromSeed(seed(1));
  private static final SigningKey OTHER_KEY = SigningKey.fromSeed(seed(2));
  private static final EventSigner SIGNER = new EventSigner("x", "ed25519:a", KEY);

  private static byte[] seed(int value) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) value);
    return seed;
  }

  private static ObjectNode json(String text) {
    return ReceivedJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode message() {
    return json(
        "{\"type\":\"m.room.message\",\"content\":{\"body\":\"hi\"},\"room_id\":\"!r:x\",\"sender\":\"@a:x\","
            + "\"origin\":\"x\",\"origin_server_ts\":1,\"depth\":2,\"prev_events\":[],\"auth_events\":[],"
            + "\"unsigned\":{\"age\":1}}");
  }

  @Test
  void hashThenSignOnAnotherThread_givesTheSameEvent_andItsSizeIsKnownBeforeTheSignature() throws Exception {
    for (RoomVersion version : List.of(RoomVersion.V1, RoomVersion.V10, RoomVersion.V12)) {
      ObjectNode input = message();
      if (version.eventsCarryIds()) {
        input.put("event_id", "$abc:x");
      }
      EventSigner.Hashed hashed = SIGNER.hash(input, version);
      int unsignedBytes = hashed.view().canonicalJson().length;
      String signature = CompletableFuture.supplyAsync(() -> SIGNER.signature(hashed)).get();
      Pdu completed = SIGNER.complete(hashed, signature);

      Pdu inOneGo = SIGNER.hashAndSign(input, version);
      assertEquals(inOneGo.eventId(), hashed.view().eventId(), "the ID is known before the signature");
      assertArrayEquals(inOneGo.canonicalJson(), completed.canonicalJson(), version.name());
      assertEquals(completed.canonicalJson().length, unsignedBytes + SIGNER.signatureBytes(), version.name());
    }
  }

  @Test
  void hashAndSign_whenNewEvent_addsHashAndSignatureWithoutChangingInput() {
    ObjectNode input = message();
    ObjectNode before = input.deepCopy();

    Pdu pdu = SIGNER.hashAndSign(input, RoomVersion.V10);

    assertEquals(before, input);
    assertEquals(ContentHash.Verdict.OK, ContentHash.check(pdu.json(), RoomVersion.V10));
    assertEquals(List.of(new SignatureRef("x", "ed25519:a")), Signatures.list(pdu.json()));
    assertEquals(EventIds.eventId(pdu.json(), RoomVersion.V10), pdu.eventId());
    assertEquals(RoomVersion.V10, pdu.roomVersion());
  }

  @Test
  void hashAndSign_whenStaleHashesAndSignatures_replacesThem() {
    ObjectNode input = message();
    input.putObject("hashes").put("sha256", "stale");
    input.putObject("signatures").putObject("y").put("ed25519:b", "stale");

    Pdu pdu = SIGNER.hashAndSign(input, RoomVersion.V10);

    assertEquals(1, pdu.json().get("signatures").size());
    assertEquals(ContentHash.Verdict.OK, ContentHash.check(pdu.json(), RoomVersion.V10));
  }

  @Test
  void hashAndSign_whenSignedBytesCoverRedactedForm_signatureSurvivesRedaction() {
    Pdu pdu = SIGNER.hashAndSign(message(), RoomVersion.V10);
    Pdu redacted = new Pdu(RoomVersion.V10, Redactor.redact(pdu.json(), RoomVersion.V10), pdu.eventId());

    EventVerdict verdict = PduVerifier.verify(redacted, (s, k) -> Optional.of(VerifyKey.of(k, KEY.publicKey())));

    assertTrue(verdict.isSignedBy("x"));
    assertEquals(ContentHash.Verdict.MISMATCH, verdict.contentHash());
    assertEquals(pdu.eventId(), EventIds.eventId(redacted.json(), RoomVersion.V10));
  }

  @Test
  void hashAndSign_whenV1WithoutEventId_throws() {
    assertThrows(IllegalArgumentException.class, () -> SIGNER.hashAndSign(message(), RoomVersion.V1));
  }

  @Test
  void hashAndSign_whenV6AndFloat_throwsButV5Accepts() {
    ObjectNode floaty = message();
    ((ObjectNode) floaty.get("content")).put("n", new BigDecimal("1.5"));

    assertThrows(IllegalArgumentException.class, () -> SIGNER.hashAndSign(floaty, RoomVersion.V6));
    Pdu v5 = SIGNER.hashAndSign(floaty, RoomVersion.V5);
    assertTrue(PduVerifier.verify(v5, (s, k) -> Optional.of(VerifyKey.of(k, KEY.publicKey()))).isSignedBy("x"));
  }

  @Test
  void hashAndSign_whenV11_signatureNoLongerCoversOrigin() {
    Pdu v10 = SIGNER.hashAndSign(message(), RoomVersion.V10);
    Pdu v11 = SIGNER.hashAndSign(message(), RoomVersion.V11);
    assertNotEquals(
        Signatures.signature(v10.json(), "x", "ed25519:a"), Signatures.signature(v11.json(), "x", "ed25519:a"));

    ObjectNode v10Changed = v10.json().deepCopy().put("origin", "elsewhere");
    ObjectNode v11Changed = v11.json().deepCopy().put("origin", "elsewhere");

    assertFalse(
        PduVerifier.verify(new Pdu(RoomVersion.V10, v10Changed, "$a"), (s, k) -> Optional.of(VerifyKey.of(k, KEY.publicKey())))
            .isSignedBy("x"));
    assertTrue(
        PduVerifier.verify(new Pdu(RoomVersion.V11, v11Changed, "$a"), (s, k) -> Optional.of(VerifyKey.of(k, KEY.publicKey())))
            .isSignedBy("x"));
  }

  @Test
  void addSignature_whenCountersigning_keepsHashIdAndFirstSignature() {
    Pdu pdu = SIGNER.hashAndSign(message(), RoomVersion.V10);

    Pdu countersigned = new EventSigner("y", "ed25519:b", OTHER_KEY).addSignature(pdu);

    assertEquals(pdu.eventId(), countersigned.eventId());
    assertEquals(pdu.json().get("hashes"), countersigned.json().get("hashes"));
    assertEquals(EventIds.eventId(countersigned.json(), RoomVersion.V10), countersigned.eventId());
    EventVerdict verdict =
        PduVerifier.verify(
            countersigned, (s, k) -> Optional.of(VerifyKey.of(k, s.equals("x") ? KEY.publicKey() : OTHER_KEY.publicKey())));
    assertTrue(verdict.isSignedByAll(List.of("x", "y")));
    assertFalse(pdu.json().get("signatures").has("y"), "the original is unchanged");
  }

  @Test
  void constructor_whenKeyIdNotEd25519_throws() {
    assertThrows(IllegalArgumentException.class, () -> new EventSigner("x", "rsa:1", KEY));
  }

  @Test
  void verifyKey_whenAsked_isThePublicHalf() {
    assertEquals("ed25519:a", SIGNER.verifyKey().keyId());
    assertArrayEquals(KEY.publicKey(), SIGNER.verifyKey().publicKey());
  }
}
