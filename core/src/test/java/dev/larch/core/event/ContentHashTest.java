package dev.larch.core.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.Test;

class ContentHashTest {
  private static ObjectNode json(String text) {
    return ReceivedJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  private static final String EVENT =
      "{\"type\":\"m.room.message\",\"content\":{\"body\":\"hi\"},\"hashes\":{\"sha256\":\"old\",\"sha512\":\"x\"},"
          + "\"signatures\":{\"x\":{}},\"unsigned\":{\"age\":3},\"depth\":1}";

  @Test
  void compute_whenEventHasUnsignedSignaturesHashes_hashesTheRestCanonically() throws NoSuchAlgorithmException {
    byte[] expected =
        MessageDigest.getInstance("SHA-256")
            .digest(
                "{\"content\":{\"body\":\"hi\"},\"depth\":1,\"type\":\"m.room.message\"}"
                    .getBytes(StandardCharsets.UTF_8));

    assertArrayEquals(expected, ContentHash.compute(json(EVENT), RoomVersion.V10));
  }

  @Test
  void add_whenOtherAlgorithmsPresent_replacesSha256AndKeepsThem() {
    ObjectNode event = json(EVENT);

    ContentHash.add(event, RoomVersion.V10);

    assertEquals(
        UnpaddedBase64.encode(ContentHash.compute(event, RoomVersion.V10)), event.get("hashes").get("sha256").textValue());
    assertEquals("x", event.get("hashes").get("sha512").textValue());
    assertEquals(ContentHash.Verdict.OK, ContentHash.check(event, RoomVersion.V10));
  }

  @Test
  void check_whenContentTampered_isMismatch() {
    ObjectNode event = json(EVENT);
    ContentHash.add(event, RoomVersion.V10);

    ((ObjectNode) event.get("content")).put("body", "bye");

    assertEquals(ContentHash.Verdict.MISMATCH, ContentHash.check(event, RoomVersion.V10));
  }

  @Test
  void check_whenOnlyUnsignedChanged_isOk() {
    ObjectNode event = json(EVENT);
    ContentHash.add(event, RoomVersion.V10);

    ((ObjectNode) event.get("unsigned")).put("age", 999);

    assertEquals(ContentHash.Verdict.OK, ContentHash.check(event, RoomVersion.V10));
  }

  @Test
  void check_whenHashAbsentOrNotAString_isMissing() {
    assertEquals(ContentHash.Verdict.MISSING, ContentHash.check(json("{\"type\":\"t\"}"), RoomVersion.V10));
    assertEquals(
        ContentHash.Verdict.MISSING, ContentHash.check(json("{\"hashes\":{\"sha256\":1}}"), RoomVersion.V10));
  }

  @Test
  void check_whenHashNotBase64OrEventNotCanonical_isMismatch() {
    assertEquals(
        ContentHash.Verdict.MISMATCH, ContentHash.check(json("{\"hashes\":{\"sha256\":\"!!\"}}"), RoomVersion.V10));
    ObjectNode floaty = json("{\"content\":{\"n\":1.5}}");
    ContentHash.add(floaty, RoomVersion.V5);

    assertEquals(ContentHash.Verdict.OK, ContentHash.check(floaty, RoomVersion.V5));
    assertEquals(ContentHash.Verdict.MISMATCH, ContentHash.check(floaty, RoomVersion.V6));
  }
}
