package dev.larch.core.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterParserTest {
  private static Filter parse(String json) throws Exception {
    return FilterParser.parse(JsonMapper.shared().readTree(json));
  }

  @Test
  void parse_fullFilter() throws Exception {
    Filter filter = parse("{\"event_fields\":[\"type\"],\"event_format\":\"federation\","
        + "\"presence\":{\"types\":[]},\"account_data\":{\"not_types\":[\"m.*\"]},"
        + "\"room\":{\"rooms\":[\"!a:x\"],\"include_leave\":true,"
        + "\"timeline\":{\"limit\":5,\"senders\":[\"@a:x\"],\"contains_url\":true},"
        + "\"state\":{\"lazy_load_members\":true,\"include_redundant_members\":true}}}");
    assertEquals(List.of("type"), filter.eventFields());
    assertTrue(filter.federationFormat());
    assertFalse(filter.presence().matchesType("m.presence"));
    assertFalse(filter.accountData().matchesType("m.direct"));
    assertTrue(filter.accountData().matchesType("org.example"));
    assertTrue(filter.room().matchesRoom("!a:x"));
    assertFalse(filter.room().matchesRoom("!b:x"));
    assertTrue(filter.room().includeLeave());
    assertEquals(5, filter.room().timeline().events().limitOr(10, 100));
    assertTrue(filter.room().timeline().matches("!a:x", "m.room.message", "@a:x", true));
    assertFalse(filter.room().timeline().matches("!a:x", "m.room.message", "@a:x", false));
    assertFalse(filter.room().timeline().matches("!a:x", "m.room.message", "@b:x", true));
    assertTrue(filter.room().state().lazyLoadMembers());
    assertTrue(filter.room().state().includeRedundantMembers());
  }

  @Test
  void parse_empty_isTheDefault() throws Exception {
    assertEquals(Filter.DEFAULT, parse("{}"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[]|M_BAD_JSON",
      "{\"room\":[]}|M_BAD_JSON",
      "{\"room\":{\"timeline\":{\"limit\":\"5\"}}}|M_BAD_JSON",
      "{\"room\":{\"timeline\":{\"limit\":0}}}|M_INVALID_PARAM",
      "{\"room\":{\"timeline\":{\"types\":[1]}}}|M_BAD_JSON",
      "{\"room\":{\"include_leave\":\"yes\"}}|M_BAD_JSON",
      "{\"event_format\":\"xml\"}|M_INVALID_PARAM",
      "{\"event_fields\":\"type\"}|M_BAD_JSON"})
  void parse_badFilters(String json, String errcode) {
    MatrixException e = assertThrows(MatrixException.class, () -> parse(json));
    assertEquals(errcode, e.errorCode().code());
  }

  @ParameterizedTest
  @CsvSource({"m.*,m.room.message,true", "m.*,org.m.x,false", "*,anything,true", "m.room.*.x,m.room.a.x,true",
      "m.room.message,m.room.message,true", "m.room.message,m.room.messages,false", "a*b*c,axxbyyc,true",
      "a*b*c,axxbyy,false"})
  void glob(String pattern, String value, boolean matches) {
    assertEquals(matches, EventFilter.glob(pattern, value));
  }

  @Test
  void notTypesWinOverTypes_andEmptyTypesMatchNothing() {
    EventFilter filter = new EventFilter(0, List.of("m.*"), List.of("m.typing"), null, List.of());
    assertTrue(filter.matchesType("m.receipt"));
    assertFalse(filter.matchesType("m.typing"));
    assertFalse(new EventFilter(0, List.of(), List.of(), null, List.of()).matchesType("m.receipt"));
  }
}
