package dev.larch.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.id.ServerName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A room's server access control list, from its {@code m.room.server_acl} state event.
 *
 * <p>Spec: client-server API, {@code m.room.server_acl} and "Server Access Control Lists (ACLs) for rooms";
 * server-server API, "Server Access Control Lists (ACLs)"; appendices, "Glob-style matching" ({@code *} matches
 * zero or more characters, {@code ?} exactly one). Matching ignores the server's port and, as clarified in spec
 * v1.19 (MSC4436), letter case. The ACL applies at the network layer, not in the auth rules.
 */
public final class ServerAcl {
  /** The ACL of a room without an {@code m.room.server_acl} event: every server is allowed. */
  public static final ServerAcl NONE = new ServerAcl(false, true, List.of(), List.of());

  private final boolean present;
  private final boolean allowIpLiterals;
  private final List<String> allow;
  private final List<String> deny;

  private ServerAcl(boolean present, boolean allowIpLiterals, List<String> allow, List<String> deny) {
    this.present = present;
    this.allowIpLiterals = allowIpLiterals;
    this.allow = allow;
    this.deny = deny;
  }

  /**
   * The ACL given by an {@code m.room.server_acl} content. Missing or mistyped properties take their defaults:
   * {@code allow_ip_literals} true, {@code allow} and {@code deny} empty; entries that are not strings are ignored.
   */
  public static ServerAcl fromContent(ObjectNode content) {
    JsonNode ipLiterals = content.get("allow_ip_literals");
    boolean allowIpLiterals = ipLiterals == null || !ipLiterals.isBoolean() || ipLiterals.booleanValue();
    return new ServerAcl(true, allowIpLiterals, globs(content.get("allow")), globs(content.get("deny")));
  }

  /** The ACL of a room whose state is {@code state}: {@link #NONE} when it has no {@code m.room.server_acl}. */
  public static ServerAcl fromState(Map<StateKey, Pdu> state) {
    return of(Optional.ofNullable(state.get(StateKey.of(EventTypes.SERVER_ACL, ""))));
  }

  /** The ACL given by the room's {@code m.room.server_acl} event, or {@link #NONE} if it has none. */
  public static ServerAcl of(Optional<Pdu> aclEvent) {
    return aclEvent.map(event -> fromContent(event.content())).orElse(NONE);
  }

  /**
   * Whether {@code serverName} may take part in the room. A string that is not a server name is denied whenever an
   * ACL exists.
   */
  public boolean allows(String serverName) {
    if (!present) {
      return true;
    }
    return ServerName.tryParse(serverName).map(this::allows).orElse(false);
  }

  /** Whether {@code serverName} may take part in the room, by the spec's five steps. */
  public boolean allows(ServerName serverName) {
    // 1. If there is no m.room.server_acl event in the room state, allow.
    if (!present) {
      return true;
    }
    // 2. If the server name is an IP literal and allow_ip_literals is false, deny.
    if (serverName.isIpLiteral() && !allowIpLiterals) {
      return false;
    }
    // The port is never considered.
    String host = serverName.hostname().toLowerCase(Locale.ROOT);
    // 3. If the server name matches an entry in the deny list, deny.
    for (String glob : deny) {
      if (globMatches(glob, host)) {
        return false;
      }
    }
    // 4. If the server name matches an entry in the allow list, allow.
    for (String glob : allow) {
      if (globMatches(glob, host)) {
        return true;
      }
    }
    // 5. Otherwise, deny.
    return false;
  }

  private static List<String> globs(JsonNode list) {
    List<String> globs = new ArrayList<>();
    if (list != null && list.isArray()) {
      for (JsonNode entry : list) {
        if (entry.isTextual()) {
          globs.add(entry.textValue().toLowerCase(Locale.ROOT));
        }
      }
    }
    return List.copyOf(globs);
  }

  /**
   * Whether {@code text} matches {@code glob} in full, {@code *} standing for any run of characters and {@code ?}
   * for exactly one. Linear backtracking to the last {@code *} keeps the cost at O(glob × text) for any input.
   */
  static boolean globMatches(String glob, String text) {
    int[] pattern = glob.codePoints().toArray();
    int[] subject = text.codePoints().toArray();
    int p = 0;
    int s = 0;
    int starAt = -1;
    int resumeAt = 0;
    while (s < subject.length) {
      if (p < pattern.length && (pattern[p] == '?' || pattern[p] == subject[s])) {
        p++;
        s++;
      } else if (p < pattern.length && pattern[p] == '*') {
        starAt = p++;
        resumeAt = s;
      } else if (starAt >= 0) {
        // Let the last * swallow one more character and retry from there.
        p = starAt + 1;
        s = ++resumeAt;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] == '*') {
      p++;
    }
    return p == pattern.length;
  }
}
