package dev.larch.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnpaddedBase64Test {
  private static final byte[] HIGH_BYTES = {(byte) 0xFB, (byte) 0xFF, (byte) 0xBF};

  @Test
  void encode_whenBytesMapToIndex62And63_usesPlusAndSlash() {
    assertEquals("+/+/", UnpaddedBase64.encode(HIGH_BYTES));
  }

  @Test
  void encodeUrlSafe_whenBytesMapToIndex62And63_usesDashAndUnderscore() {
    assertEquals("-_-_", UnpaddedBase64.encodeUrlSafe(HIGH_BYTES));
  }

  @ParameterizedTest
  @CsvSource({"Zg==,f", "Zg,f", "Zm8=,fo", "Zm8,fo", "Zm9v,foo", "Zg=,f"})
  void decode_whenPaddedOrNot_acceptsBoth(String input, String expected) {
    assertArrayEquals(expected.getBytes(StandardCharsets.US_ASCII), UnpaddedBase64.decode(input));
  }

  @Test
  void decode_whenTrailingBitsSet_ignoresThem() {
    // The spec's test-vector seed ends in '1', whose low bits fall outside the 32 decoded bytes.
    assertEquals(32, UnpaddedBase64.decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1").length);
  }

  @Test
  void decodeUrlSafe_whenUrlSafeText_roundTrips() {
    assertArrayEquals(HIGH_BYTES, UnpaddedBase64.decodeUrlSafe("-_-_"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Z", "Zm9vY", "Zg===", "Z=g", "Zm 9v", "Zm9v!", "-_-_", "Zg==Zg"})
  void decode_whenGarbage_throws(String input) {
    assertThrows(IllegalArgumentException.class, () -> UnpaddedBase64.decode(input));
  }

  @Test
  void decodeUrlSafe_whenStandardAlphabet_throws() {
    assertThrows(IllegalArgumentException.class, () -> UnpaddedBase64.decodeUrlSafe("+/+/"));
  }
}
