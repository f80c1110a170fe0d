package dev.larch.core.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Sha256;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.room.RoomVersion;

/**
 * The reference hash of an event: SHA-256 of the canonical JSON of its redacted form without {@code signatures},
 * {@code age_ts} and {@code unsigned}. Event IDs from room version 3, and room IDs in version 12, are built from it.
 *
 * <p>Spec: server-server API, "Calculating the reference hash for an event".
 */
public final class ReferenceHash {
  private ReferenceHash() {}

  /**
   * The 32-byte reference hash. Throws {@link dev.larch.core.json.CanonicalJsonException} if the redacted event has
   * no canonical encoding under the room version's rules.
   */
  public static byte[] compute(ObjectNode event, RoomVersion roomVersion) {
    ObjectNode redacted = Redactor.redact(event, roomVersion);
    return Sha256.hash(
        CanonicalJson.forRoomVersion(roomVersion).encodeWithout(redacted, "signatures", "age_ts", "unsigned"));
  }
}
