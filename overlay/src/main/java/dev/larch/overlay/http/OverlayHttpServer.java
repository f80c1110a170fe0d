package dev.larch.overlay.http;

import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.session.SessionStream;
import dev.larch.overlay.session.Sessions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves HTTP/1.1 on every stream a peer opens (Dendrite's P2P listener, protocol doc 6.4): requests on one stream are
 * answered in order, one at a time, with keep-alive unless the client asks to close; the handler runs on the
 * sessions context and sees the TLS-proven peer key.
 *
 * <p>Memory: a request body over {@code maxRequestBytes} gets 413 (Netty's aggregator); request bytes buffered
 * across all streams are capped by {@code SessionConfig.bufferedBodyBytes}: past it every stream stops reading until
 * handled requests free their share, and QUIC flow control stalls the peers. A stream silent for 30 s is closed (Go's
 * server IdleTimeout). A handler that fails or throws yields 500; malformed HTTP yields 400 and a closed stream.
 */
public final class OverlayHttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayHttpServer.class);
  private static final int IDLE_SECONDS = 30;

  private final Context context;
  private final Function<OverlayHttpRequest, Future<OverlayHttpResponse>> handler;
  private final int maxRequestBytes;
  private final long budget;
  private final ArrayDeque<Exchange> overBudget = new ArrayDeque<>();
  private long buffered;

  private OverlayHttpServer(Sessions sessions, int maxRequestBytes, long budget,
      Function<OverlayHttpRequest, Future<OverlayHttpResponse>> handler) {
    this.context = sessions.context();
    this.handler = handler;
    this.maxRequestBytes = maxRequestBytes;
    this.budget = budget;
  }

  /**
   * Serves every inbound stream of {@code sessions} with {@code handler} (replacing any stream handler set before).
   * {@code bufferedBodyBytes} is the node-wide cap on buffered request bytes.
   */
  public static OverlayHttpServer attach(Sessions sessions, int maxRequestBytes, long bufferedBodyBytes,
      Function<OverlayHttpRequest, Future<OverlayHttpResponse>> handler) {
    OverlayHttpServer server = new OverlayHttpServer(sessions, maxRequestBytes, bufferedBodyBytes, handler);
    sessions.streamHandler(server::serve);
    return server;
  }

  private void serve(SessionStream stream) {
    Exchange exchange = new Exchange(stream.peer());
    stream.channel().pipeline()
        .addLast(exchange.meter)
        .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
        .addLast(new HttpServerCodec())
        .addLast(new HttpObjectAggregator(maxRequestBytes))
        .addLast(exchange);
  }

  /** One stream: counts its buffered bytes and gates reading on "no request in flight and under budget". */
  private final class Exchange extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PublicKey peer;
    private long charged;
    private boolean inFlight;
    private boolean paused;
    private ChannelHandlerContext ctx;
    final ChannelInboundHandlerAdapter meter = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
          charged += bytes.readableBytes();
          buffered += bytes.readableBytes();
          if (buffered > budget && !paused) {
            paused = true;
            overBudget.add(Exchange.this);
            gate();
          }
        }
        ctx.fireChannelRead(msg);
      }
    };

    Exchange(PublicKey peer) {
      this.peer = peer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    private void gate() {
      ctx.channel().config().setAutoRead(!inFlight && !paused);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (!request.decoderResult().isSuccess()) {
        LOG.debug("malformed HTTP from {}: {}", peer, request.decoderResult().cause().toString());
        respond(ctx, new OverlayHttpResponse(400, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer()), false);
        return;
      }
      inFlight = true;
      gate();
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      for (Map.Entry<String, String> h : request.headers()) {
        headers.add(h.getKey(), h.getValue());
      }
      Buffer body = Buffer.buffer(request.content().readableBytes());
      for (java.nio.ByteBuffer part : request.content().nioBuffers()) { // one copy out of the pooled chunks
        ((BufferInternal) body).setBytes(body.length(), part.slice()); // Vert.x sizes by limit(): start at 0
      }
      OverlayHttpRequest exchange = new OverlayHttpRequest(peer, request.method().name(), request.uri(), headers,
          body);
      context.runOnContext(v -> {
        Future<OverlayHttpResponse> answer;
        try {
          answer = handler.apply(exchange);
        } catch (RuntimeException e) {
          answer = Future.failedFuture(e);
        }
        answer.onComplete(result -> ctx.executor().execute(() -> {
          if (result.failed() || result.result() == null) {
            LOG.error("overlay HTTP handler failed for {} {} from {}", exchange.method(), exchange.path(), peer,
                result.cause());
            respond(ctx, new OverlayHttpResponse(500, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer()),
                keepAlive);
          } else {
            respond(ctx, result.result(), keepAlive);
          }
        }));
      });
    }

    private void respond(ChannelHandlerContext ctx, OverlayHttpResponse response, boolean keepAlive) {
      release();
      inFlight = false;
      if (!ctx.channel().isActive()) {
        return;
      }
      ByteBuf content = ((BufferInternal) response.body()).getByteBuf(); // a view of the handler's bytes, no copy
      FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(response.status()), content);
      response.headers().forEach(h -> out.headers().add(h.getKey(), h.getValue()));
      out.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      if (keepAlive) {
        ctx.writeAndFlush(out);
        gate();
      } else {
        out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // Go's Stream.Close sends a FIN: do the same, then let the peer close its side.
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) f -> ((io.netty.handler.codec.quic.QuicStreamChannel)
            f.channel()).shutdownOutput().addListener(x -> f.channel().close()));
      }
    }

    /** Gives back this stream's buffered bytes and lets paused streams read again while under budget. */
    private void release() {
      buffered -= charged;
      charged = 0;
      while (buffered <= budget && !overBudget.isEmpty()) {
        Exchange next = overBudget.poll();
        next.paused = false;
        if (next.ctx.channel().isActive()) {
          next.gate();
        }
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent && !inFlight) {
        ctx.close();
      } else {
        ctx.fireUserEventTriggered(event);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      release();
      overBudget.remove(this);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("overlay HTTP stream from {} failed: {}", peer, cause.toString());
      ctx.close();
    }
  }
}
