/**
 * Outbound membership over federation: joining rooms of other servers ({@code make_join}, {@code send_join}, checking
 * the returned state and auth chain, backfilling recent history), knocking, leaving rooms this server is not in
 * (rejecting invites), and inviting other servers' users. {@link dev.larch.core.federation.join.FederatedMembership}
 * implements the {@link dev.larch.core.membership.RemoteMembership} port that {@code MembershipService} calls.
 *
 * <p>Spec: server-server API, "Joining Rooms", "Knocking upon a room", "Leaving Rooms (Rejecting Invites)",
 * "Inviting to a room", "Backfilling and retrieving missing events".
 */
package dev.larch.core.federation.join;
