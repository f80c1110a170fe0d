package dev.larch.server.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VerifyEventToolTest {
  private static final SigningKey KEY = SigningKey.fromSeed(seed(3));
  private static final SigningKey OTHER = SigningKey.fromSeed(seed(4));
  private static final String KEY_B64 = UnpaddedBase64.encode(KEY.publicKey());
  private static final String OTHER_B64 = UnpaddedBase64.encode(OTHER.publicKey());

  private static byte[] seed(int value) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) value);
    return seed;
  }

  private static Pdu signed(RoomVersion version) {
    ObjectNode event =
        ReceivedJson.parseObject(
            ("{\"type\":\"m.room.message\",\"content\":{\"body\":\"hi\"},\"room_id\":\"!r:x\",\"sender\":\"@a:x\","
                    + "\"origin_server_ts\":1,\"depth\":2,\"prev_events\":[],\"auth_events\":[]}")
                .getBytes(StandardCharsets.UTF_8));
    return new EventSigner("x", "ed25519:k", KEY).hashAndSign(event, version);
  }

  private static JsonNode report(ToolRun run) throws Exception {
    assertEquals(1, run.out().lines().count(), run.out());
    return JsonMapper.shared().readTree(run.out());
  }

  @Test
  void run_whenValidEvent_reportsOkAndExits0() throws Exception {
    Pdu pdu = signed(RoomVersion.V10);

    ToolRun run = ToolRun.of(VerifyEventTool::run, pdu.json().toString(), "--key", KEY_B64);

    assertEquals(0, run.exitCode(), run.err());
    JsonNode report = report(run);
    assertEquals(pdu.eventId(), report.get("event_id").textValue());
    assertEquals("ok", report.get("content_hash").textValue());
    assertEquals(
        JsonMapper.shared().readTree("[{\"server\":\"x\",\"key_id\":\"ed25519:k\",\"verdict\":\"ok\"}]"),
        report.get("signatures"));
    assertTrue(report.get("valid").booleanValue());
  }

  @Test
  void run_whenOneOfSeveralKeysMatches_isValid() throws Exception {
    ToolRun run =
        ToolRun.of(VerifyEventTool::run, signed(RoomVersion.V10).json().toString(), "--key", OTHER_B64, "--key=" + KEY_B64);

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(report(run).get("valid").booleanValue());
  }

  @Test
  void run_whenWrongKey_reportsBadAndExits1() throws Exception {
    ToolRun run = ToolRun.of(VerifyEventTool::run, signed(RoomVersion.V10).json().toString(), "--key", OTHER_B64);

    assertEquals(1, run.exitCode());
    JsonNode report = report(run);
    assertEquals("bad", report.get("signatures").get(0).get("verdict").textValue());
    assertFalse(report.get("valid").booleanValue());
  }

  @Test
  void run_whenContentTampered_reportsMismatchAndExits1() throws Exception {
    ObjectNode json = signed(RoomVersion.V10).json();
    ((ObjectNode) json.get("content")).put("body", "changed");

    ToolRun run = ToolRun.of(VerifyEventTool::run, json.toString(), "--key", KEY_B64);

    assertEquals(1, run.exitCode());
    JsonNode report = report(run);
    assertEquals("mismatch", report.get("content_hash").textValue());
    assertEquals("ok", report.get("signatures").get(0).get("verdict").textValue());
  }

  @Test
  void run_whenNoHashes_reportsMissing() throws Exception {
    ObjectNode json = signed(RoomVersion.V10).json();
    json.remove("hashes");

    ToolRun run = ToolRun.of(VerifyEventTool::run, json.toString(), "--key", KEY_B64);

    assertEquals(1, run.exitCode());
    assertEquals("missing", report(run).get("content_hash").textValue());
  }

  @Test
  void run_whenRoomVersionGiven_usesItsRedactionRules() throws Exception {
    // Signed under v11 rules, which do not protect "origin"; the default (v10) rules do, so there it fails.
    ObjectNode withOrigin = signed(RoomVersion.V10).json();
    withOrigin.put("origin", "x");
    Pdu pdu = new EventSigner("x", "ed25519:k", KEY).hashAndSign(withOrigin, RoomVersion.V11);

    ToolRun v11 = ToolRun.of(VerifyEventTool::run, pdu.json().toString(), "--key", KEY_B64, "--room-version", "11");
    ToolRun v10 = ToolRun.of(VerifyEventTool::run, pdu.json().toString(), "--key", KEY_B64);

    assertEquals(0, v11.exitCode(), v11.err());
    assertEquals(pdu.eventId(), report(v11).get("event_id").textValue());
    assertEquals(1, v10.exitCode());
    assertEquals("bad", report(v10).get("signatures").get(0).get("verdict").textValue());
  }

  @Test
  void run_whenServerFilterMatchesNothing_isInvalid() throws Exception {
    ToolRun run =
        ToolRun.of(VerifyEventTool::run, signed(RoomVersion.V10).json().toString(), "--key", KEY_B64, "--server", "y");

    assertEquals(1, run.exitCode());
    assertEquals(0, report(run).get("signatures").size());
  }

  @Test
  void run_whenKeyIdFilterMatches_checksOnlyThatSignature() throws Exception {
    ObjectNode json = signed(RoomVersion.V10).json();
    ((ObjectNode) json.get("signatures").get("x")).put("ed25519:other", "AAAA");

    ToolRun all = ToolRun.of(VerifyEventTool::run, json.toString(), "--key", KEY_B64);
    ToolRun filtered = ToolRun.of(VerifyEventTool::run, json.toString(), "--key", KEY_B64, "--key-id", "ed25519:k");

    assertEquals(1, all.exitCode());
    assertEquals(0, filtered.exitCode(), filtered.err());
    assertEquals(1, report(filtered).get("signatures").size());
  }

  @Test
  void run_whenUsageOrInputBad_exits2WithOneLine() {
    String event = signed(RoomVersion.V10).json().toString();
    ToolRun[] runs = {
      ToolRun.of(VerifyEventTool::run, event),
      ToolRun.of(VerifyEventTool::run, event, "--key", "!!"),
      ToolRun.of(VerifyEventTool::run, event, "--key", "AAAA"),
      ToolRun.of(VerifyEventTool::run, event, "--key"),
      ToolRun.of(VerifyEventTool::run, event, "--key", KEY_B64, "--room-version", "99"),
      ToolRun.of(VerifyEventTool::run, event, "--key", KEY_B64, "--key-id", "rsa:1"),
      ToolRun.of(VerifyEventTool::run, event, "--key", KEY_B64, "--bogus"),
      ToolRun.of(VerifyEventTool::run, "not json", "--key", KEY_B64),
      ToolRun.of(VerifyEventTool::run, "[1]", "--key", KEY_B64),
      ToolRun.of(VerifyEventTool::run, event, "--key", KEY_B64, "--room-version", "1"),
    };
    for (ToolRun run : runs) {
      assertEquals(2, run.exitCode(), run.err());
      assertEquals("", run.out());
      assertTrue(run.err().startsWith("verify-event: "), run.err());
      assertEquals(1, run.err().lines().count(), run.err());
    }
  }
}
