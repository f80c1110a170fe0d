/**
 * Room membership of local users: join, invite, leave, forget, kick, ban, unban, knock. Spec: client-server API,
 * "Room membership". The auth rules decide; {@link dev.larch.core.membership.MembershipService} turns requests into
 * {@code m.room.member} events through the room's event sender.
 */
package dev.larch.core.membership;
