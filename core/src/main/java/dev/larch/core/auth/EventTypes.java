package dev.larch.core.auth;

/** The event types, memberships and join rules the auth rules name (spec: client-server API, "Room events"). */
final class EventTypes {
  static final String CREATE = "m.room.create";
  static final String MEMBER = "m.room.member";
  static final String JOIN_RULES = "m.room.join_rules";
  static final String POWER_LEVELS = "m.room.power_levels";
  static final String THIRD_PARTY_INVITE = "m.room.third_party_invite";
  static final String ALIASES = "m.room.aliases";
  static final String REDACTION = "m.room.redaction";
  static final String SERVER_ACL = "m.room.server_acl";

  static final String JOIN = "join";
  static final String INVITE = "invite";
  static final String LEAVE = "leave";
  static final String BAN = "ban";
  static final String KNOCK = "knock";

  static final String PUBLIC = "public";
  static final String RESTRICTED = "restricted";
  static final String KNOCK_RESTRICTED = "knock_restricted";

  private EventTypes() {}
}
