package dev.larch.core.auth;

import static dev.larch.core.auth.AuthAssertions.assertAllowed;
import static dev.larch.core.auth.AuthAssertions.assertRejected;
import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static dev.larch.core.auth.RoomFixture.CAROL;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.room.RoomVersion;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 5.4.1: invites carrying content.third_party_invite, checked against the m.room.third_party_invite. */
class ThirdPartyInviteTest {
  private static final SigningKey IDENTITY_KEY = key(1);
  private static final SigningKey SECOND_KEY = key(2);
  private static final SigningKey STRANGER_KEY = key(3);

  private static SigningKey key(int seed) {
    byte[] bytes = new byte[SigningKey.SEED_LENGTH];
    Arrays.fill(bytes, (byte) seed);
    return SigningKey.fromSeed(bytes);
  }

  /** Alice invited "carol@example.com" under token "tok", with the identity server's two keys. */
  private static RoomFixture room(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "invite");
    ObjectNode content =
        RoomFixture.json(
            "{'display_name': 'c...@e...', 'key_validity_url': 'https://id.example/_matrix/identity/v2/pubkey/isvalid',"
                + " 'public_key': '" + UnpaddedBase64.encode(IDENTITY_KEY.publicKey()) + "',"
                + " 'public_keys': [{'public_key': '" + UnpaddedBase64.encodeUrlSafe(SECOND_KEY.publicKey()) + "'},"
                + " {'public_key': 'not base64!'}, 'junk']}");
    room.stateEvent("m.room.third_party_invite", "tok").sender(ALICE).content(content).apply();
    return room;
  }

  private static ObjectNode signed(String mxid, String token, SigningKey key) {
    ObjectNode signed = RoomFixture.json("{}");
    if (mxid != null) {
      signed.put("mxid", mxid);
    }
    if (token != null) {
      signed.put("token", token);
    }
    Signatures.sign(signed, "id.example", "ed25519:0", key);
    return signed;
  }

  private static RoomFixture.EventBuilder invite(RoomFixture room, String sender, ObjectNode signed) {
    ObjectNode content = RoomFixture.json("{'membership': 'invite', 'third_party_invite': {'display_name': 'c'}}");
    ((ObjectNode) content.get("third_party_invite")).set("signed", signed);
    return room.memberEvent(sender, CAROL, "invite").content(content);
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_signedByPublicKey_allowed(RoomVersion version) {
    RoomFixture room = room(version);
    assertAllowed(invite(room, ALICE, signed(CAROL, "tok", IDENTITY_KEY)).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_signedByKeyFromPublicKeysList_allowed(RoomVersion version) {
    RoomFixture room = room(version);
    assertAllowed(invite(room, ALICE, signed(CAROL, "tok", SECOND_KEY)).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_signedByUnknownKey_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    assertRejected(invite(room, ALICE, signed(CAROL, "tok", STRANGER_KEY)).authorize(), "5.4.1.8");
  }

  @Test
  void authorize_signedObjectAlteredAfterSigning_rejected() {
    RoomFixture room = room(RoomVersion.V10);
    ObjectNode signed = signed(CAROL, "tok", IDENTITY_KEY);
    signed.put("extra", "tampered");
    assertRejected(invite(room, ALICE, signed).authorize(), "5.4.1.8");
  }

  @Test
  void authorize_unsignedSignedObject_rejected() {
    RoomFixture room = room(RoomVersion.V10);
    ObjectNode signed = RoomFixture.json("{'mxid': '" + CAROL + "', 'token': 'tok'}");
    assertRejected(invite(room, ALICE, signed).authorize(), "5.4.1.8");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_targetBanned_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.member(ALICE, CAROL, "ban");
    assertRejected(invite(room, ALICE, signed(CAROL, "tok", IDENTITY_KEY)).authorize(), "5.4.1.1");
  }

  @Test
  void authorize_noSignedProperty_rejected() {
    RoomFixture room = room(RoomVersion.V10);
    assertRejected(
        room.memberEvent(ALICE, CAROL, "invite")
            .content("{'membership': 'invite', 'third_party_invite': {'display_name': 'c'}}")
            .authorize(),
        "5.4.1.2");
    assertRejected(
        room.memberEvent(ALICE, CAROL, "invite")
            .content("{'membership': 'invite', 'third_party_invite': 'signed'}")
            .authorize(),
        "5.4.1.2");
  }

  @Test
  void authorize_signedWithoutMxidOrToken_rejected() {
    RoomFixture room = room(RoomVersion.V10);
    assertRejected(invite(room, ALICE, signed(null, "tok", IDENTITY_KEY)).authorize(), "5.4.1.3");
    assertRejected(invite(room, ALICE, signed(CAROL, null, IDENTITY_KEY)).authorize(), "5.4.1.3");
  }

  @Test
  void authorize_mxidNotStateKey_rejected() {
    RoomFixture room = room(RoomVersion.V10);
    assertRejected(invite(room, ALICE, signed(BOB, "tok", IDENTITY_KEY)).authorize(), "5.4.1.4");
  }

  @Test
  void authorize_noThirdPartyInviteForToken_rejected() {
    RoomFixture room = room(RoomVersion.V10);
    assertRejected(invite(room, ALICE, signed(CAROL, "other", IDENTITY_KEY)).authorize(), "5.4.1.5");
  }

  @Test
  void authorize_senderDidNotSendThirdPartyInvite_rejected() {
    RoomFixture room = room(RoomVersion.V10);
    room.member(BOB, BOB, "join");
    assertRejected(invite(room, BOB, signed(CAROL, "tok", IDENTITY_KEY)).authorize(), "5.4.1.6");
  }

  @Test
  void authorize_validThirdPartyInvite_skipsSenderMembershipAndInviteLevel() {
    // 5.4.1 allows outright: the later steps (sender joined, invite level) are not consulted.
    RoomFixture room = room(RoomVersion.V10);
    room.member(ALICE, ALICE, "leave");
    assertAllowed(invite(room, ALICE, signed(CAROL, "tok", IDENTITY_KEY)).authorize());
  }
}
