package dev.larch.overlay.wire;

import dev.larch.overlay.identity.PublicKey;

/**
 * One decoded Pinecone frame. Payloads of the protocol frames stay raw bytes here; the router decodes and verifies
 * them, because whether a bad one is fatal depends on the frame type (protocol doc 2.5).
 *
 * <p>Protocol doc 3.3-3.8. Type numbers are those of {@code ea4c337}/HEAD: 3 is Traffic, 4 is WakeupBroadcast.
 */
public sealed interface Frame {
  int TYPE_KEEPALIVE = 0;
  int TYPE_TREE_ANNOUNCEMENT = 1;
  int TYPE_BOOTSTRAP = 2;
  int TYPE_TRAFFIC = 3;
  int TYPE_WAKEUP_BROADCAST = 4;
  /** Go's {@code MaxHopLimit}: originated traffic starts here. */
  int MAX_HOP_LIMIT = 10;
  /** Go's {@code NetworkHorizonDistance}: originated broadcasts start here. */
  int BROADCAST_HOP_LIMIT = 5;

  /** The type byte. */
  int type();

  /** Type 0: header only, never forwarded. */
  record Keepalive() implements Frame {
    public static final Keepalive INSTANCE = new Keepalive();

    @Override
    public int type() {
      return TYPE_KEEPALIVE;
    }
  }

  /** Type 1: a {@link SwitchAnnouncement} payload, signed for one peer. */
  record TreeAnnouncement(byte[] payload) implements Frame {
    @Override
    public int type() {
      return TYPE_TREE_ANNOUNCEMENT;
    }
  }

  /** Type 2: a bootstrap towards its originator's own key; the payload is a {@link RootedMessage}. */
  record Bootstrap(PublicKey destination, Watermark watermark, byte[] payload) implements Frame {
    @Override
    public int type() {
      return TYPE_BOOTSTRAP;
    }

    public Bootstrap withWatermark(Watermark w) {
      return new Bootstrap(destination, w, payload);
    }
  }

  /** Type 3: application traffic, tree-routed when {@code destination} is non-empty, else SNEK-routed. */
  record Traffic(
      int hopLimit,
      Coordinates destination,
      Coordinates source,
      PublicKey destinationKey,
      PublicKey sourceKey,
      Watermark watermark,
      byte[] payload)
      implements Frame {
    @Override
    public int type() {
      return TYPE_TRAFFIC;
    }

    public Traffic withHopLimit(int h) {
      return new Traffic(h, destination, source, destinationKey, sourceKey, watermark, payload);
    }

    public Traffic withWatermark(Watermark w) {
      return new Traffic(hopLimit, destination, source, destinationKey, sourceKey, w, payload);
    }

    public Traffic withDestination(Coordinates d) {
      return new Traffic(hopLimit, d, source, destinationKey, sourceKey, watermark, payload);
    }
  }

  /** Type 4: a wakeup broadcast from {@code source}; the payload is a {@link RootedMessage}. */
  record WakeupBroadcast(int hopLimit, PublicKey source, byte[] payload) implements Frame {
    @Override
    public int type() {
      return TYPE_WAKEUP_BROADCAST;
    }
  }

  /**
   * A frame Go drops silently while keeping the link: an unknown type, or a bootstrap too short to hold its fields.
   */
  record Ignored(int type, String reason) implements Frame {}
}
