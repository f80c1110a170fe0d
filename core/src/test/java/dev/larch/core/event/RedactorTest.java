package dev.larch.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RedactorTest {
  private static ObjectNode json(String text) {
    return ReceivedJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode event(String type, String content) {
    return json(
        "{\"type\":\"" + type + "\",\"state_key\":\"\",\"sender\":\"@a:x\",\"room_id\":\"!r:x\",\"content\":"
            + content + "}");
  }

  private static ObjectNode redactedContent(String type, String content, RoomVersion version) {
    return (ObjectNode) Redactor.redact(event(type, content), version).get("content");
  }

  private static List<String> keys(ObjectNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    names.sort(null);
    return names;
  }

  private static final String FULL_EVENT =
      "{\"event_id\":\"$e:x\",\"type\":\"m.room.message\",\"room_id\":\"!r:x\",\"sender\":\"@a:x\","
          + "\"state_key\":\"s\",\"content\":{\"body\":\"hi\"},\"hashes\":{\"sha256\":\"h\"},"
          + "\"signatures\":{\"x\":{\"ed25519:1\":\"s\"}},\"depth\":3,\"prev_events\":[],\"prev_state\":[],"
          + "\"auth_events\":[],\"origin\":\"x\",\"origin_server_ts\":1,\"membership\":\"join\","
          + "\"unsigned\":{\"age\":1},\"redacts\":\"$o:x\",\"age_ts\":5,\"custom\":true}";

  @Test
  void redact_whenV1Algorithm_keepsOnlyProtectedTopLevelKeys() {
    ObjectNode redacted = Redactor.redact(json(FULL_EVENT), RoomVersion.V10);

    assertEquals(
        List.of(
            "auth_events", "content", "depth", "event_id", "hashes", "membership", "origin", "origin_server_ts",
            "prev_events", "prev_state", "room_id", "sender", "signatures", "state_key", "type"),
        keys(redacted));
    assertEquals(0, redacted.get("content").size());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V11", "V12"})
  void redact_whenV11Algorithm_dropsOriginMembershipAndPrevState(RoomVersion version) {
    ObjectNode redacted = Redactor.redact(json(FULL_EVENT), version);

    assertEquals(
        List.of(
            "auth_events", "content", "depth", "event_id", "hashes", "origin_server_ts", "prev_events", "room_id",
            "sender", "signatures", "state_key", "type"),
        keys(redacted));
  }

  @Test
  void redact_whenAliasesEvent_keepsAliasesBeforeV6Only() {
    String content = "{\"aliases\":[\"#a:x\"],\"other\":1}";

    assertEquals(List.of("aliases"), keys(redactedContent("m.room.aliases", content, RoomVersion.V5)));
    assertEquals(List.of(), keys(redactedContent("m.room.aliases", content, RoomVersion.V6)));
  }

  @Test
  void redact_whenJoinRules_keepsAllowFromV8() {
    String content = "{\"join_rule\":\"restricted\",\"allow\":[],\"other\":1}";

    assertEquals(List.of("join_rule"), keys(redactedContent("m.room.join_rules", content, RoomVersion.V7)));
    assertEquals(List.of("allow", "join_rule"), keys(redactedContent("m.room.join_rules", content, RoomVersion.V8)));
  }

  @Test
  void redact_whenMember_keepsJoinAuthorisedViaUsersServerFromV9() {
    String content = "{\"membership\":\"join\",\"join_authorised_via_users_server\":\"@b:y\",\"displayname\":\"A\"}";

    assertEquals(List.of("membership"), keys(redactedContent("m.room.member", content, RoomVersion.V8)));
    assertEquals(
        List.of("join_authorised_via_users_server", "membership"),
        keys(redactedContent("m.room.member", content, RoomVersion.V9)));
  }

  @Test
  void redact_whenMemberWithThirdPartyInvite_keepsOnlySignedFromV11() {
    String content =
        "{\"membership\":\"invite\",\"third_party_invite\":{\"display_name\":\"d\",\"signed\":{\"mxid\":\"@b:y\"}}}";

    assertEquals(List.of("membership"), keys(redactedContent("m.room.member", content, RoomVersion.V10)));
    ObjectNode v11 = redactedContent("m.room.member", content, RoomVersion.V11);
    assertEquals(List.of("membership", "third_party_invite"), keys(v11));
    assertEquals(json("{\"signed\":{\"mxid\":\"@b:y\"}}"), v11.get("third_party_invite"));
  }

  @Test
  void redact_whenCreate_keepsCreatorThenAllContentFromV11() {
    String content = "{\"creator\":\"@a:x\",\"room_version\":\"10\",\"m.federate\":false}";

    assertEquals(List.of("creator"), keys(redactedContent("m.room.create", content, RoomVersion.V10)));
    assertEquals(
        List.of("creator", "m.federate", "room_version"),
        keys(redactedContent("m.room.create", content, RoomVersion.V11)));
  }

  @Test
  void redact_whenPowerLevels_keepsInviteFromV11() {
    String content =
        "{\"ban\":50,\"events\":{},\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,"
            + "\"state_default\":50,\"users\":{},\"users_default\":0,\"notifications\":{\"room\":50}}";
    List<String> v1Keys =
        List.of("ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default");

    assertEquals(v1Keys, keys(redactedContent("m.room.power_levels", content, RoomVersion.V10)));
    List<String> v11Keys = new ArrayList<>(v1Keys);
    v11Keys.add("invite");
    v11Keys.sort(null);
    assertEquals(v11Keys, keys(redactedContent("m.room.power_levels", content, RoomVersion.V11)));
  }

  @Test
  void redact_whenRedaction_keepsRedactsInContentFromV11() {
    String content = "{\"redacts\":\"$o:x\",\"reason\":\"spam\"}";

    assertEquals(List.of(), keys(redactedContent("m.room.redaction", content, RoomVersion.V10)));
    assertEquals(List.of("redacts"), keys(redactedContent("m.room.redaction", content, RoomVersion.V11)));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void redact_whenHistoryVisibility_keepsItInEveryVersion(RoomVersion version) {
    assertEquals(
        List.of("history_visibility"),
        keys(redactedContent("m.room.history_visibility", "{\"history_visibility\":\"shared\",\"x\":1}", version)));
  }

  @Test
  void redact_whenContentMissingOrNotAnObject_givesEmptyContent() {
    ObjectNode missing = json("{\"type\":\"m.room.message\"}");
    ObjectNode wrong = json("{\"type\":\"m.room.message\",\"content\":[1]}");

    assertEquals(json("{\"type\":\"m.room.message\",\"content\":{}}"), Redactor.redact(missing, RoomVersion.V10));
    assertEquals(json("{\"type\":\"m.room.message\",\"content\":{}}"), Redactor.redact(wrong, RoomVersion.V10));
  }

  @Test
  void redact_whenResultChanged_leavesInputUntouched() {
    ObjectNode original = event("m.room.member", "{\"membership\":\"join\"}");
    original.putObject("signatures").putObject("x").put("ed25519:1", "s");
    ObjectNode before = original.deepCopy();

    ObjectNode redacted = Redactor.redact(original, RoomVersion.V10);
    ((ObjectNode) redacted.get("signatures").get("x")).put("ed25519:2", "t");
    ((ObjectNode) redacted.get("content")).put("membership", "leave");

    assertEquals(before, original);
    assertTrue(redacted.get("signatures").get("x").has("ed25519:2"));
    assertFalse(original.get("signatures").get("x").has("ed25519:2"));
  }
}
