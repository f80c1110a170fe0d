package dev.larch.core.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VerifyKeyTest {
  private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);
  private static final byte[] MESSAGE = "hello".getBytes(StandardCharsets.UTF_8);

  @Test
  void verify_whenSignedByThisKey_isTrue() {
    assertTrue(VerifyKey.of("ed25519:a", KEY).verify(MESSAGE, KEY.sign(MESSAGE)));
  }

  @Test
  void verify_whenMessageOrSignatureAltered_isFalse() {
    VerifyKey key = VerifyKey.of("ed25519:a", KEY);
    byte[] signature = KEY.sign(MESSAGE);
    byte[] flipped = signature.clone();
    flipped[5] ^= 1;
    assertFalse(key.verify(MESSAGE, flipped));
    assertFalse(key.verify("hellO".getBytes(StandardCharsets.UTF_8), signature));
    assertFalse(key.verify(MESSAGE, Arrays.copyOf(signature, 63)));
    assertFalse(key.verify(MESSAGE, null));
  }

  @Test
  void verify_whenPublicKeyIsNotACurvePoint_isFalseWithoutThrowing() {
    // y = 2 has no x on edwards25519, so these 32 bytes decode to no point.
    byte[] notAPoint = new byte[32];
    notAPoint[0] = 2;
    VerifyKey key = VerifyKey.of("ed25519:a", notAPoint);
    assertFalse(key.verify(MESSAGE, KEY.sign(MESSAGE)));
  }

  @Test
  void of_whenKeyIdIsNotEd25519OrKeyIsShort_throws() {
    assertThrows(IllegalArgumentException.class, () -> VerifyKey.of("curve25519:a", KEY.publicKey()));
    assertThrows(IllegalArgumentException.class, () -> VerifyKey.of("ed25519:a", new byte[31]));
  }
}
