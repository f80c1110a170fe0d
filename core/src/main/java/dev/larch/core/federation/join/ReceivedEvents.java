package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SignatureRef;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.event.Redactor;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.room.RoomVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads events another server sent us (in a {@code send_join}, {@code backfill}, {@code event} or {@code invite}
 * answer) and checks their signatures and content hashes. Spec: server-server API, "Validating hashes and signatures
 * on received events": an event not signed by every server it must be signed by is dropped; one whose content hash
 * does not match is kept in its redacted form.
 *
 * <p>Until the inbound pipeline's shared checks exist, this is the outbound flows' own small copy of that step.
 */
final class ReceivedEvents {
  private final ServerKeys keys;

  ReceivedEvents(ServerKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** An event that could not be used, and why (for logs and the error the caller builds). */
  static final class BadEvent extends Exception {
    BadEvent(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses one received event of {@code roomId}; its signatures are not checked yet. */
  static Pdu parse(RoomVersion version, String roomId, JsonNode json) throws BadEvent {
    if (!(json instanceof ObjectNode object)) {
      throw new BadEvent("an event is not a JSON object");
    }
    Pdu pdu;
    try {
      pdu = Pdu.fromJson(version, object);
    } catch (MatrixException e) {
      throw new BadEvent(e.getMessage());
    }
    if (!Objects.equals(roomId, pdu.roomId())) {
      throw new BadEvent("event " + pdu.eventId() + " is of another room");
    }
    if (pdu.type() == null || pdu.sender() == null) {
      throw new BadEvent("event " + pdu.eventId() + " has no type or sender");
    }
    return pdu;
  }

  /**
   * Fetches, in one go per server, the keys that these events' signatures name, so that checking them one by one
   * does not cost a round trip each.
   */
  void prefetch(List<Pdu> events) {
    Map<String, Map<String, Long>> wanted = new HashMap<>();
    for (Pdu pdu : events) {
      for (SignatureRef ref : Signatures.list(pdu.json())) {
        wanted.computeIfAbsent(ref.serverName(), s -> new HashMap<>()).put(ref.keyId(), validAt(pdu));
      }
    }
    if (!wanted.isEmpty()) {
      keys.prefetch(wanted);
    }
  }

  /**
   * Checks the event's signatures and content hash.
   *
   * @return the event to keep: as received, or redacted if its content hash does not match
   * @throws BadEvent if a server that must have signed it did not (validly)
   */
  Pdu verify(Pdu pdu) throws BadEvent {
    return verify(pdu, keys.lookupAt(validAt(pdu)));
  }

  /** {@link #verify(Pdu)} with a given key lookup (to check this server's own signature with its own key). */
  static Pdu verify(Pdu pdu, PduVerifier.KeyLookup lookup) throws BadEvent {
    EventVerdict verdict = PduVerifier.verify(pdu, lookup);
    if (!verdict.isSignedByAll(PduVerifier.expectedSigners(pdu))) {
      throw new BadEvent("event " + pdu.eventId() + " is not validly signed by " + PduVerifier.expectedSigners(pdu));
    }
    if (verdict.contentHashOk()) {
      return pdu;
    }
    return new Pdu(pdu.roomVersion(), Redactor.redact(pdu.json(), pdu.roomVersion()), pdu.eventId());
  }

  /** Looks keys up as valid at {@code atMillis}. */
  PduVerifier.KeyLookup lookupAt(long atMillis) {
    return keys.lookupAt(atMillis);
  }

  /** The time the event's signing keys must be valid at: its timestamp from room version 5, any time before. */
  static long validAt(Pdu pdu) {
    return pdu.roomVersion().enforcesKeyValidity() ? pdu.originServerTs() : ServerKeys.ANY_TIME;
  }

  /** The value of a JSON field as an array of events, or empty if it is missing or not an array. */
  static List<JsonNode> array(JsonNode parent, String field) {
    JsonNode node = parent == null ? null : parent.get(field);
    if (node == null || !node.isArray()) {
      return List.of();
    }
    List<JsonNode> items = new java.util.ArrayList<>(node.size());
    node.forEach(items::add);
    return items;
  }

  /** A JSON text field, or empty. */
  static Optional<String> text(JsonNode parent, String field) {
    JsonNode node = parent == null ? null : parent.get(field);
    return node != null && node.isTextual() ? Optional.of(node.textValue()) : Optional.empty();
  }
}
