package dev.larch.core.directory;

import dev.larch.core.event.StateKey;
import java.util.List;
import java.util.Map;

/**
 * Port: which rooms this server publishes in its room directory, and one read the user directory needs across
 * rooms. Every method is one transaction.
 *
 * <p>Spec: client-server API v1.11, {@code GET/PUT /directory/list/room/{roomId}}.
 */
public interface RoomDirectoryStore {
  /** Publishes ({@code true}) or unpublishes the room; setting what is already set changes nothing. */
  void setPublished(String roomId, boolean published);

  /** Whether the room is published. */
  boolean isPublished(String roomId);

  /** Every published room, in no particular order. */
  List<String> publishedRooms();

  /**
   * The event ID in one slot of the current state of every room that has it, room ID to event ID (for example the
   * join rules of every room, to find the publicly joinable ones).
   */
  Map<String, String> currentStateAcrossRooms(StateKey slot);
}
