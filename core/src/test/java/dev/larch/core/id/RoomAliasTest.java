package dev.larch.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.MatrixException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoomAliasTest {
  @Test
  void parse_alias_splitsParts() {
    RoomAlias alias = RoomAlias.parse("#Tëst room:example.org");
    assertEquals("Tëst room", alias.localpart());
    assertEquals("example.org", alias.serverName().value());
    assertEquals("#Tëst room:example.org", alias.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "room:x.org", "#room", "#room:", "#room:bad_server", "#a\u0000:x.org", "!r:x.org"})
  void parse_invalid_throws(String value) {
    assertThrows(MatrixException.class, () -> RoomAlias.parse(value));
    assertTrue(RoomAlias.tryParse(value).isEmpty());
  }

  @Test
  void parse_longerThan255Bytes_rejected() {
    assertTrue(RoomAlias.tryParse("#" + "a".repeat(250) + ":x.org").isEmpty());
  }
}
