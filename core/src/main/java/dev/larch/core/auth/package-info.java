/**
 * The authorization rules of room versions 1–12, the auth events selection, power levels and server ACLs.
 *
 * <p>Spec: room versions, "Authorization rules"; server-server API, "Auth events selection", "Checks performed on
 * receipt of a PDU" and "Server Access Control Lists"; client-server API, {@code m.room.power_levels} and
 * {@code m.room.server_acl}.
 *
 * <p>{@link dev.larch.core.auth.AuthRules} is the entry point. The rules are split by event type
 * ({@code CreateRules}, {@code MembershipRules}, {@code ThirdPartyInviteRules}, {@code PowerLevelsRules},
 * {@code RedactionRules}), each following the spec's numbered steps in order. Every outcome is an
 * {@link dev.larch.core.auth.AuthResult}: malformed content rejects, it never throws.
 */
package dev.larch.core.auth;
