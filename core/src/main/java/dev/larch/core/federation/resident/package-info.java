/**
 * The resident side of federation: this server answering other servers about rooms it is in. Joins, leaves and
 * knocks of their users ({@code make_*}/{@code send_*}), invites of our users ({@code /invite}), and the checks
 * every such request passes first ({@link dev.larch.core.federation.resident.RoomAccess}: the room is here, the
 * origin is not banned by the room's server ACL, the user belongs to the origin).
 */
package dev.larch.core.federation.resident;
