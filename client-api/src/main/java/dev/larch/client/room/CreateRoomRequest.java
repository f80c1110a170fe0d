package dev.larch.client.room;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.room.NewRoom;
import java.util.List;

/**
 * The body of {@code POST /createRoom}. Spec: client-server API v1.11, {@code POST /_matrix/client/v3/createRoom}.
 * {@code invite_3pid} is not supported (third-party invites need an identity server) and is rejected when not empty.
 */
public record CreateRoomRequest(
    String visibility,
    @JsonProperty("room_alias_name") String roomAliasName,
    String name,
    String topic,
    List<String> invite,
    @JsonProperty("invite_3pid") List<ObjectNode> invite3pid,
    @JsonProperty("room_version") String roomVersion,
    @JsonProperty("creation_content") ObjectNode creationContent,
    @JsonProperty("initial_state") List<InitialStateEntry> initialState,
    String preset,
    @JsonProperty("is_direct") Boolean isDirect,
    @JsonProperty("power_level_content_override") ObjectNode powerLevelContentOverride) {

  /** One {@code initial_state} entry: {@code type} and {@code content} are required. */
  public record InitialStateEntry(String type, @JsonProperty("state_key") String stateKey, ObjectNode content) {}

  /** The domain request, after the checks the JSON types cannot express. */
  NewRoom toNewRoom() {
    if (invite != null && invite.stream().anyMatch(java.util.Objects::isNull)) {
      throw MatrixException.badJson("invite must be a list of user IDs");
    }
    if (invite3pid != null && !invite3pid.isEmpty()) {
      throw MatrixException.badJson("invite_3pid is not supported by this server");
    }
    List<NewRoom.InitialState> state = initialState == null ? List.of() : initialState.stream()
        .map(entry -> {
          if (entry == null || entry.type() == null || entry.content() == null) {
            throw MatrixException.badJson("initial_state entries need a type and a content object");
          }
          return new NewRoom.InitialState(entry.type(), entry.stateKey(), entry.content());
        })
        .toList();
    return new NewRoom(preset, visibility, roomAliasName, name, topic, invite, Boolean.TRUE.equals(isDirect),
        roomVersion, creationContent, state, powerLevelContentOverride);
  }
}
