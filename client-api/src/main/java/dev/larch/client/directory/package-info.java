/**
 * The room directory ({@code /directory/list/room}, {@code /publicRooms}) and the user directory
 * ({@code /user_directory/search}) over HTTP.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#listing-rooms">client-server API v1.11,
 * "Listing rooms"</a> and "User directory".
 */
package dev.larch.client.directory;
