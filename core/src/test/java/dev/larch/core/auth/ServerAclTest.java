package dev.larch.core.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.Pdu;
import dev.larch.core.id.ServerName;
import dev.larch.core.room.RoomVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** m.room.server_acl matching: the spec's five steps, glob patterns, ports ignored, case-insensitive. */
class ServerAclTest {
  private static ServerAcl acl(String content) {
    return ServerAcl.fromContent(RoomFixture.json(content));
  }

  @Test
  void allows_noAclEvent_everyone() {
    assertTrue(ServerAcl.NONE.allows("evil.example"));
    assertTrue(ServerAcl.NONE.allows("1.2.3.4"));
    assertTrue(ServerAcl.of(Optional.empty()).allows("anything"));
  }

  @Test
  void allows_emptyAcl_nobody() {
    assertFalse(acl("{}").allows("good.example"));
  }

  @Test
  void allows_denyBeforeAllow() {
    ServerAcl acl = acl("{'allow': ['*'], 'deny': ['evil.example', '*.evil.example']}");
    assertFalse(acl.allows("evil.example"));
    assertFalse(acl.allows("sub.evil.example"));
    assertTrue(acl.allows("good.example"));
    assertTrue(acl.allows("notevil.example"));
  }

  @Test
  void allows_onlyAllowListed() {
    ServerAcl acl = acl("{'allow': ['*.trusted.example', 'partner.example']}");
    assertTrue(acl.allows("a.trusted.example"));
    assertTrue(acl.allows("partner.example"));
    assertFalse(acl.allows("trusted.example"));
    assertFalse(acl.allows("partner.example.evil"));
  }

  @Test
  void allows_questionMarkMatchesExactlyOneCharacter() {
    ServerAcl acl = acl("{'allow': ['server?.example']}");
    assertTrue(acl.allows("server1.example"));
    assertFalse(acl.allows("server.example"));
    assertFalse(acl.allows("server12.example"));
  }

  @Test
  void allows_portIgnored() {
    ServerAcl acl = acl("{'allow': ['*'], 'deny': ['evil.example']}");
    assertFalse(acl.allows("evil.example:8448"));
    assertFalse(acl.allows("evil.example:1234"));
    assertTrue(acl("{'allow': ['good.example']}").allows("good.example:8448"));
  }

  @Test
  void allows_caseInsensitive() {
    assertFalse(acl("{'allow': ['*'], 'deny': ['EVIL.example']}").allows("evil.EXAMPLE"));
    assertTrue(acl("{'allow': ['Good.Example']}").allows("good.example"));
  }

  @Test
  void allows_ipLiteralsWhenDisallowed_denied() {
    ServerAcl acl = acl("{'allow': ['*'], 'allow_ip_literals': false}");
    assertFalse(acl.allows("1.2.3.4"));
    assertFalse(acl.allows("1.2.3.4:8448"));
    assertFalse(acl.allows("[::1]"));
    assertTrue(acl.allows("good.example"));
  }

  @Test
  void allows_ipLiteralsByDefaultOrNonBoolean_allowed() {
    assertTrue(acl("{'allow': ['*']}").allows("1.2.3.4"));
    assertTrue(acl("{'allow': ['*'], 'allow_ip_literals': 'false'}").allows("1.2.3.4"));
    assertTrue(acl("{'allow': ['1.2.3.*']}").allows("1.2.3.4"));
  }

  @Test
  void allows_malformedListsAndEntries_ignored() {
    assertFalse(acl("{'allow': '*'}").allows("good.example"));
    assertTrue(acl("{'allow': [42, '*'], 'deny': {'x': 'y'}}").allows("good.example"));
  }

  @Test
  void allows_invalidServerNameWithAcl_denied() {
    assertFalse(acl("{'allow': ['*']}").allows("not a server"));
    assertFalse(acl("{'allow': ['*']}").allows((String) null));
  }

  @Test
  void allows_serverNameType_sameAsString() {
    assertFalse(acl("{'allow': ['*'], 'deny': ['evil.example']}").allows(ServerName.parse("evil.example:1")));
  }

  @Test
  void fromState_usesAclEvent() {
    RoomFixture room = RoomFixture.standard(RoomVersion.V10, "public");
    assertTrue(ServerAcl.fromState(room.state).allows("evil.example"));
    Pdu event = room.stateEvent("m.room.server_acl", "").content("{'allow': ['*'], 'deny': ['evil.example']}").apply();
    assertFalse(ServerAcl.fromState(room.state).allows("evil.example"));
    assertFalse(ServerAcl.of(Optional.of(event)).allows("evil.example"));
  }

  @Test
  void globMatches_starsAndBacktracking() {
    assertTrue(ServerAcl.globMatches("*", ""));
    assertTrue(ServerAcl.globMatches("a*b*c", "aXbYbZc"));
    assertFalse(ServerAcl.globMatches("a*b*c", "aXbYbZ"));
    assertTrue(ServerAcl.globMatches("**.x", "a.x"));
    assertFalse(ServerAcl.globMatches("", "a"));
    // A pathological pattern still finishes quickly.
    assertFalse(ServerAcl.globMatches("*a*a*a*a*a*a*a*a*b", "a".repeat(5000)));
  }
}
