package dev.larch.overlay.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Telling a live QUIC connection from one whose peer restarted, without a PING API in Netty: open a stream that
 * carries only a FIN and see whether the packet count received grows (any ACK will do).
 *
 * <p>{@link Sessions} uses it to close a connection whose peer restarted, and to settle a dial race.
 */
final class Liveness {
  private Liveness() {
  }

  /** Whether {@code channel} still hears from its peer: a FIN-only stream must draw an ACK within {@code windowMs}. */
  static void probe(EventLoop loop, QuicChannel channel, long windowMs, Consumer<Boolean> verdict) {
    channel.collectStats().addListener(before -> {
      long received = before.isSuccess() ? ((QuicConnectionStats) before.getNow()).recv() : Long.MAX_VALUE;
      channel.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter()).addListener(s -> {
        if (s.isSuccess()) {
          QuicStreamChannel stream = (QuicStreamChannel) s.getNow();
          stream.shutdownOutput();
          loop.schedule(() -> stream.close(), windowMs * 2, TimeUnit.MILLISECONDS);
        }
      });
      loop.schedule(() -> channel.collectStats().addListener(after -> verdict.accept(channel.isActive()
          && after.isSuccess() && ((QuicConnectionStats) after.getNow()).recv() > received)),
          windowMs, TimeUnit.MILLISECONDS);
    });
  }

  /** Application close, error 0, with {@code reason}. */
  static void closeWith(QuicChannel channel, String reason) {
    channel.close(true, 0, Unpooled.copiedBuffer(reason, StandardCharsets.US_ASCII));
  }
}
