package dev.larch.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SignatureRef;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.CanonicalJsonException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the content hash and signatures of a received event against known public keys, returning an
 * {@link EventVerdict}; it never throws on a malformed event.
 *
 * <p>Spec: server-server API, "Validating hashes and signatures on received events"; appendices, "Checking for a
 * signature". Signatures are checked over the redacted event, so they verify whether the full event or a redacted
 * copy was received. Fetching keys, and whether a key was valid at the event's {@code origin_server_ts} (room
 * version 5+), are the {@link KeyLookup}'s business.
 */
public final class PduVerifier {
  /** Finds the key a server published under a key ID, or empty if none is known. */
  @FunctionalInterface
  public interface KeyLookup {
    Optional<VerifyKey> verifyKey(String serverName, String keyId);
  }

  private PduVerifier() {}

  /** Checks every ed25519 signature on {@code pdu} and its content hash. */
  public static EventVerdict verify(Pdu pdu, KeyLookup keys) {
    ObjectNode json = pdu.json();
    ContentHash.Verdict hash = ContentHash.check(json, pdu.roomVersion());
    byte[] signedBytes;
    try {
      signedBytes =
          Signatures.signedBytes(
              Redactor.redact(json, pdu.roomVersion()), CanonicalJson.forRoomVersion(pdu.roomVersion()));
    } catch (CanonicalJsonException e) {
      signedBytes = null; // nothing can verify; every signature we hold a key for is bad
    }
    List<EventVerdict.SignatureCheck> checks = new ArrayList<>();
    for (SignatureRef ref : Signatures.list(json)) {
      Optional<VerifyKey> key = keys.verifyKey(ref.serverName(), ref.keyId());
      EventVerdict.SignatureStatus status;
      if (key.isEmpty()) {
        status = EventVerdict.SignatureStatus.UNKNOWN_KEY;
      } else if (signedBytes != null
          && Signatures.verifySignature(
              signedBytes, Signatures.signature(json, ref.serverName(), ref.keyId()).orElse(""), key.get())) {
        status = EventVerdict.SignatureStatus.OK;
      } else {
        status = EventVerdict.SignatureStatus.BAD;
      }
      checks.add(new EventVerdict.SignatureCheck(ref.serverName(), ref.keyId(), status));
    }
    return new EventVerdict(pdu.eventId(), hash, checks);
  }

  /**
   * The servers whose signatures the event must carry: the {@code sender}'s server, except on an invite made from a
   * third-party invite, and for room versions 1–2 also the server that made the {@code event_id}. Signatures that
   * the auth rules require (such as {@code join_authorised_via_users_server}) are checked there, not here.
   */
  public static Set<String> expectedSigners(Pdu pdu) {
    Set<String> servers = new LinkedHashSet<>();
    boolean thirdPartyInvite =
        "m.room.member".equals(pdu.type())
            && "invite".equals(pdu.membership())
            && pdu.content().has("third_party_invite");
    String sender = pdu.sender();
    if (!thirdPartyInvite) {
      servers.add(serverPart(sender == null ? "" : sender));
    }
    if (pdu.roomVersion().eventsCarryIds()) {
      JsonNode id = pdu.json().get("event_id");
      servers.add(serverPart(id != null && id.isTextual() ? id.textValue() : pdu.eventId()));
    }
    return servers;
  }

  // The domain of "@user:domain" or "$id:domain" follows the first colon (localparts cannot contain one). A
  // malformed ID maps to the empty name, which is no server's: such an event can never pass the check.
  private static String serverPart(String id) {
    int colon = id.indexOf(':');
    return colon < 0 ? "" : id.substring(colon + 1);
  }
}
