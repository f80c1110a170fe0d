package dev.larch.core.room;

/**
 * A user's membership of a room in the room's current state. Spec: client-server API, "Room membership".
 *
 * @param membership {@code join}, {@code invite}, {@code leave}, {@code ban} or {@code knock}
 * @param eventId the {@code m.room.member} event that set it
 * @param streamPosition that event's stream position, or 0 if it is an outlier (e.g. an invite over federation)
 */
public record Membership(String roomId, String userId, String membership, String eventId, long streamPosition) {}
