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
import org.junit.jupiter.params.provider.ValueSource;

class EventIdTest {
  private static final String V3 = "$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk";
  private static final String V4 = "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";
  private static final String V1 = "$h29iv0s8:example.com";

  @ParameterizedTest
  @ValueSource(strings = {V1, V3, V4, "$x"})
  void parse_anyVersionShape_accepted(String value) {
    assertEquals(value, EventId.parse(value).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "$", "!x:y", "$nul\u0000x"})
  void parse_invalid_throws(String value) {
    assertThrows(MatrixException.class, () -> EventId.parse(value));
    assertTrue(EventId.tryParse(value).isEmpty());
  }

  @Test
  void parse_longerThan255Bytes_rejected() {
    assertFalse(EventId.isValid("$" + "a".repeat(255)));
    assertTrue(EventId.isValid("$" + "a".repeat(254)));
  }

  @Test
  void fits_eachFormatOnlyInItsVersions() {
    EventId v1 = EventId.parse(V1);
    EventId v3 = EventId.parse(V3);
    EventId v4 = EventId.parse(V4);
    assertTrue(v1.fits(RoomVersion.V1));
    assertTrue(v1.fits(RoomVersion.V2));
    assertFalse(v1.fits(RoomVersion.V3));
    assertTrue(v3.fits(RoomVersion.V3));
    assertFalse(v3.fits(RoomVersion.V4));
    assertTrue(v4.fits(RoomVersion.V4));
    assertTrue(v4.fits(RoomVersion.V12));
    assertFalse(v4.fits(RoomVersion.V3));
    assertFalse(v4.fits(RoomVersion.V1));
  }

  @Test
  void parseWithVersion_wrongFormat_throws() {
    assertThrows(MatrixException.class, () -> EventId.parse(V4, RoomVersion.V2));
    assertEquals(V4, EventId.parse(V4, RoomVersion.V10).value());
  }

  @Test
  void serverName_v1Form_domainAfterColon() {
    assertEquals(Optional.of(ServerName.parse("example.com")), EventId.parse(V1).serverName());
    assertEquals(Optional.empty(), EventId.parse(V4).serverName());
  }
}
