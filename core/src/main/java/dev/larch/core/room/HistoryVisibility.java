package dev.larch.core.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which events of a room a user may see. Spec: client-server API, "History visibility", server behaviour:
 *
 * <ol>
 *   <li>If {@code history_visibility} was {@code world_readable}, allow.
 *   <li>If the user's membership was {@code join}, allow.
 *   <li>If {@code history_visibility} was {@code shared} and the user joined the room at any point after the event
 *       was sent, allow.
 *   <li>If the user's membership was {@code invite} and {@code history_visibility} was {@code invited}, allow.
 *   <li>Otherwise, deny.
 * </ol>
 *
 * <p>"Was" means in the room state at the event (the state after it, so a user sees their own join). A missing
 * {@code m.room.history_visibility} reads as {@code shared}, a missing membership as {@code leave}. Rule 3 holds for
 * a user who is joined now, and for a user who left after being joined, for the events up to their leave.
 *
 * <p>Fast path: a user joined now sees every event from their current join on without a state lookup, which is
 * what {@code /sync} and recent {@code /messages} ask about nearly always.
 */
public final class HistoryVisibility {
  static final String WORLD_READABLE = "world_readable";
  static final String SHARED = "shared";
  static final String INVITED = "invited";

  private final RoomStore store;

  public HistoryVisibility(RoomStore store) {
    this.store = store;
  }

  /**
   * Where a user stands in a room now, which bounds what they may read.
   *
   * @param membership the current membership, or null if the user never had one
   * @param membershipPosition the stream position of the current membership event (0 if none)
   * @param membershipEventId the current membership event, or null
   * @param joinedBefore for a user who left or was banned: whether they were joined just before
   */
  public record Viewer(
      String userId, String roomId, String membership, long membershipPosition, String membershipEventId,
      boolean joinedBefore) {
    public boolean isJoined() {
      return "join".equals(membership);
    }

    /** Whether the user left (or was banned) after being joined: they may read up to that point. */
    public boolean leftAfterJoining() {
      return ("leave".equals(membership) || "ban".equals(membership)) && joinedBefore;
    }
  }

  /** The user's standing in the room now. */
  public Viewer viewer(String userId, String roomId) {
    Optional<StoredEvent> member = store.currentStateEventId(roomId, StateKey.of("m.room.member", userId))
        .flatMap(store::event);
    if (member.isEmpty()) {
      return new Viewer(userId, roomId, null, 0, null, false);
    }
    String membership = member.get().pdu().membership();
    boolean joinedBefore = false;
    if ("leave".equals(membership) || "ban".equals(membership)) {
      joinedBefore = store.stateBefore(member.get().eventId())
          .map(state -> membershipIn(state, userId))
          .map("join"::equals)
          .orElse(false);
    }
    return new Viewer(userId, roomId, membership, member.get().streamPosition(), member.get().eventId(),
        joinedBefore);
  }

  /** The current {@code history_visibility} of the room. */
  public String current(String roomId) {
    return store.currentStateEventId(roomId, StateKey.of("m.room.history_visibility", ""))
        .flatMap(store::event)
        .map(e -> visibilityOf(e.pdu()))
        .orElse(SHARED);
  }

  /** The events {@code viewer} may see, in the order given. */
  public List<StoredEvent> filter(Viewer viewer, List<StoredEvent> events) {
    List<StoredEvent> visible = new ArrayList<>(events.size());
    for (StoredEvent event : events) {
      if (canSee(viewer, event)) {
        visible.add(event);
      }
    }
    return visible;
  }

  /** Whether {@code viewer} may see {@code event}. */
  public boolean canSee(Viewer viewer, StoredEvent event) {
    if (!viewer.roomId().equals(event.pdu().roomId()) || !event.status().visibleToClients()) {
      return false;
    }
    if (viewer.isJoined() && event.streamPosition() >= viewer.membershipPosition()) {
      return true;
    }
    Optional<Map<StateKey, String>> state = store.stateAfter(event.eventId());
    if (state.isEmpty()) {
      return false;
    }
    String visibility = Optional.ofNullable(state.get().get(StateKey.of("m.room.history_visibility", "")))
        .flatMap(store::event)
        .map(e -> visibilityOf(e.pdu()))
        .orElse(SHARED);
    String membership = membershipIn(state.get(), viewer.userId());
    // 1.
    if (WORLD_READABLE.equals(visibility)) {
      return true;
    }
    // 2.
    if ("join".equals(membership)) {
      return true;
    }
    // 3.
    if (SHARED.equals(visibility)
        && (viewer.isJoined()
            || (viewer.leftAfterJoining() && event.streamPosition() <= viewer.membershipPosition()))) {
      return true;
    }
    // 4.
    return "invite".equals(membership) && INVITED.equals(visibility);
  }

  private String membershipIn(Map<StateKey, String> state, String userId) {
    return Optional.ofNullable(state.get(StateKey.of("m.room.member", userId)))
        .flatMap(store::event)
        .map(e -> e.pdu().membership())
        .orElse("leave");
  }

  static String visibilityOf(Pdu event) {
    JsonNode value = event.content().get("history_visibility");
    return value != null && value.isTextual() ? value.textValue() : SHARED;
  }
}
