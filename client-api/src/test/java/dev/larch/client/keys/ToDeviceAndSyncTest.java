package dev.larch.client.keys;

import static dev.larch.client.WiredClientApi.deviceKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.WiredClientApi.Session;
import dev.larch.client.WiredClientApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /sendToDevice} and the end-to-end encryption parts of {@code /sync}, over HTTP. */
class ToDeviceAndSyncTest extends WiredClientApiTest {
  private Session alice;
  private Session bob;

  @BeforeEach
  void logIn() throws Exception {
    alice = api.login("alice", "ALICE1");
    bob = api.login("bob", "BOB1");
  }

  private void send(String txn, String userId, String device, int n) throws Exception {
    api.put("/sendToDevice/m.test/" + txn, "{\"messages\":{\"" + userId + "\":{\"" + device + "\":{\"n\":" + n
        + "}}}}", alice.token()).ok();
  }

  private static List<Integer> numbers(JsonNode sync) {
    List<Integer> out = new ArrayList<>();
    sync.path("to_device").path("events").forEach(e -> out.add(e.path("content").path("n").asInt()));
    return out;
  }

  @Test
  void messages_areDeliveredUntilAcknowledged_andTxnIsIdempotent() throws Exception {
    send("t1", bob.userId(), "BOB1", 1);
    send("t1", bob.userId(), "BOB1", 1);
    send("t2", bob.userId(), "*", 2);
    JsonNode first = api.sync(bob, null);
    assertEquals(List.of(1, 2), numbers(first));
    JsonNode event = first.path("to_device").path("events").get(0);
    assertEquals(alice.userId(), event.path("sender").asText());
    assertEquals("m.test", event.path("type").asText());
    // Syncing again from the same token delivers the same messages: they are not acknowledged yet.
    assertEquals(List.of(1, 2), numbers(api.sync(bob, null)));
    JsonNode next = api.sync(bob, first.get("next_batch").asText());
    assertEquals(List.of(), numbers(next));
    assertEquals(List.of(), numbers(api.sync(bob, null)), "acknowledged messages are deleted");
  }

  @Test
  void manyMessages_comeInBatchesOfAHundred() throws Exception {
    for (int i = 0; i < 120; i++) {
      send("t" + i, bob.userId(), "BOB1", i);
    }
    JsonNode first = api.sync(bob, null);
    assertEquals(100, numbers(first).size());
    JsonNode second = api.sync(bob, first.get("next_batch").asText());
    assertEquals(20, numbers(second).size());
    assertEquals(100, numbers(second).get(0));
    assertEquals(List.of(), numbers(api.sync(bob, second.get("next_batch").asText())));
  }

  @Test
  void longPoll_isWokenByAToDeviceMessage() throws Exception {
    String since = api.sync(bob, null).get("next_batch").asText();
    CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> {
      try {
        return api.get("/sync?timeout=10000&since=" + since, bob.token()).ok();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // Send only once the long-poll waits, so the message has to wake it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (api.notifier.waiting() == 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertEquals(1, api.notifier.waiting());
    send("wake", bob.userId(), "BOB1", 7);
    JsonNode woken = poll.get(8, TimeUnit.SECONDS);
    assertEquals(List.of(7), numbers(woken));
  }

  @Test
  void badMessages_areRejected() throws Exception {
    api.put("/sendToDevice/m.test/x", "{\"messages\":[]}", alice.token()).assertError(400, "M_BAD_JSON");
    api.put("/sendToDevice/m.test/x", "{\"messages\":{\"" + bob.userId() + "\":{\"BOB1\":1}}}", alice.token())
        .assertError(400, "M_BAD_JSON");
    api.put("/sendToDevice/m.test/x", "{\"messages\":{\"nobody\":{}}}", alice.token())
        .assertError(400, "M_INVALID_PARAM");
    api.put("/sendToDevice/m.test/x", "nope", alice.token()).assertError(400, "M_NOT_JSON");
    // Unknown local users and remote users are skipped, not errors.
    api.put("/sendToDevice/m.test/y", "{\"messages\":{\"@ghost:larch.test\":{\"*\":{}},"
        + "\"@carol:elsewhere.test\":{\"*\":{}}}}", alice.token()).ok();
  }

  @Test
  void deviceLists_reportKeyChangesOfRoomMates_newRoomMates_andLeavers() throws Exception {
    Session carol = api.login("carol", "CAROL1");
    String room = api.roomWith(alice, bob);
    String since = api.sync(alice, null).get("next_batch").asText();
    api.post("/keys/upload", Map.of("device_keys", deviceKeys(bob)), bob.token()).ok();
    api.post("/keys/upload", Map.of("device_keys", deviceKeys(carol)), carol.token()).ok();
    JsonNode sync = api.sync(alice, since);
    assertEquals(List.of(bob.userId()), texts(sync.path("device_lists").path("changed")));

    since = sync.get("next_batch").asText();
    api.memberships.invite(alice.userId(), room, carol.userId(), null);
    api.memberships.join(carol.userId(), room, null);
    sync = api.sync(alice, since);
    assertEquals(List.of(carol.userId()), texts(sync.path("device_lists").path("changed")));

    since = sync.get("next_batch").asText();
    api.memberships.leave(bob.userId(), room, null);
    sync = api.sync(alice, since);
    assertEquals(List.of(bob.userId()), texts(sync.path("device_lists").path("left")));
    assertTrue(sync.path("device_lists").path("changed").isEmpty());
  }

  @Test
  void oneTimeKeyCounts_andFallbackTypes_areInSync() throws Exception {
    api.post("/keys/upload", "{\"one_time_keys\":{\"signed_curve25519:A\":{\"key\":\"a\"},"
        + "\"signed_curve25519:B\":{\"key\":\"b\"}},\"fallback_keys\":{\"signed_curve25519:F\":{\"key\":\"f\"}}}",
        bob.token()).ok();
    JsonNode sync = api.sync(bob, null);
    assertEquals(2, sync.path("device_one_time_keys_count").path("signed_curve25519").asInt());
    assertEquals(List.of("signed_curve25519"), texts(sync.path("device_unused_fallback_key_types")));
    assertEquals(0, api.sync(alice, null).path("device_one_time_keys_count").path("signed_curve25519").asInt());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
