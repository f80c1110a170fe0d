package dev.larch.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.MatrixException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyIdTest {
  @Test
  void parse_ed25519Key_splitsAlgorithmAndVersion() {
    KeyId id = KeyId.parse("ed25519:a_Bc1");
    assertEquals("ed25519", id.algorithm());
    assertEquals("a_Bc1", id.version());
    assertTrue(id.isEd25519());
    assertEquals("ed25519:a_Bc1", id.toString());
  }

  @Test
  void parse_otherAlgorithm_notEd25519() {
    assertFalse(KeyId.parse("curve25519:x").isEd25519());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ed25519", "ed25519:", ":abc"})
  void parse_invalid_throws(String value) {
    assertThrows(MatrixException.class, () -> KeyId.parse(value));
    assertTrue(KeyId.tryParse(value).isEmpty());
  }
}
