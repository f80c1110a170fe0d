package dev.larch.core.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.room.StoredEvent;
import java.util.List;
import java.util.Map;

/**
 * What one {@code /sync} returns, before it becomes JSON: room events stay {@link StoredEvent}s, so the client API
 * formats them for the requesting device (client format, {@code event_fields}, {@code unsigned}).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv3sync">client-server API
 * v1.11, {@code GET /sync}</a> (response shape).
 *
 * @param nextBatch the token for the next incremental sync
 * @param join joined rooms by room ID
 * @param invite rooms the user is invited to
 * @param leave rooms the user left or was removed from since the token
 * @param knock rooms the user has knocked on
 * @param accountData global account data events ({@code type} and {@code content})
 * @param presence {@code m.presence} events
 * @param device to-device messages, device lists and key counts (end-to-end encryption)
 */
public record SyncResult(
    SyncToken nextBatch,
    Map<String, JoinedRoom> join,
    Map<String, InvitedRoom> invite,
    Map<String, LeftRoom> leave,
    Map<String, KnockedRoom> knock,
    List<ObjectNode> accountData,
    List<ObjectNode> presence,
    DeviceSync device) {

  /** A result without an end-to-end encryption part. */
  public SyncResult(SyncToken nextBatch, Map<String, JoinedRoom> join, Map<String, InvitedRoom> invite,
      Map<String, LeftRoom> leave, Map<String, KnockedRoom> knock, List<ObjectNode> accountData,
      List<ObjectNode> presence) {
    this(nextBatch, join, invite, leave, knock, accountData, presence, DeviceSync.none(nextBatch.toDevice()));
  }

  /** Whether there is nothing to tell the client, so a long-poll should keep waiting. */
  public boolean isEmpty() {
    return join.isEmpty() && invite.isEmpty() && leave.isEmpty() && knock.isEmpty() && accountData.isEmpty()
        && presence.isEmpty() && device.isEmpty();
  }

  /**
   * A room's timeline part.
   *
   * @param events oldest first
   * @param limited whether events between the token (or the room's start) and the first of these were left out
   * @param prevBatch a {@code /messages?dir=b} token for the events before the first one
   */
  public record Timeline(List<StoredEvent> events, boolean limited, String prevBatch) {}

  /**
   * Counts and heroes of a room's summary.
   *
   * @param heroes up to five other members, for rooms without a name
   */
  public record Summary(List<String> heroes, long joinedMemberCount, long invitedMemberCount) {}

  /**
   * A joined room.
   *
   * @param state state events between the token and the timeline's start (full state on a first sync of the room)
   * @param ephemeral {@code m.typing} and {@code m.receipt} events
   * @param accountData the room's account data events
   * @param summary the summary, or null when unchanged
   */
  public record JoinedRoom(
      Timeline timeline, List<StoredEvent> state, List<ObjectNode> ephemeral, List<ObjectNode> accountData,
      Summary summary) {}

  /** A room left (or been kicked or banned from) since the token: the timeline ends at the leave. */
  public record LeftRoom(Timeline timeline, List<StoredEvent> state, List<ObjectNode> accountData) {}

  /** An invite: stripped state events ({@code type}, {@code state_key}, {@code sender}, {@code content}). */
  public record InvitedRoom(List<ObjectNode> inviteState) {}

  /** A knock: stripped state events, as for invites. */
  public record KnockedRoom(List<ObjectNode> knockState) {}
}
