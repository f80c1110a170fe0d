package dev.larch.overlay.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.Vectors;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every frame of protocol doc section 14 decodes to the right fields and re-encodes to the same bytes. */
class FrameVectorTest {
  private static final NodeKey A = Vectors.key("A");
  private static final NodeKey B = Vectors.key("B");
  private static final NodeKey C = Vectors.key("C");
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  @Test
  void everyFrameVector_roundTripsByteForByte() {
    Map<String, String> frames = Vectors.load("frames.txt");
    assertEquals(13, frames.size());
    frames.forEach((name, hex) -> {
      if (name.endsWith(".protected")) {
        return;
      }
      byte[] bytes = HexFormat.of().parseHex(hex);
      assertArrayEquals(bytes, FrameCodec.encode(FrameCodec.decode(bytes)), name);
    });
  }

  @Test
  void keepalive_isTheBareHeader() {
    byte[] bytes = Vectors.hex("frames.txt", "keepalive");
    assertInstanceOf(Frame.Keepalive.class, FrameCodec.decode(bytes));
    assertArrayEquals(bytes, FrameCodec.encode(Frame.Keepalive.INSTANCE));
  }

  @Test
  void rootAnnouncements_signedForPort1_matchTheLiveGoNodeAndA() {
    assertArrayEquals(Vectors.hex("frames.txt", "announce.C.root"), announceFrame(
        SwitchAnnouncement.rootOf(C.publicKey(), 1).signedFor(C, 1)));
    assertArrayEquals(Vectors.hex("frames.txt", "announce.A.root"), announceFrame(
        SwitchAnnouncement.rootOf(A.publicKey(), 1).signedFor(A, 1)));
  }

  @Test
  void reSignedAnnouncement_fromBForPort2_matchesAndGivesCoordinates() {
    Frame.TreeAnnouncement received = (Frame.TreeAnnouncement) FrameCodec.decode(
        Vectors.hex("frames.txt", "announce.A.root"));
    SwitchAnnouncement fromA = SwitchAnnouncement.decode(received.payload(), SwitchAnnouncement.SignatureVerifier.DIRECT);
    fromA.sanityCheck(A.publicKey());
    assertEquals(Coordinates.of(1), fromA.coords()); // B's coordinates under root A
    SwitchAnnouncement viaB = fromA.signedFor(B, 2);
    assertArrayEquals(Vectors.hex("frames.txt", "announce.A.via.B"), announceFrame(viaB));

    Frame.TreeAnnouncement again = (Frame.TreeAnnouncement) FrameCodec.decode(
        Vectors.hex("frames.txt", "announce.A.via.B"));
    SwitchAnnouncement decoded = SwitchAnnouncement.decode(again.payload(), SwitchAnnouncement.SignatureVerifier.DIRECT);
    decoded.sanityCheck(B.publicKey());
    assertEquals(new Root(A.publicKey(), 1), decoded.root());
    assertEquals(Coordinates.of(1, 2), decoded.coords());
    assertEquals(Coordinates.of(1), decoded.peerCoords());
    assertTrue(decoded.isLoopOrChildOf(A.publicKey()));
    assertFalse(decoded.isLoopOrChildOf(C.publicKey()));
  }

  @Test
  void announcement_withATamperedSignature_orWrongSender_isFatal() {
    byte[] payload = ((Frame.TreeAnnouncement) FrameCodec.decode(Vectors.hex("frames.txt", "announce.A.via.B")))
        .payload();
    SwitchAnnouncement ok = SwitchAnnouncement.decode(payload, SwitchAnnouncement.SignatureVerifier.DIRECT);
    assertThrows(BadPeerException.class, () -> ok.sanityCheck(C.publicKey())); // last signer must be the peer
    payload[40] ^= 1; // inside the first signature
    assertThrows(BadPeerException.class,
        () -> SwitchAnnouncement.decode(payload, SwitchAnnouncement.SignatureVerifier.DIRECT));
  }

  @Test
  void bootstrap_fromB_matchesSection145() {
    RootedMessage message = RootedMessage.sign(B, 1_700_000_000_000L, new Root(A.publicKey(), 1));
    assertArrayEquals(Vectors.hex("frames.txt", "bootstrap.B.protected"),
        RootedMessage.protectedBytes(message.sequence(), message.root()));
    Frame.Bootstrap frame = new Frame.Bootstrap(B.publicKey(), new Watermark(A.publicKey(), 0), message.encode());
    byte[] bytes = FrameCodec.encode(frame);
    assertArrayEquals(Vectors.hex("frames.txt", "bootstrap.B"), bytes);
    assertEquals(180, bytes.length);
    Frame.Bootstrap decoded = (Frame.Bootstrap) FrameCodec.decode(bytes);
    assertEquals(103, decoded.payload().length);
    assertEquals(B.publicKey(), decoded.destination());
    assertEquals(new Watermark(A.publicKey(), 0), decoded.watermark());
    RootedMessage m = RootedMessage.decode(decoded.payload());
    assertTrue(m.verifiedBy(decoded.destination()));
    assertEquals(1_700_000_000_000L, m.sequence());
  }

  @Test
  void traffic_snekAndTreeRouted_matchSection146() {
    Frame.Traffic snek = new Frame.Traffic(10, Coordinates.ROOT, Coordinates.of(1), A.publicKey(), B.publicKey(),
        new Watermark(A.publicKey(), 0), HELLO);
    assertArrayEquals(Vectors.hex("frames.txt", "traffic.snek.B.to.A"), FrameCodec.encode(snek));
    byte[] fullMask = FrameCodec.encode(snek.withWatermark(Watermark.NONE));
    assertArrayEquals(Vectors.hex("frames.txt", "traffic.snek.B.to.A.fullmask"), fullMask);
    assertEquals(119, fullMask.length);

    Frame.Traffic tree = new Frame.Traffic(10, Coordinates.of(1), Coordinates.ROOT, B.publicKey(), A.publicKey(),
        Watermark.NONE, HELLO);
    assertArrayEquals(Vectors.hex("frames.txt", "traffic.tree.A.to.B"), FrameCodec.encode(tree));
    Frame.Traffic decoded = (Frame.Traffic) FrameCodec.decode(Vectors.hex("frames.txt", "traffic.tree.A.to.B"));
    assertEquals(10, decoded.hopLimit());
    assertEquals(Watermark.NONE, decoded.watermark()); // no watermark on the wire when coordinates are present
    assertArrayEquals(HELLO, decoded.payload());
  }

  @Test
  void goUnitTestShapes_haveTheirLengths97_124_82() {
    assertEquals(97, Vectors.hex("frames.txt", "traffic.gotest.tree").length);
    Frame.Traffic tree = (Frame.Traffic) FrameCodec.decode(Vectors.hex("frames.txt", "traffic.gotest.tree"));
    assertEquals(Coordinates.of(1, 2, 3, 4, 5000), tree.destination());
    assertEquals(Coordinates.of(4, 3, 2, 1), tree.source());
    assertEquals(124, Vectors.hex("frames.txt", "traffic.gotest.snek").length);
    Frame.Bootstrap b = (Frame.Bootstrap) FrameCodec.decode(Vectors.hex("frames.txt", "bootstrap.gotest"));
    assertEquals(100, b.watermark().sequence());
    assertEquals(82, Vectors.hex("frames.txt", "bootstrap.gotest").length);
  }

  @Test
  void broadcast_fromB_matchesSection147_andShares145sPayload() {
    RootedMessage message = RootedMessage.sign(B, 1_700_000_000_000L, new Root(A.publicKey(), 1));
    byte[] bytes = FrameCodec.encode(new Frame.WakeupBroadcast(5, B.publicKey(), message.encode()));
    assertArrayEquals(Vectors.hex("frames.txt", "broadcast.B"), bytes);
    Frame.WakeupBroadcast w = (Frame.WakeupBroadcast) FrameCodec.decode(bytes);
    assertEquals(5, w.hopLimit());
    Frame.Bootstrap b = (Frame.Bootstrap) FrameCodec.decode(Vectors.hex("frames.txt", "bootstrap.B"));
    assertArrayEquals(b.payload(), w.payload()); // 14.8: no domain separation
  }

  @Test
  void watermarkWorseThan_matchesSection54Table() {
    PublicKey a = A.publicKey();
    PublicKey c = C.publicKey();
    assertFalse(new Watermark(a, 0).worseThan(Watermark.NONE));
    assertTrue(new Watermark(c, 0).worseThan(new Watermark(a, 0)));
    assertTrue(new Watermark(a, 5).worseThan(new Watermark(a, 7)));
    assertFalse(new Watermark(a, 0).worseThan(new Watermark(a, 7)));
    assertFalse(new Watermark(a, 7).worseThan(new Watermark(a, 0)));
  }

  @Test
  void rejectVectors_dropOrIgnoreAsTheGoNodeDoes() {
    Map<String, String> rejects = Vectors.load("rejects.txt");
    assertEquals(7, rejects.size());
    rejects.forEach((label, hex) -> {
      byte[] bytes = HexFormat.of().parseHex(hex);
      if (label.endsWith("| drop")) {
        assertThrows(BadPeerException.class, () -> decodeViaStream(bytes), label);
      } else {
        assertInstanceOf(Frame.Ignored.class, decodeViaStream(bytes), label);
      }
    });
  }

  @Test
  void encode_refusesFramesOver65535Bytes() {
    Frame.Traffic huge = new Frame.Traffic(10, Coordinates.ROOT, Coordinates.ROOT, A.publicKey(), B.publicKey(),
        Watermark.NONE, new byte[65535]);
    assertThrows(IllegalArgumentException.class, () -> FrameCodec.encode(huge));
  }

  private static Frame decodeViaStream(byte[] bytes) {
    var frames = new FrameAssembler().feed(bytes, 0, bytes.length);
    assertEquals(1, frames.size());
    return FrameCodec.decode(frames.get(0));
  }

  private static byte[] announceFrame(SwitchAnnouncement announcement) {
    return FrameCodec.encode(new Frame.TreeAnnouncement(announcement.encode()));
  }

  static byte[] copy(byte[] b) {
    return Arrays.copyOf(b, b.length);
  }
}
