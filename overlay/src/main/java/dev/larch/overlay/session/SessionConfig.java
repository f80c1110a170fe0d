package dev.larch.overlay.session;

/**
 * Limits of a node's QUIC sessions layer; every one bounds what a peer can make us hold.
 *
 * <p>{@code maxConnections}: QUIC connections at once, all peers (an inbound one over the limit is closed at once).
 * {@code maxStreamsPerPeer}: concurrent bidirectional streams a peer may open to us on its connection (QUIC stream
 * credit) and that we open to it. {@code connectionWindow} / {@code streamWindow}: QUIC flow-control windows, so the
 * most unread data a peer can push per connection / stream. {@code inboundQueue}: datagrams waiting for the event
 * loop before new ones are dropped (UDP-like). {@code bufferedBodyBytes}: request bytes all HTTP server streams may
 * hold before reading pauses and QUIC flow control pushes back (see {@code dev.larch.overlay.session.http}).
 * The QUIC idle timeout is not configurable: 15 s, as Go (protocol doc 6.2).
 */
public record SessionConfig(int maxConnections, int maxStreamsPerPeer, long connectionWindow, long streamWindow,
    int inboundQueue, long bufferedBodyBytes) {

  public SessionConfig {
    if (maxConnections < 1 || maxStreamsPerPeer < 1 || connectionWindow < 1200 || streamWindow < 1200
        || inboundQueue < 16 || bufferedBodyBytes < 65_536) {
      throw new IllegalArgumentException("session limits out of range: " + this);
    }
  }

  /** 128 connections, 64 streams per peer, 8 MiB / 2 MiB windows, 8192 queued datagrams, 64 MiB buffered bodies. */
  public static SessionConfig defaults() {
    return new SessionConfig(128, 64, 8L << 20, 2L << 20, 8192, 64L << 20);
  }
}
