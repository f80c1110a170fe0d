package dev.larch.core.federation.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.crypto.SignatureRef;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.event.Redactor;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.id.UserId;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The checks a received event goes through that depend on the event alone and on state the caller supplies: steps 2
 * to 6 of the spec's list, without any storage. {@link InboundPdus} runs them for {@code /send}; the join flow runs
 * them on the state and auth chain a resident server returns from {@code send_join}.
 *
 * <p>Spec: server-server API, "Checks performed on receipt of a PDU" (2: signatures, otherwise dropped; 3: content
 * hash, otherwise redacted; 4: auth against its auth events; 5: against the state before it; 6: against the current
 * state, which soft-fails), "Validating hashes and signatures on received events"; room versions, "Authorization
 * rules" (5.2, from version 8: a join via {@code join_authorised_via_users_server} must also be signed by that
 * user's server, which {@link AuthRules} leaves to the caller because it needs keys).
 *
 * <p>Keys are valid at the event's {@code origin_server_ts} from room version 5; versions 1–4 take any key the
 * server ever published.
 */
public final class IncomingEventChecks {
  private static final StateKey CREATE_SLOT = StateKey.of("m.room.create", "");

  private final ServerKeys keys;

  public IncomingEventChecks(ServerKeys keys) {
    this.keys = keys;
  }

  /** The outcome of the signature and content hash checks. */
  public sealed interface Verified {
    /**
     * The event may go on: as received, or redacted because its content hash did not match.
     *
     * @param event the event to process and store from here on (the redacted copy if {@code redacted})
     */
    record Passed(Pdu event, boolean redacted) implements Verified {}

    /** A signature the event needs is missing or invalid: drop it, never store it. */
    record Failed(String reason) implements Verified {}
  }

  /**
   * Steps 2 and 3: every server that must have signed the event did so with a key valid at the time, and the
   * content hash matches (or the event is redacted). Blocking: keys may be fetched.
   */
  public Verified verifySignaturesAndHash(Pdu pdu) {
    Set<String> required = requiredSigners(pdu);
    long at = pdu.roomVersion().enforcesKeyValidity() ? pdu.originServerTs() : ServerKeys.ANY_TIME;
    PduVerifier.KeyLookup lookup = keys.lookupAt(at);
    // Only the signatures we need are checked: a signature of some other server costs a key fetch and proves nothing.
    EventVerdict verdict = PduVerifier.verify(pdu,
        (server, keyId) -> required.contains(server) ? lookup.verifyKey(server, keyId) : Optional.<VerifyKey>empty());
    for (String server : required) {
      if (!verdict.isSignedBy(server)) {
        return new Verified.Failed("event is not validly signed by " + (server.isEmpty() ? "its sender" : server));
      }
    }
    if (verdict.contentHashOk()) {
      return new Verified.Passed(pdu, false);
    }
    // The reference hash and signatures cover the redacted form, so the event ID stays the same.
    return new Verified.Passed(new Pdu(pdu.roomVersion(), Redactor.redact(pdu.json(), pdu.roomVersion()),
        pdu.eventId()), true);
  }

  /** Fetches, in one round trip per server, the keys that checking these events' signatures will ask for. */
  public void prefetchKeys(Collection<Pdu> events) {
    Map<String, Map<String, Long>> wanted = new HashMap<>();
    for (Pdu pdu : events) {
      Set<String> required = requiredSigners(pdu);
      long at = pdu.roomVersion().enforcesKeyValidity() ? pdu.originServerTs() : ServerKeys.ANY_TIME;
      for (SignatureRef ref : Signatures.list(pdu.json())) {
        if (required.contains(ref.serverName())) {
          wanted.computeIfAbsent(ref.serverName(), s -> new HashMap<>()).merge(ref.keyId(), at, Math::max);
        }
      }
    }
    if (!wanted.isEmpty()) {
      keys.prefetch(wanted);
    }
  }

  /**
   * Step 4: the rules on the event's {@code auth_events} list, then the auth rules against the state they form.
   * The caller has checked that none of {@code authEvents} was itself rejected (rule 3.3).
   *
   * @param createEvent the room's create event, which room version 12 events no longer cite (ignored before)
   */
  public AuthResult authAgainstAuthEvents(Pdu pdu, List<Pdu> authEvents, Pdu createEvent) {
    return AuthRules.authorizeWithAuthEvents(pdu, authEvents, createEvent);
  }

  /** Steps 5 and 6: the auth rules against a room state (the state before the event, or the current state). */
  public AuthResult authAgainst(Pdu pdu, Map<StateKey, Pdu> state) {
    return AuthRules.authorize(pdu, state);
  }

  /**
   * {@link #authAgainst} for a state of event IDs, loading only the slots the auth rules read (the auth events
   * selection, plus the create event). A slot whose event cannot be loaded counts as empty.
   */
  public AuthResult authAgainstState(Pdu pdu, Map<StateKey, String> state, Function<String, Optional<Pdu>> events) {
    Map<StateKey, Pdu> slots = new HashMap<>();
    Set<StateKey> wanted = new LinkedHashSet<>(AuthRules.authEventTypes(pdu));
    wanted.add(CREATE_SLOT);
    for (StateKey slot : wanted) {
      String eventId = state.get(slot);
      if (eventId != null) {
        events.apply(eventId).ifPresent(event -> slots.put(slot, event));
      }
    }
    return AuthRules.authorize(pdu, slots);
  }

  /**
   * The servers whose signatures the event needs: {@link PduVerifier#expectedSigners}, plus (from room version 8) the
   * server of the user named by a join's {@code join_authorised_via_users_server}.
   */
  public static Set<String> requiredSigners(Pdu pdu) {
    Set<String> servers = PduVerifier.expectedSigners(pdu);
    JsonNode authoriser = pdu.content().get("join_authorised_via_users_server");
    if (pdu.roomVersion().supportsRestrictedJoins()
        && "m.room.member".equals(pdu.type())
        && "join".equals(pdu.membership())
        && authoriser != null
        && authoriser.isTextual()) {
      Set<String> more = new LinkedHashSet<>(servers);
      more.add(UserId.tryParse(authoriser.textValue()).map(u -> u.serverName().value()).orElse(""));
      return more;
    }
    return servers;
  }
}
