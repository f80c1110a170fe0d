package dev.larch.core.federation.resident;

import dev.larch.core.auth.AuthRules;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads the few state events the auth rules read for one event, rather than the whole state map. */
final class AuthStates {
  private static final StateKey CREATE_SLOT = StateKey.of("m.room.create", "");

  private AuthStates() {}

  /**
   * The events of {@code state} in the slots the auth events selection names for {@code event}, plus the create
   * event (which room version 12's rules read though auth events no longer cite it), by slot.
   */
  static Map<StateKey, Pdu> load(RoomStore store, Map<StateKey, String> state, Pdu event) {
    Map<String, StateKey> wanted = new LinkedHashMap<>();
    for (StateKey slot : AuthRules.authEventTypes(event)) {
      String id = state.get(slot);
      if (id != null) {
        wanted.put(id, slot);
      }
    }
    String create = state.get(CREATE_SLOT);
    if (create != null) {
      wanted.put(create, CREATE_SLOT);
    }
    Map<StateKey, Pdu> out = new HashMap<>();
    for (StoredEvent stored : store.events(wanted.keySet())) {
      out.put(wanted.get(stored.eventId()), stored.pdu());
    }
    return out;
  }
}
