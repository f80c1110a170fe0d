package dev.larch.core.federation.edu;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.federation.send.FakeFederationClient;
import dev.larch.core.federation.send.SendFixture;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.keys.CrossSigningKeyType;
import dev.larch.core.keys.KeyService;
import dev.larch.core.receipt.Receipt;
import dev.larch.core.sync.SyncToken;
import dev.larch.core.todevice.ToDeviceService;
import dev.larch.core.user.Requester;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * EDUs both ways over the real services and stores: what local changes send to which servers (through the
 * federation sender, to a fake remote), and what incoming EDUs change here, including those refused because the
 * origin speaks for another server's user or for a room its user is not in.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class FederationEdusTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String B = "b.example";
  private static final String C = "c.example";
  private static final String BOB = "@bob:" + B;
  private static final String CAROL = "@carol:" + C;

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private SendFixture f;
  private String roomId;
  private String message;

  FederationEdusTest(TestDatabase kind) {
    this.kind = kind;
  }

  /** Alice (local, device DEV) in a room with bob of b.example; carol of c.example shares no room. */
  @BeforeEach
  void setUp() {
    f = new SendFixture(kind, tempDir);
    f.user(ALICE, "DEV");
    roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    message = f.send(ALICE, roomId, "hello");
    f.scheduler.runDue();
    f.client.clear();
  }

  @AfterEach
  void tearDown() {
    if (f != null) { // null when the database kind is not available here and setUp was skipped
      f.close();
    }
  }

  /** The EDUs delivered to {@code destination}, in order. */
  private List<JsonNode> edusTo(String destination) {
    f.scheduler.runDue();
    List<JsonNode> out = new ArrayList<>();
    for (FakeFederationClient.Sent sent : f.client.deliveredTo(destination)) {
      out.addAll(sent.edus());
    }
    return out;
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  // ---- outbound ------------------------------------------------------------------------------------------------

  @Test
  void typing_ofALocalUser_goesToTheServersInTheRoom() {
    f.typing.setTyping(ALICE, ALICE, roomId, true, 10_000);
    f.scheduler.runDue();
    f.typing.setTyping(ALICE, ALICE, roomId, false, 0);
    List<JsonNode> edus = edusTo(B);
    assertEquals(2, edus.size());
    assertEquals("m.typing", edus.get(0).get("edu_type").asText());
    assertEquals(json("{\"room_id\":\"" + roomId + "\",\"user_id\":\"" + ALICE + "\",\"typing\":true}"),
        edus.get(0).get("content"));
    assertFalse(edus.get(1).get("content").get("typing").booleanValue());
    assertTrue(f.client.sentTo(C).isEmpty());
  }

  @Test
  void publicReceipts_goOut_privateOnesDoNot() {
    f.receipts.receipt(ALICE, roomId, Receipt.READ_PRIVATE, message, null);
    f.receipts.receipt(ALICE, roomId, Receipt.READ, message, "main");
    List<JsonNode> edus = edusTo(B);
    assertEquals(1, edus.size());
    JsonNode read = edus.get(0).get("content").get(roomId).get("m.read").get(ALICE);
    assertEquals(message, read.get("event_ids").get(0).asText());
    assertEquals("main", read.get("data").get("thread_id").asText());
    assertEquals(f.scheduler.now(), read.get("data").get("ts").longValue());
  }

  @Test
  void presence_goesToServersSharingARoom() {
    f.presence.put(ALICE, ALICE, json("{\"presence\":\"unavailable\",\"status_msg\":\"lunch\"}"));
    List<JsonNode> edus = edusTo(B);
    assertEquals(1, edus.size());
    JsonNode push = edus.get(0).get("content").get("push").get(0);
    assertEquals(ALICE, push.get("user_id").asText());
    assertEquals("unavailable", push.get("presence").asText());
    assertEquals("lunch", push.get("status_msg").asText());
    assertEquals(0, push.get("last_active_ago").longValue());
    assertTrue(f.client.sentTo(C).isEmpty());
  }

  @Test
  void toDevice_forRemoteUsers_isQueuedDurablyOncePerServerAndTransaction() {
    Requester alice = new Requester(ALICE, "DEV", "token");
    ObjectNode messages = json("{\"" + BOB + "\":{\"BOBDEV\":{\"k\":1}},\"" + CAROL + "\":{\"*\":{\"k\":2}},"
        + "\"" + ALICE + "\":{\"DEV\":{\"k\":3}}}");
    f.client.takeDown(C);
    f.toDevice.send(alice, "m.room_key_request", "txn1", messages);
    f.toDevice.send(alice, "m.room_key_request", "txn1", messages); // a client retry
    assertEquals(2, f.queue.destinations().size(), "stored before the request returns");

    List<JsonNode> edus = edusTo(B);
    assertEquals(1, edus.size());
    JsonNode content = edus.get(0).get("content");
    assertEquals("m.direct_to_device", edus.get(0).get("edu_type").asText());
    assertEquals(ALICE, content.get("sender").asText());
    assertEquals("m.room_key_request", content.get("type").asText());
    assertTrue(content.get("message_id").asText().length() >= 16);
    assertEquals(json("{\"" + BOB + "\":{\"BOBDEV\":{\"k\":1}}}"), content.get("messages"));
    assertEquals(1, f.queue.head(C, 10).size(), "carol's server is down; her message waits in the queue");
    // The local part was delivered locally as before.
    ToDeviceService.Inbox inbox = f.toDevice.inbox(ALICE, "DEV", 0, f.toDevice.position());
    assertEquals(1, inbox.events().size());
  }

  @Test
  void deviceKeyChanges_sendDeviceListUpdates_withStreamIdAndPrevId() {
    SigningKey key = SigningKey.fromSeed(new byte[32]);
    Requester alice = new Requester(ALICE, "DEV", "token");
    f.keys.upload(alice, deviceKeys(ALICE, "DEV", key, "one"), null, null);
    f.keys.upload(alice, deviceKeys(ALICE, "DEV", key, "two"), null, null);
    f.keys.devicesDeleted(ALICE, List.of("OLD"));

    List<JsonNode> edus = edusTo(B);
    assertEquals(3, edus.size());
    JsonNode first = edus.get(0).get("content");
    JsonNode second = edus.get(1).get("content");
    assertEquals("m.device_list_update", edus.get(0).get("edu_type").asText());
    assertEquals(ALICE, first.get("user_id").asText());
    assertEquals("DEV", first.get("device_id").asText());
    assertEquals("Phone", first.get("device_display_name").asText());
    assertEquals("curveone", first.get("keys").get("keys").get("curve25519:DEV").asText());
    assertTrue(first.get("keys").get("signatures").get(ALICE).has("ed25519:DEV"));
    assertTrue(second.get("stream_id").longValue() > first.get("stream_id").longValue());
    assertEquals(List.of(first.get("stream_id").longValue()), longs(second.get("prev_id")));
    JsonNode deleted = edus.get(2).get("content");
    assertEquals(deleted.get("stream_id").longValue(), f.keys.deviceListStreamId(ALICE));
    assertEquals("OLD", deleted.get("device_id").asText());
    assertTrue(deleted.get("deleted").booleanValue());
    assertTrue(f.client.sentTo(C).isEmpty());
  }

  @Test
  void crossSigningKeyChanges_sendASigningKeyUpdate_withoutTheUserSigningKey() {
    String m = UnpaddedBase64.encode(SigningKey.fromSeed(new byte[32]).publicKey());
    String u = UnpaddedBase64.encode(SigningKey.fromSeed(new byte[] {
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}).publicKey());
    ObjectNode master = json("{\"user_id\":\"" + ALICE + "\",\"usage\":[\"master\"],\"keys\":{\"ed25519:" + m
        + "\":\"" + m + "\"}}");
    ObjectNode userSigning = json("{\"user_id\":\"" + ALICE + "\",\"usage\":[\"user_signing\"],\"keys\":{"
        + "\"ed25519:" + u + "\":\"" + u + "\"}}");
    f.deviceKeys.putCrossSigningKeys(ALICE, Map.of(CrossSigningKeyType.MASTER, master,
        CrossSigningKeyType.USER_SIGNING, userSigning));
    f.outbound.crossSigningKeysChanged(ALICE);
    List<JsonNode> edus = edusTo(B);
    assertEquals(1, edus.size());
    assertEquals("m.signing_key_update", edus.get(0).get("edu_type").asText());
    JsonNode content = edus.get(0).get("content");
    assertEquals(ALICE, content.get("user_id").asText());
    assertEquals(m, content.get("master_key").get("keys").get("ed25519:" + m).asText());
    assertFalse(content.has("user_signing_key"));
    assertFalse(content.has("self_signing_key"));
  }

  @Test
  void changesOfRemoteUsers_areNotForwarded() {
    f.outbound.typingChanged(roomId, BOB, true);
    f.outbound.presenceChanged(BOB, json("{\"presence\":\"online\"}"));
    f.outbound.devicesChanged(BOB, List.of("X"));
    assertTrue(edusTo(B).isEmpty());
    assertTrue(f.queue.destinations().isEmpty());
  }

  // ---- inbound -------------------------------------------------------------------------------------------------

  @Test
  void typing_fromTheUsersServer_isShown_otherwiseIgnored() {
    f.receiver.receive(C, "m.typing", json("{\"room_id\":\"" + roomId + "\",\"user_id\":\"" + BOB
        + "\",\"typing\":true}"));
    assertEquals(List.of(), f.typing.typingUsers(roomId), "c.example may not speak for bob");
    f.receiver.receive(B, "m.typing", json("{\"room_id\":\"" + roomId + "\",\"user_id\":\"@zed:" + B
        + "\",\"typing\":true}"));
    assertEquals(List.of(), f.typing.typingUsers(roomId), "zed is not in the room");
    f.receiver.receive(B, "m.typing", json("{\"room_id\":\"" + roomId + "\",\"user_id\":\"" + BOB
        + "\",\"typing\":true}"));
    assertEquals(List.of(BOB), f.typing.typingUsers(roomId));
    f.scheduler.advance(61_000);
    assertEquals(List.of(), f.typing.typingUsers(roomId), "expires on our clock");
    assertTrue(edusTo(B).isEmpty(), "a remote user's typing is not echoed");
  }

  @Test
  void receipts_fromTheUsersServer_areStored() {
    long before = f.receipts.position();
    ObjectNode edu = json("{\"" + roomId + "\":{\"m.read\":{"
        + "\"" + BOB + "\":{\"event_ids\":[\"" + message + "\"],\"data\":{\"ts\":123}},"
        + "\"" + CAROL + "\":{\"event_ids\":[\"" + message + "\"],\"data\":{\"ts\":456}}}}}");
    f.receiver.receive(B, "m.receipt", edu);
    JsonNode event = f.receipts.receiptEvent(roomId, ALICE, before, f.receipts.position()).orElseThrow();
    JsonNode read = event.get("content").get(message).get("m.read");
    assertEquals(Set.of(BOB), fieldNames(read), "carol is not b.example's");
    assertEquals(123, read.get(BOB).get("ts").longValue());
  }

  @Test
  void presence_fromTheUsersServer_isStored() {
    f.receiver.receive(B, "m.presence", json("{\"push\":[{\"user_id\":\"" + BOB
        + "\",\"presence\":\"online\",\"status_msg\":\"hi\",\"last_active_ago\":5000},{\"user_id\":\"" + CAROL
        + "\",\"presence\":\"online\",\"last_active_ago\":0}]}"));
    ObjectNode bob = f.presence.get(BOB);
    assertEquals("online", bob.get("presence").asText());
    assertEquals("hi", bob.get("status_msg").asText());
    assertEquals(5000, bob.get("last_active_ago").longValue());
    assertEquals("offline", f.presence.get(CAROL).get("presence").asText());
    assertTrue(edusTo(B).isEmpty());
  }

  @Test
  void toDevice_fromTheSendersServer_reachesLocalDevices_oncePerMessageId() {
    ObjectNode edu = json("{\"sender\":\"" + BOB + "\",\"type\":\"m.room_key\",\"message_id\":\"abc\","
        + "\"messages\":{\"" + ALICE + "\":{\"*\":{\"k\":1}},\"" + CAROL + "\":{\"X\":{\"k\":2}}}}");
    f.receiver.receive(B, "m.direct_to_device", edu);
    f.receiver.receive(B, "m.direct_to_device", edu); // the transaction retried
    f.receiver.receive(C, "m.direct_to_device", edu.deepCopy().put("message_id", "forged"));
    ToDeviceService.Inbox inbox = f.toDevice.inbox(ALICE, "DEV", 0, f.toDevice.position());
    assertEquals(1, inbox.events().size());
    assertEquals(BOB, inbox.events().get(0).get("sender").asText());
    assertEquals("m.room_key", inbox.events().get(0).get("type").asText());
  }

  @Test
  void deviceListUpdates_fromTheUsersServer_markTheUserChangedForLocalSharers() {
    SyncToken from = new SyncToken(f.rooms.latestStreamPosition(), 0, 0, 0, 0, 0, f.keys.deviceListPosition());
    f.receiver.receive(C, "m.device_list_update", json("{\"user_id\":\"" + BOB
        + "\",\"device_id\":\"X\",\"stream_id\":1}"));
    f.receiver.receive(B, "m.device_list_update", json("{\"user_id\":\"@nobody:" + B
        + "\",\"device_id\":\"X\",\"stream_id\":1}"));
    SyncToken unchanged = new SyncToken(f.rooms.latestStreamPosition(), 0, 0, 0, 0, 0,
        f.keys.deviceListPosition());
    assertEquals(Set.of(), f.keys.changes(ALICE, from, unchanged).changed(),
        "a forged update and one for a user sharing no room change nothing");

    f.receiver.receive(B, "m.device_list_update", json("{\"user_id\":\"" + BOB
        + "\",\"device_id\":\"X\",\"stream_id\":2,\"prev_id\":[1]}"));
    f.receiver.receive(B, "m.signing_key_update", json("{\"user_id\":\"" + BOB + "\"}"));
    SyncToken to = new SyncToken(f.rooms.latestStreamPosition(), 0, 0, 0, 0, 0, f.keys.deviceListPosition());
    KeyService.DeviceListChanges changes = f.keys.changes(ALICE, from, to);
    assertEquals(Set.of(BOB), changes.changed());
    assertEquals(List.of("@nobody:" + B, BOB, BOB), f.invalidated);
  }

  @Test
  void malformedOrUnknownEdus_areDroppedWithoutThrowing() {
    for (String content : List.of("{}", "{\"room_id\":5}", "{\"push\":\"x\"}", "{\"messages\":[]}",
        "{\"user_id\":[1]}", "{\"!r:x\":{\"m.read\":{\"" + BOB + "\":{\"event_ids\":[]}}}}")) {
      for (String type : List.of("m.typing", "m.receipt", "m.presence", "m.direct_to_device",
          "m.device_list_update", "m.signing_key_update", "org.example.custom")) {
        assertDoesNotThrow(() -> f.receiver.receive(B, type, json(content)));
      }
    }
    assertDoesNotThrow(() -> f.receiver.receive(B, "m.typing", null));
    assertDoesNotThrow(() -> f.receiver.receive(B, null, json("{}")));
    assertDoesNotThrow(() -> f.receiver.receive(B, "m.direct_to_device", json("{\"sender\":\"" + BOB
        + "\",\"type\":\"t\",\"message_id\":\"m\",\"messages\":{\"" + ALICE + "\":{\"DEV\":\"not an object\"}}}")));
    assertEquals(List.of(), f.typing.typingUsers(roomId));
  }

  private static ObjectNode deviceKeys(String userId, String deviceId, SigningKey key, String curve) {
    ObjectNode keys = JsonMapper.shared().createObjectNode();
    keys.put("user_id", userId).put("device_id", deviceId);
    keys.putArray("algorithms").add("m.olm.v1.curve25519-aes-sha2").add("m.megolm.v1.aes-sha2");
    ObjectNode keyMap = keys.putObject("keys");
    keyMap.put("curve25519:" + deviceId, "curve" + curve);
    keyMap.put("ed25519:" + deviceId, UnpaddedBase64.encode(key.publicKey()));
    Signatures.sign(keys, userId, "ed25519:" + deviceId, key);
    return keys;
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(n -> out.add(n.longValue()));
    return out;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> out = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
