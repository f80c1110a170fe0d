package dev.larch.core.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * What a client asks {@code POST /createRoom} for, already checked for JSON types. Spec: client-server API,
 * {@code POST /createRoom}.
 *
 * @param preset {@code private_chat}, {@code trusted_private_chat}, {@code public_chat}, or null for the one
 *     {@code visibility} implies
 * @param visibility {@code public} or {@code private} (null: private)
 * @param roomAliasName the local part of an alias to create, or null
 * @param roomVersion the room version identifier, or null for the default
 * @param creationContent extra {@code m.room.create} content, or null
 * @param powerLevelContentOverride merged over the default power levels, or null
 */
public record NewRoom(
    String preset,
    String visibility,
    String roomAliasName,
    String name,
    String topic,
    List<String> invite,
    boolean isDirect,
    String roomVersion,
    ObjectNode creationContent,
    List<InitialState> initialState,
    ObjectNode powerLevelContentOverride) {
  public NewRoom {
    invite = invite == null ? List.of() : List.copyOf(invite);
    initialState = initialState == null ? List.of() : List.copyOf(initialState);
  }

  /** A room with every option at its default. */
  public static NewRoom defaults() {
    return new NewRoom(null, null, null, null, null, List.of(), false, null, null, List.of(), null);
  }

  /** One {@code initial_state} entry. */
  public record InitialState(String type, String stateKey, ObjectNode content) {
    public InitialState {
      Objects.requireNonNull(type, "type");
      stateKey = stateKey == null ? "" : stateKey;
      Objects.requireNonNull(content, "content");
    }
  }
}
