package dev.larch.core.federation.send;

/**
 * An accepted event of the event stream, as {@link EventStreamReader} lists it for the sender.
 *
 * @param streamPosition its position in the event stream
 * @param state whether it is a state event (it has a {@code state_key})
 */
public record StreamEvent(String eventId, String roomId, String sender, long streamPosition, boolean state) {}
