package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.StateBefore;
import dev.larch.storage.room.JdbcRoomStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link JdbcRoomStore#dropCachedHeads}, which an idle node runs: sends after it build on the room's real heads
 * (extremities, current snapshot, state references), loaded again from the database.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class DropCachedHeadsTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  private final TestRoom room = new TestRoom("idle");
  private JdbcRoomStore store;

  DropCachedHeadsTest(TestDatabase kind) {
    super(kind);
  }

  @BeforeEach
  void createStore() {
    store = new JdbcRoomStore(database);
  }

  @Test
  void persistAfterDrop_extendsTheCommittedHeadsAndState() {
    Pdu create = persisted(room.create(ALICE), StateBefore.none());
    Pdu aliceJoin = persisted(room.member(ALICE, "join", List.of(create.eventId()), 2),
        StateBefore.afterEvent(create.eventId()));
    Pdu message = persisted(room.message(ALICE, "before idle", List.of(aliceJoin.eventId()), 3),
        StateBefore.afterEvent(aliceJoin.eventId()));
    assertEquals(Set.of(message.eventId()), store.forwardExtremities(room.roomId));

    store.dropCachedHeads();
    Pdu bobJoin = persisted(room.member(BOB, "join", List.of(message.eventId()), 4),
        StateBefore.afterEvent(message.eventId()));
    assertEquals(Set.of(bobJoin.eventId()), store.forwardExtremities(room.roomId));

    store.dropCachedHeads();
    Pdu topic = persisted(room.state("m.room.topic", "", BOB, List.of(bobJoin.eventId()), 5),
        StateBefore.afterEvent(bobJoin.eventId()));
    Map<StateKey, String> expected = Map.of(
        StateKey.of("m.room.create", ""), create.eventId(),
        StateKey.of("m.room.member", ALICE), aliceJoin.eventId(),
        StateKey.of("m.room.member", BOB), bobJoin.eventId(),
        StateKey.of("m.room.topic", ""), topic.eventId());
    assertEquals(expected, store.currentState(room.roomId));
    assertEquals(expected, store.stateAfter(topic.eventId()).orElseThrow());
    assertEquals(Set.of(topic.eventId()), store.forwardExtremities(room.roomId));

    store.dropCachedHeads();
    assertEquals(expected, new JdbcRoomStore(database).currentState(room.roomId));
    assertEquals(expected, store.stateAfter(topic.eventId()).orElseThrow());
  }

  private Pdu persisted(Pdu event, StateBefore before) {
    store.persist(PersistRequest.accepted(event, before));
    return event;
  }
}
