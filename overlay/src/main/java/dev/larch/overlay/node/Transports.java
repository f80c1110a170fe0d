package dev.larch.overlay.node;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.function.Consumer;

/**
 * The two byte pipes a peering runs over: a TCP {@link NetSocket} and a WebSocket (client or server side, one binary
 * message per frame as Go writes them; protocol doc 2.4). Every callback is moved onto the node's context by
 * {@code onContext} before it reaches the link.
 */
final class Transports {
  /** The most frame bytes a TCP peering writes at once (see {@link PeerLink}): about 54 full-size QUIC packets. */
  static final int TCP_BATCH_BYTES = 64 * 1024;

  private Transports() {
  }

  static PeerLink.Transport tcp(NetSocket socket, String uri, Consumer<Runnable> onContext) {
    consolidateFlushes(socket);
    String name = uri.isEmpty() ? "tcp://" + socket.remoteAddress() : uri;
    return new PeerLink.Transport() {
      @Override
      public void write(Buffer bytes) {
        socket.write(bytes);
      }

      @Override
      public int batchBytes() {
        return TCP_BATCH_BYTES;
      }

      @Override
      public boolean writeQueueFull() {
        return socket.writeQueueFull();
      }

      @Override
      public void drainHandler(Runnable drained) {
        socket.drainHandler(v -> onContext.accept(drained));
      }

      @Override
      public void close() {
        socket.close();
      }

      @Override
      public String uri() {
        return name;
      }

      @Override
      public void bind(Handler<Buffer> bytes, Runnable closed) {
        socket.handler(data -> onContext.accept(() -> bytes.handle(data)));
        socket.closeHandler(v -> onContext.accept(closed));
        socket.exceptionHandler(e -> socket.close());
      }
    };
  }

  /**
   * Vert.x flushes every {@link NetSocket#write} outside its own read callback, and with TCP_NODELAY each flush is a
   * syscall and a segment: one per ~1.2 KB QUIC packet (profiled at ~11 % of a bulk transfer). This handler turns
   * the flushes of one event-loop turn into one (flushed at the end of the turn, at read-complete, or when the
   * channel stops being writable). Bytes and their order are unchanged; only how they are cut into segments.
   */
  private static void consolidateFlushes(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) {
      internal.channelHandlerContext().pipeline().addFirst("larch-flush-consolidation",
          new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
  }

  static PeerLink.Transport websocket(WebSocketBase ws, String uri, Consumer<Runnable> onContext) {
    return new PeerLink.Transport() {
      @Override
      public void write(Buffer bytes) {
        ws.writeBinaryMessage(bytes); // one frame per binary message, as Go writes them
      }

      @Override
      public boolean writeQueueFull() {
        return ws.writeQueueFull();
      }

      @Override
      public void drainHandler(Runnable drained) {
        ws.drainHandler(v -> onContext.accept(drained));
      }

      @Override
      public void close() {
        ws.close();
      }

      @Override
      public String uri() {
        return uri;
      }

      @Override
      public void bind(Handler<Buffer> bytes, Runnable closed) {
        ws.binaryMessageHandler(data -> onContext.accept(() -> bytes.handle(data)));
        ws.textMessageHandler(text -> ws.close()); // Go's client fails on text too
        ws.closeHandler(v -> onContext.accept(closed));
        ws.exceptionHandler(e -> ws.close());
      }
    };
  }
}
