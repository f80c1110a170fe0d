/**
 * Rooms: the storage port ({@link dev.larch.core.room.RoomStore}), room versions, and the client-facing room
 * services.
 *
 * <p>Spec: client-server API, "Rooms", "Room events", "Pagination", "History visibility"; server-server API, "PDUs".
 * The "client send" flow: {@link dev.larch.core.room.EventSender} takes the room's lock
 * ({@link dev.larch.core.room.RoomLocks}), reads the forward extremities and the state after them,
 * {@link dev.larch.core.room.EventBuilder} builds, signs and authorizes the event, the store persists it in one
 * transaction, and the {@link dev.larch.core.event.RoomEventListener}s are told. {@link
 * dev.larch.core.room.RoomService} creates rooms and writes into them, {@link dev.larch.core.room.RoomReadService}
 * reads them through {@link dev.larch.core.room.HistoryVisibility}, and {@link dev.larch.core.room.ClientEvents}
 * formats events for clients. {@link dev.larch.core.room.PaginationToken} is the token format shared with
 * {@code /sync}.
 */
package dev.larch.core.room;
