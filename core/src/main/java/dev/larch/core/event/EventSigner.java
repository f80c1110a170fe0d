package dev.larch.core.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Sha256;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.util.Objects;

/**
 * Hashes and signs events as this server: adds the content hash, then signs the redacted form so the signature
 * survives redaction, and returns the event as a {@link Pdu} with its ID.
 *
 * <p>Spec: server-server API, "Adding hashes and signatures to outgoing events". Inputs are never changed: each
 * call works on a deep copy.
 */
public final class EventSigner {
  private final String serverName;
  private final String keyId;
  private final SigningKey key;

  /** Signs as {@code serverName} with {@code key} published under {@code keyId} (e.g. {@code ed25519:a_1}). */
  public EventSigner(String serverName, String keyId, SigningKey key) {
    this.serverName = Objects.requireNonNull(serverName, "serverName");
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    this.key = Objects.requireNonNull(key, "key");
    if (!Signatures.isSupportedKeyId(keyId)) {
      throw new IllegalArgumentException("can only sign with ed25519 key IDs, got " + keyId);
    }
  }

  public String serverName() {
    return serverName;
  }

  public String keyId() {
    return keyId;
  }

  /** The public key other servers check this signer's signatures with. */
  public VerifyKey verifyKey() {
    return VerifyKey.of(keyId, key);
  }

  /**
   * Completes a new event: any {@code hashes} and {@code signatures} it has are replaced by its content hash and this
   * server's signature. For room versions 1–2 the event must already carry its {@code event_id}. Throws
   * {@link IllegalArgumentException} ({@link dev.larch.core.json.CanonicalJsonException}) for an event that has no
   * canonical encoding or lacks a required ID.
   */
  public Pdu hashAndSign(ObjectNode event, RoomVersion roomVersion) {
    Hashed hashed = hash(event, roomVersion);
    return complete(hashed, signature(hashed));
  }

  /**
   * A new event with its content hash and ID, its signature still to be made: {@link #signature} makes it (on any
   * thread), {@link #complete} adds it. The ID does not cover signatures, so a batch can chain its events on their
   * IDs and sign them in parallel.
   *
   * @param view the event as it stands, without this server's signature: read its ID, depth, content, state slot
   *     and references from it, but never store or send it
   */
  public record Hashed(Pdu view, byte[] signedBytes) {}

  /** {@link #hashAndSign} up to the signature: same inputs, same exceptions. */
  public Hashed hash(ObjectNode event, RoomVersion roomVersion) {
    ObjectNode signed = event.deepCopy();
    signed.remove("hashes");
    signed.remove("signatures");
    String carriedId = roomVersion.eventsCarryIds() ? EventIds.eventId(signed, roomVersion) : null;
    ContentHash.add(signed, roomVersion);
    byte[] signedBytes =
        Signatures.signedBytes(Redactor.redact(signed, roomVersion), CanonicalJson.forRoomVersion(roomVersion));
    // The signed bytes are the redacted event without signatures and unsigned; redaction already drops age_ts, so
    // they are exactly what the reference hash covers: hash them once rather than redacting and encoding again.
    String eventId =
        carriedId != null ? carriedId : EventIds.fromReferenceHash(Sha256.hash(signedBytes), roomVersion);
    return new Hashed(new Pdu(roomVersion, signed, eventId), signedBytes);
  }

  /** This server's signature of a hashed event (unpadded base64). Safe on any thread. */
  public String signature(Hashed event) {
    return UnpaddedBase64.encode(key.sign(event.signedBytes()));
  }

  /** The finished event: {@code signature} added to the hashed event, once its other readers are done with it. */
  public Pdu complete(Hashed event, String signature) {
    Pdu view = event.view();
    ObjectNode json = view.json();
    Signatures.addSignature(json, serverName, keyId, signature);
    return new Pdu(view.roomVersion(), json, view.eventId());
  }

  /**
   * How many bytes this server's signature adds to a hashed event's canonical JSON (the event has no
   * {@code signatures} member before it): the size of the finished event, known before it is signed.
   */
  public int signatureBytes() {
    ObjectNode probe = JsonMapper.shared().createObjectNode().put("type", "m.probe");
    int unsigned = CanonicalJson.STRICT.encode(probe).length;
    String anySignature = UnpaddedBase64.encode(new byte[SigningKey.SIGNATURE_LENGTH]);
    Signatures.addSignature(probe, serverName, keyId, anySignature);
    return CanonicalJson.STRICT.encode(probe).length - unsigned;
  }

  /**
   * Adds this server's signature to an existing event, keeping its hashes and other signatures: what a server does
   * to an invite it accepts over {@code /invite}. The event ID is unchanged, since signatures are not part of it.
   */
  public Pdu addSignature(Pdu pdu) {
    ObjectNode signed = pdu.json().deepCopy();
    sign(signed, pdu.roomVersion());
    return new Pdu(pdu.roomVersion(), signed, pdu.eventId());
  }

  // Signs the redacted form of the event and copies the signature into the event itself.
  private void sign(ObjectNode event, RoomVersion roomVersion) {
    byte[] signedBytes =
        Signatures.signedBytes(Redactor.redact(event, roomVersion), CanonicalJson.forRoomVersion(roomVersion));
    Signatures.addSignature(event, serverName, keyId, UnpaddedBase64.encode(key.sign(signedBytes)));
  }
}
