package dev.larch.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.MatrixException;
import dev.larch.core.room.RoomVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoomIdTest {
  private static final String HASH = "31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM";

  @Test
  void parse_domainForm_hasServerName() {
    RoomId id = RoomId.parse("!opaque:example.org");
    assertEquals(Optional.of(ServerName.parse("example.org")), id.serverName());
    assertFalse(id.isCreateEventHash());
    assertEquals("!opaque:example.org", id.toString());
  }

  @Test
  void parse_v12HashForm_hasNoServerName() {
    RoomId id = RoomId.parse("!" + HASH);
    assertTrue(id.isCreateEventHash());
    assertEquals(Optional.empty(), id.serverName());
    assertEquals(Optional.of(new EventId("$" + HASH)), id.createEventId());
  }

  @Test
  void fromCreateEventId_swapsSigil() {
    assertEquals("!" + HASH, RoomId.fromCreateEventId(new EventId("$" + HASH)).value());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "!",
        "$opaque:example.org",
        "!opaque:bad_server",
        "!tooshort",
        "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogL",
        "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLMX",
        "!31hneApxJ+1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM",
        "!nul\u0000:x.org"
      })
  void parse_invalid_throws(String value) {
    assertThrows(MatrixException.class, () -> RoomId.parse(value));
    assertTrue(RoomId.tryParse(value).isEmpty());
  }

  @Test
  void parse_longerThan255Bytes_rejected() {
    assertFalse(RoomId.isValid("!" + "a".repeat(250) + ":x.org"));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void fits_formMatchesVersion(RoomVersion version) {
    RoomId domainForm = RoomId.parse("!opaque:example.org");
    RoomId hashForm = RoomId.parse("!" + HASH);
    assertEquals(!version.privilegedCreators(), domainForm.fits(version));
    assertEquals(version.privilegedCreators(), hashForm.fits(version));
  }

  @Test
  void parseWithVersion_wrongForm_throws() {
    assertThrows(MatrixException.class, () -> RoomId.parse("!opaque:example.org", RoomVersion.V12));
    assertThrows(MatrixException.class, () -> RoomId.parse("!" + HASH, RoomVersion.V11));
    assertEquals("!" + HASH, RoomId.parse("!" + HASH, RoomVersion.V12).value());
  }
}
