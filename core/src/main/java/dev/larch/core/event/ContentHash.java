package dev.larch.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Sha256;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.room.RoomVersion;
import java.security.MessageDigest;

/**
 * The content hash of an event: SHA-256 of its canonical JSON without {@code unsigned}, {@code signatures} and
 * {@code hashes}, carried as unpadded Base64 in {@code hashes.sha256}.
 *
 * <p>Spec: server-server API, "Calculating the content hash for an event" and "Validating hashes and signatures on
 * received events". It covers the unredacted event, so a mismatch means the event was redacted (or tampered with)
 * on the way: the spec has the receiver keep the redacted form rather than reject it.
 */
public final class ContentHash {
  /** The outcome of checking {@code hashes.sha256}. */
  public enum Verdict {
    /** The carried hash matches the event. */
    OK,
    /** The carried hash does not match, is not Base64, or the event has no canonical encoding. */
    MISMATCH,
    /** The event carries no {@code hashes.sha256} string. */
    MISSING
  }

  private ContentHash() {}

  /** The 32-byte content hash, encoded per the room version's canonical JSON rules. */
  public static byte[] compute(ObjectNode event, RoomVersion roomVersion) {
    return Sha256.hash(
        CanonicalJson.forRoomVersion(roomVersion).encodeWithout(event, "unsigned", "signatures", "hashes"));
  }

  /** Computes the content hash and stores it in {@code event.hashes.sha256}, keeping other algorithms' entries. */
  public static void add(ObjectNode event, RoomVersion roomVersion) {
    String hash = UnpaddedBase64.encode(compute(event, roomVersion));
    JsonNode hashes = event.get("hashes");
    if (hashes instanceof ObjectNode object) {
      object.put("sha256", hash);
    } else {
      event.putObject("hashes").put("sha256", hash);
    }
  }

  /** Checks {@code hashes.sha256} against the event; never throws. */
  public static Verdict check(ObjectNode event, RoomVersion roomVersion) {
    JsonNode hashes = event.get("hashes");
    JsonNode carried = hashes != null && hashes.isObject() ? hashes.get("sha256") : null;
    if (carried == null || !carried.isTextual()) {
      return Verdict.MISSING;
    }
    try {
      byte[] expected = UnpaddedBase64.decode(carried.textValue());
      return MessageDigest.isEqual(expected, compute(event, roomVersion)) ? Verdict.OK : Verdict.MISMATCH;
    } catch (IllegalArgumentException e) { // bad Base64, or no canonical encoding
      return Verdict.MISMATCH;
    }
  }
}
