package dev.larch.core.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default push rules under the evaluator. */
class PushEvaluatorTest {
  private static final String ME = "@alice:larch.test";
  private final ObjectNode rules = DefaultPushRules.forUser(ME);

  private static ObjectNode event(String json) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(json.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static PushContext room(long members) {
    return new PushContext(ME, "Alice Liddell", members, 0, Map.of());
  }

  private static ObjectNode message(String body) {
    ObjectNode event = event("{'type':'m.room.message','sender':'@bob:larch.test','room_id':'!r:larch.test',"
        + "'content':{'msgtype':'m.text'}}");
    ((ObjectNode) event.get("content")).put("body", body);
    return event;
  }

  @Test
  void default_rules_have_every_spec_rule_in_order() {
    List<String> override = ids("override");
    assertEquals(List.of(".m.rule.master", ".m.rule.suppress_notices", ".m.rule.invite_for_me",
        ".m.rule.member_event", ".m.rule.is_user_mention", ".m.rule.contains_display_name",
        ".m.rule.is_room_mention", ".m.rule.roomnotif", ".m.rule.tombstone", ".m.rule.reaction",
        ".m.rule.server_acl", ".m.rule.suppress_edits"), override);
    assertEquals(List.of(".m.rule.contains_user_name"), ids("content"));
    assertEquals("alice", rules.get("content").get(0).get("pattern").asText());
    assertEquals(List.of(".m.rule.call", ".m.rule.encrypted_room_one_to_one", ".m.rule.room_one_to_one",
        ".m.rule.message", ".m.rule.encrypted"), ids("underride"));
    assertEquals(ME, rules.get("override").get(2).get("conditions").get(2).get("pattern").asText());
  }

  private List<String> ids(String kind) {
    List<String> out = new ArrayList<>();
    for (JsonNode rule : rules.get(kind)) {
      out.add(rule.get("rule_id").asText());
    }
    return out;
  }

  @Test
  void user_mention_highlights() {
    ObjectNode event = message("hey");
    ((ObjectNode) event.get("content")).putObject("m.mentions").putArray("user_ids").add(ME);
    PushActions actions = PushEvaluator.evaluate(rules, event, room(5));
    assertEquals(".m.rule.is_user_mention", actions.ruleId());
    assertTrue(actions.notifies());
    assertTrue(actions.highlight());
  }

  @Test
  void localpart_and_display_name_in_body_highlight() {
    assertEquals(".m.rule.contains_user_name",
        PushEvaluator.evaluate(rules, message("ping alice!"), room(5)).ruleId());
    assertEquals(".m.rule.contains_display_name",
        PushEvaluator.evaluate(rules, message("hello alice liddell."), room(5)).ruleId());
    assertFalse(PushEvaluator.evaluate(rules, message("malice"), room(5)).highlight());
  }

  @Test
  void plain_message_notifies_in_one_to_one_and_group_rooms() {
    PushActions direct = PushEvaluator.evaluate(rules, message("hi"), room(2));
    assertEquals(".m.rule.room_one_to_one", direct.ruleId());
    assertTrue(direct.notifies());
    assertFalse(direct.highlight());
    assertEquals(".m.rule.message", PushEvaluator.evaluate(rules, message("hi"), room(3)).ruleId());
  }

  @Test
  void notices_edits_and_own_events_are_suppressed() {
    ObjectNode notice = message("bot");
    ((ObjectNode) notice.get("content")).put("msgtype", "m.notice");
    assertFalse(PushEvaluator.evaluate(rules, notice, room(2)).notifies());
    ObjectNode edit = message("* fixed");
    ((ObjectNode) edit.get("content")).putObject("m.relates_to").put("rel_type", "m.replace");
    assertFalse(PushEvaluator.evaluate(rules, edit, room(2)).notifies());
    ObjectNode own = message("alice");
    own.put("sender", ME);
    assertFalse(PushEvaluator.evaluate(rules, own, room(2)).notifies());
  }

  @Test
  void master_rule_disables_everything() {
    ((ObjectNode) rules.get("override").get(0)).put("enabled", true);
    ObjectNode event = message("alice");
    PushActions actions = PushEvaluator.evaluate(rules, event, room(2));
    assertEquals(".m.rule.master", actions.ruleId());
    assertFalse(actions.notifies());
  }

  @Test
  void room_mention_needs_permission() {
    ObjectNode event = message("@room look");
    assertFalse(PushEvaluator.evaluate(rules, event, room(5)).highlight());
    PushContext moderator = new PushContext(ME, null, 5, 50, Map.of());
    assertTrue(PushEvaluator.evaluate(rules, event, moderator).highlight());
  }

  @Test
  void member_count_operators_and_globs() {
    assertTrue(PushEvaluator.memberCount("==2", 2));
    assertTrue(PushEvaluator.memberCount("<3", 2));
    assertTrue(PushEvaluator.memberCount(">=2", 2));
    assertFalse(PushEvaluator.memberCount(">2", 2));
    assertFalse(PushEvaluator.memberCount("x", 2));
    assertTrue(PushEvaluator.glob("m.room.*").matcher("M.ROOM.MESSAGE").matches());
    assertFalse(PushEvaluator.glob("m.room.?").matcher("m.room.ab").matches());
    assertEquals(List.of("content", "m.mentions", "room"), PushEvaluator.splitKey("content.m\\.mentions.room"));
  }

  @Test
  void invite_for_me_notifies() {
    ObjectNode invite = event("{'type':'m.room.member','sender':'@bob:larch.test','state_key':'" + ME
        + "','content':{'membership':'invite'}}");
    assertEquals(".m.rule.invite_for_me", PushEvaluator.evaluate(rules, invite, room(5)).ruleId());
    ObjectNode join = event("{'type':'m.room.member','sender':'@bob:larch.test','state_key':'@bob:larch.test',"
        + "'content':{'membership':'join'}}");
    assertFalse(PushEvaluator.evaluate(rules, join, room(5)).notifies());
  }
}
