package dev.larch.core.federation.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class XMatrixTest {
  @Test
  void formatThenParseGivesTheSameHeader() {
    XMatrix header = new XMatrix("origin.example", "dest.example:8448", "ed25519:a_1", "c2lnbmF0dXJl");
    assertEquals(Optional.of(header), XMatrix.parse(header.format()));
  }

  @Test
  void parsesTheSpecExampleWithBareAndQuotedValuesAndSpaces() {
    XMatrix header = XMatrix.parse(
        "x-matrix origin=origin.hs.example.com , destination=\"destination.hs.example.com\",key=\"ed25519:key1\","
            + "sig=\"ABCDEF\"").orElseThrow();
    assertEquals("origin.hs.example.com", header.origin());
    assertEquals("destination.hs.example.com", header.destination());
    assertEquals("ed25519:key1", header.keyId());
    assertEquals("ABCDEF", header.signature());
  }

  @Test
  void destinationIsOptionalAndEscapesAreUndone() {
    XMatrix header = XMatrix.parse("X-Matrix origin=\"a\\\"b\",key=\"ed25519:k\",sig=\"s\"").orElseThrow();
    assertEquals("a\"b", header.origin());
    assertNull(header.destination());
  }

  @Test
  void refusesOtherSchemesMissingPartsRepeatsAndUnclosedQuotes() {
    assertTrue(XMatrix.parse("Bearer abc").isEmpty());
    assertTrue(XMatrix.parse("X-Matrixorigin=a,key=k,sig=s").isEmpty());
    assertTrue(XMatrix.parse("X-Matrix origin=a,key=k").isEmpty());
    assertTrue(XMatrix.parse("X-Matrix origin=a,origin=b,key=k,sig=s").isEmpty());
    assertTrue(XMatrix.parse("X-Matrix origin=\"a,key=k,sig=s").isEmpty());
    assertTrue(XMatrix.parse("X-Matrix garbage").isEmpty());
    assertTrue(XMatrix.parse(null).isEmpty());
  }
}
