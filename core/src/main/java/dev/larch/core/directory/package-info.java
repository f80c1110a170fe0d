/**
 * Room and user discovery: the public room directory (which rooms are published, {@code /publicRooms} with its
 * filter and pagination, other servers' lists behind {@link dev.larch.core.directory.RemotePublicRooms}) and the
 * user directory search (profiles from the rooms a user can see, plus {@link dev.larch.core.directory.RemoteProfiles}).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#listing-rooms">client-server API v1.11,
 * "Listing rooms"</a> and <a href="https://spec.matrix.org/v1.11/client-server-api/#user-directory">"User
 * directory"</a>.
 */
package dev.larch.core.directory;
