package dev.larch.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;

/** Realistic events for the kernel benchmarks: an ordinary text message of a busy room, unsigned. */
final class SampleEvents {
  static final String SERVER = "bench.example.org";
  static final String KEY_ID = "ed25519:a_bnch";

  private SampleEvents() {}

  /** A fixed signing key, so every run signs the same bytes. */
  static SigningKey key() {
    byte[] seed = new byte[SigningKey.SEED_LENGTH];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = (byte) (i * 7 + 1);
    }
    return SigningKey.fromSeed(seed);
  }

  static EventSigner signer() {
    return new EventSigner(SERVER, KEY_ID, key());
  }

  /** An {@code m.room.message} the size of a typical chat line, with four prev and three auth events. */
  static ObjectNode message() {
    ObjectNode event = JsonMapper.shared().createObjectNode();
    event.put("type", "m.room.message");
    event.put("room_id", "!kGmqHdUHbeENhcvXqy:" + SERVER);
    event.put("sender", "@romeo:" + SERVER);
    event.put("origin_server_ts", 1_732_000_000_000L);
    event.put("depth", 4_217);
    ObjectNode content = event.putObject("content");
    content.put("msgtype", "m.text");
    content.put(
        "body",
        "But, soft! what light through yonder window breaks? It is the east, and Juliet is the sun. "
            + "Arise, fair sun, and kill the envious moon, who is already sick and pale with grief.");
    content.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", "$Yx4v5bQ8m2T3Kq7LpR1sZc9wN6hJfD0aGe_uBiOtVkA");
    var prev = event.putArray("prev_events");
    prev.add("$9Hs2dK4mQ7pL1xZ8vB3nC6wR0tY5uJaFgE_iOkNlMqS");
    prev.add("$aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9w");
    var auth = event.putArray("auth_events");
    auth.add("$create0000000000000000000000000000000000000");
    auth.add("$powerlevels000000000000000000000000000000000");
    auth.add("$romeojoin00000000000000000000000000000000000");
    event.putObject("unsigned").put("age_ts", 1_732_000_000_000L);
    return event;
  }

  static RoomVersion version() {
    return RoomVersion.V10;
  }
}
