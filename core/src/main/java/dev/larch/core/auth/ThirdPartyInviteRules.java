package dev.larch.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SignatureRef;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.event.Pdu;
import dev.larch.core.json.CanonicalJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Step 5.4.1 of the authorization rules: an invite that carries {@code content.third_party_invite}, and rule 7 for
 * {@code m.room.third_party_invite} events themselves.
 *
 * <p>Spec: room versions, "Authorization rules" 5.4.1 and 7; server-server API, "Third-party invites" /
 * "Verifying the invite". The {@code signed} object must carry an ed25519 signature, over its canonical JSON without
 * {@code signatures} and {@code unsigned}, by one of the public keys the identity server gave in the room's
 * {@code m.room.third_party_invite} event ({@code public_key}, and each {@code public_keys[].public_key}).
 */
final class ThirdPartyInviteRules {
  private ThirdPartyInviteRules() {}

  /** 5.4.1: the invite is allowed exactly when the third-party invite checks out. */
  static AuthResult authorize(Pdu event, RoomAuthState state) {
    String target = event.stateKey();
    // 5.4.1.1 If target user is banned, reject.
    if (EventTypes.BAN.equals(state.membership(target))) {
      return AuthResult.rejected("5.4.1.1: third-party invite of a banned user");
    }
    // 5.4.1.2 If content.third_party_invite does not have a signed property, reject.
    JsonNode thirdPartyInvite = event.content().get("third_party_invite");
    JsonNode signedNode = thirdPartyInvite.isObject() ? thirdPartyInvite.get("signed") : null;
    if (!(signedNode instanceof ObjectNode signed)) {
      return AuthResult.rejected("5.4.1.2: third_party_invite has no signed object");
    }
    // 5.4.1.3 If signed does not have mxid and token properties, reject.
    JsonNode mxid = signed.get("mxid");
    JsonNode token = signed.get("token");
    if (mxid == null || !mxid.isTextual() || token == null || !token.isTextual()) {
      return AuthResult.rejected("5.4.1.3: signed has no mxid or no token");
    }
    // 5.4.1.4 If mxid does not match state_key, reject.
    if (!mxid.textValue().equals(target)) {
      return AuthResult.rejected("5.4.1.4: signed.mxid is not the state_key");
    }
    // 5.4.1.5 If there is no m.room.third_party_invite event in the room state with state_key matching token,
    // reject.
    Optional<Pdu> invite = state.thirdPartyInvite(token.textValue());
    if (invite.isEmpty()) {
      return AuthResult.rejected("5.4.1.5: no m.room.third_party_invite for the token");
    }
    // 5.4.1.6 If sender does not match sender of the m.room.third_party_invite, reject.
    if (!event.sender().equals(invite.get().sender())) {
      return AuthResult.rejected("5.4.1.6: sender did not send the m.room.third_party_invite");
    }
    // 5.4.1.7 If any signature in signed matches any public key in the m.room.third_party_invite event, allow.
    CanonicalJson encoding = CanonicalJson.forRoomVersion(event.roomVersion());
    if (anySignatureMatches(signed, publicKeys(invite.get().content()), encoding)) {
      return AuthResult.ALLOWED;
    }
    // 5.4.1.8 Otherwise, reject.
    return AuthResult.rejected("5.4.1.8: no signature in signed matches the invite's public keys");
  }

  /** Rule 7: allow an {@code m.room.third_party_invite} if and only if the sender is at the invite level. */
  static AuthResult authorizeInviteEvent(Pdu event, RoomAuthState state) {
    PowerLevels levels = state.powerLevels();
    return levels.userLevel(event.sender()) >= levels.invite()
        ? AuthResult.ALLOWED
        : AuthResult.rejected("7.1: m.room.third_party_invite by a sender below the invite level");
  }

  private static boolean anySignatureMatches(ObjectNode signed, List<byte[]> publicKeys, CanonicalJson encoding) {
    if (publicKeys.isEmpty()) {
      return false;
    }
    byte[] signedBytes;
    try {
      signedBytes = Signatures.signedBytes(signed, encoding);
    } catch (IllegalArgumentException e) {
      // CanonicalJsonException: no canonical encoding, so nothing can have been signed over it.
      return false;
    }
    for (SignatureRef ref : Signatures.list(signed)) {
      Optional<String> signature = Signatures.signature(signed, ref.serverName(), ref.keyId());
      for (byte[] publicKey : publicKeys) {
        if (signature.isPresent() && Signatures.verifySignature(signedBytes, signature.get(), publicKey)) {
          return true;
        }
      }
    }
    return false;
  }

  // public_key, then every public_keys[].public_key; entries that are not decodable base64 are skipped.
  private static List<byte[]> publicKeys(ObjectNode content) {
    List<byte[]> keys = new ArrayList<>();
    decodeKey(content.get("public_key")).ifPresent(keys::add);
    JsonNode list = content.get("public_keys");
    if (list != null && list.isArray()) {
      for (JsonNode entry : list) {
        if (entry.isObject()) {
          decodeKey(entry.get("public_key")).ifPresent(keys::add);
        }
      }
    }
    return keys;
  }

  // Identity servers publish unpadded standard base64; the URL-safe alphabet is accepted too, being unambiguous.
  private static Optional<byte[]> decodeKey(JsonNode node) {
    if (node == null || !node.isTextual()) {
      return Optional.empty();
    }
    String text = node.textValue();
    try {
      return Optional.of(UnpaddedBase64.decode(text));
    } catch (IllegalArgumentException standard) {
      try {
        return Optional.of(UnpaddedBase64.decodeUrlSafe(text));
      } catch (IllegalArgumentException urlSafe) {
        return Optional.empty();
      }
    }
  }
}
