package dev.larch.core.room;

/**
 * The outcome of {@link RoomStore#persist}.
 *
 * @param eventId the stored event: the one persisted, or the one an earlier use of the same client transaction ID
 *     produced
 * @param streamPosition its stream position, or 0 for an outlier
 * @param alreadyStored true if nothing was written because the event (or the transaction ID) was already stored
 */
public record PersistResult(String eventId, long streamPosition, boolean alreadyStored) {}
