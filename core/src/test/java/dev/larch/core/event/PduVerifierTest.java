package dev.larch.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventVerdict.SignatureCheck;
import dev.larch.core.event.EventVerdict.SignatureStatus;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import dev.larch.core.crypto.VerifyKey;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PduVerifierTest {
  private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);
  private static final EventSigner SIGNER = new EventSigner("x", "ed25519:a", KEY);
  private static final PduVerifier.KeyLookup KEYS =
      (server, keyId) ->
          server.equals("x") && keyId.equals("ed25519:a") ? Optional.of(VerifyKey.of(keyId, KEY.publicKey())) : Optional.empty();

  private static ObjectNode json(String text) {
    return ReceivedJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Pdu received(Pdu sent) {
    // Round-trip through the wire form, as a receiving server would see it.
    return Pdu.fromJson(sent.roomVersion(), json(sent.json().toString()));
  }

  @Test
  void verify_whenUntouched_isOkEverywhere() {
    Pdu pdu = received(SIGNER.hashAndSign(EventSignerTest.message(), RoomVersion.V10));

    EventVerdict verdict = PduVerifier.verify(pdu, KEYS);

    assertEquals(ContentHash.Verdict.OK, verdict.contentHash());
    assertEquals(List.of(new SignatureCheck("x", "ed25519:a", SignatureStatus.OK)), verdict.signatures());
    assertTrue(verdict.isSignedByAll(PduVerifier.expectedSigners(pdu)));
    assertTrue(verdict.contentHashOk());
  }

  @Test
  void verify_whenContentTampered_isHashMismatchButSigned() {
    ObjectNode wire = SIGNER.hashAndSign(EventSignerTest.message(), RoomVersion.V10).json();
    ((ObjectNode) wire.get("content")).put("body", "changed");

    EventVerdict verdict = PduVerifier.verify(Pdu.fromJson(RoomVersion.V10, wire), KEYS);

    assertEquals(ContentHash.Verdict.MISMATCH, verdict.contentHash());
    assertTrue(verdict.isSignedBy("x"));
  }

  @Test
  void verify_whenProtectedKeyTampered_isBadSignature() {
    ObjectNode wire = SIGNER.hashAndSign(EventSignerTest.message(), RoomVersion.V10).json();
    wire.put("sender", "@mallory:x");

    EventVerdict verdict = PduVerifier.verify(Pdu.fromJson(RoomVersion.V10, wire), KEYS);

    assertEquals(SignatureStatus.BAD, verdict.signatures().get(0).status());
    assertFalse(verdict.isSignedBy("x"));
  }

  @Test
  void verify_whenSignatureTampered_isBad() {
    ObjectNode wire = SIGNER.hashAndSign(EventSignerTest.message(), RoomVersion.V10).json();
    ObjectNode entry = (ObjectNode) wire.get("signatures").get("x");
    char[] signature = entry.get("ed25519:a").textValue().toCharArray();
    signature[10] = signature[10] == 'A' ? 'B' : 'A';
    entry.put("ed25519:a", new String(signature));

    EventVerdict verdict = PduVerifier.verify(Pdu.fromJson(RoomVersion.V10, wire), KEYS);

    assertEquals(List.of(new SignatureCheck("x", "ed25519:a", SignatureStatus.BAD)), verdict.signatures());
    assertEquals(ContentHash.Verdict.OK, verdict.contentHash());
  }

  @Test
  void verify_whenKeyUnknown_isUnknownKeyAndNotSigned() {
    Pdu pdu = SIGNER.hashAndSign(EventSignerTest.message(), RoomVersion.V10);

    EventVerdict verdict = PduVerifier.verify(pdu, (s, k) -> Optional.empty());

    assertEquals(SignatureStatus.UNKNOWN_KEY, verdict.signatures().get(0).status());
    assertFalse(verdict.isSignedByAll(Set.of("x")));
  }

  @Test
  void verify_whenUnknownAlgorithmSignature_ignoresIt() {
    ObjectNode wire = SIGNER.hashAndSign(EventSignerTest.message(), RoomVersion.V10).json();
    ((ObjectNode) wire.get("signatures").get("x")).put("curve25519:z", "garbage");
    wire.putObject("unsigned");
    ((ObjectNode) wire.get("signatures")).putObject("y").put("rsa:1", "garbage");

    EventVerdict verdict = PduVerifier.verify(Pdu.fromJson(RoomVersion.V10, wire), KEYS);

    assertEquals(List.of(new SignatureCheck("x", "ed25519:a", SignatureStatus.OK)), verdict.signatures());
  }

  @Test
  void verify_whenNoHashes_isMissing() {
    ObjectNode wire = SIGNER.hashAndSign(EventSignerTest.message(), RoomVersion.V10).json();
    wire.remove("hashes");

    assertEquals(ContentHash.Verdict.MISSING, PduVerifier.verify(Pdu.fromJson(RoomVersion.V10, wire), KEYS).contentHash());
  }

  @Test
  void expectedSigners_whenV1_includesSenderAndEventIdServers() {
    ObjectNode event = EventSignerTest.message().put("event_id", "$abc:origin.example:8448");

    Pdu pdu = Pdu.fromJson(RoomVersion.V1, event);

    assertEquals(Set.of("x", "origin.example:8448"), PduVerifier.expectedSigners(pdu));
    assertEquals(Set.of("x"), PduVerifier.expectedSigners(Pdu.fromJson(RoomVersion.V3, EventSignerTest.message())));
  }

  @Test
  void expectedSigners_whenThirdPartyInvite_leavesOutSender() {
    ObjectNode invite =
        json(
            "{\"type\":\"m.room.member\",\"state_key\":\"@b:y\",\"sender\":\"@a:x\",\"room_id\":\"!r:x\","
                + "\"content\":{\"membership\":\"invite\",\"third_party_invite\":{\"signed\":{}}}}");

    assertEquals(Set.of(), PduVerifier.expectedSigners(Pdu.fromJson(RoomVersion.V10, invite)));
  }

  @Test
  void fromJson_whenV6AndFloatOutsideUnsigned_isBadJson() {
    ObjectNode floaty = EventSignerTest.message();
    ((ObjectNode) floaty.get("content")).put("n", new BigDecimal("0.5"));
    ObjectNode floatyUnsigned = EventSignerTest.message();
    ((ObjectNode) floatyUnsigned.get("unsigned")).put("n", new BigDecimal("0.5"));

    MatrixException e = assertThrows(MatrixException.class, () -> Pdu.fromJson(RoomVersion.V6, floaty));
    assertEquals(ErrorCode.BAD_JSON, e.errorCode());
    assertEquals(EventIds.eventId(floaty, RoomVersion.V5), Pdu.fromJson(RoomVersion.V5, floaty).eventId());
    assertEquals(EventIds.eventId(floatyUnsigned, RoomVersion.V6), Pdu.fromJson(RoomVersion.V6, floatyUnsigned).eventId());
  }

  @Test
  void fromJson_whenV2WithoutEventId_isBadJson() {
    MatrixException e =
        assertThrows(MatrixException.class, () -> Pdu.fromJson(RoomVersion.V2, EventSignerTest.message()));

    assertEquals(ErrorCode.BAD_JSON, e.errorCode());
  }

  @Test
  void verify_whenV5EventHasOutOfRangeInteger_checksWithLenientEncoding() {
    ObjectNode big = EventSignerTest.message();
    ((ObjectNode) big.get("content")).put("n", Long.MAX_VALUE);
    Pdu pdu = SIGNER.hashAndSign(big, RoomVersion.V5);

    EventVerdict verdict = PduVerifier.verify(received(pdu), KEYS);

    assertTrue(verdict.contentHashOk());
    assertTrue(verdict.isSignedBy("x"));
    assertEquals(Long.MAX_VALUE, pdu.json().get("content").get("n").longValue());
    assertThrows(MatrixException.class, () -> Pdu.fromJson(RoomVersion.V6, big));
  }
}
