package dev.larch.overlay.http;

import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.session.SessionStream;
import dev.larch.overlay.session.Sessions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 client over session streams, keep-alive like Dendrite's P2P transport ({@code p2p-federation.md} 2.1):
 * each request takes an idle stream to the peer or opens one (up to {@code maxStreamsPerPeer} per peer; more
 * requests wait, up to {@link #MAX_WAITING}), sends {@code Host: <64-hex>}, and gives the stream back after a
 * keep-alive response. Idle streams close after 10 s, before Go's 30 s server idle timeout could race us.
 *
 * <p>A request whose stream dies before its complete response arrived is sent once more on a fresh stream (that is
 * how a peer restart stays invisible: the dead connection is replaced under it); federation requests are idempotent
 * by design (transaction IDs). Each request times out after {@code timeoutMs} (Go's client: 30 s). Futures complete
 * on the sessions event loop. Callable from any thread.
 */
public final class OverlayHttpClient {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayHttpClient.class);
  /** Requests queued per peer beyond its open streams; more fail at once rather than pile up. */
  public static final int MAX_WAITING = 10_000;
  private static final int IDLE_SECONDS = 10;

  private final Sessions sessions;
  private final Context context;
  private final int maxStreamsPerPeer;
  private final int maxResponseBytes;
  private final long timeoutMs;
  private final Map<PublicKey, Pool> pools = new HashMap<>();

  public OverlayHttpClient(Sessions sessions, int maxStreamsPerPeer, int maxResponseBytes, long timeoutMs) {
    this.sessions = sessions;
    this.context = sessions.context();
    this.maxStreamsPerPeer = maxStreamsPerPeer;
    this.maxResponseBytes = maxResponseBytes;
    this.timeoutMs = timeoutMs;
  }

  /** Sends {@code request} to {@code request.peer()}. */
  public Future<OverlayHttpResponse> request(OverlayHttpRequest request) {
    Promise<OverlayHttpResponse> promise = Promise.promise();
    context.runOnContext(v -> enqueue(new Call(request, promise)));
    return promise.future();
  }

  /** Sends {@code method path} with these headers and body to {@code peer}. */
  public Future<OverlayHttpResponse> request(PublicKey peer, String method, String path, MultiMap headers,
      Buffer body) {
    return request(new OverlayHttpRequest(peer, method, path, headers, body));
  }

  private static final class Call {
    final OverlayHttpRequest request;
    final Promise<OverlayHttpResponse> promise;
    boolean retried;
    ScheduledFuture<?> timer;

    Call(OverlayHttpRequest request, Promise<OverlayHttpResponse> promise) {
      this.request = request;
      this.promise = promise;
    }
  }

  /** One peer's streams: idle ones, how many are open or opening, and the requests waiting for one. */
  private static final class Pool {
    final ArrayDeque<Conversation> idle = new ArrayDeque<>();
    final ArrayDeque<Call> waiting = new ArrayDeque<>();
    int open; // streams open or opening
    int opening;
  }

  private void enqueue(Call call) {
    Pool pool = pools.computeIfAbsent(call.request.peer(), k -> new Pool()); // (re)created: pump drops empty ones
    if (pool.waiting.size() >= MAX_WAITING) {
      call.promise.tryFail(new IllegalStateException("too many requests waiting for " + call.request.peer()));
      return;
    }
    pool.waiting.add(call);
    pump(call.request.peer(), pool);
  }

  private void pump(PublicKey peer, Pool pool) {
    if (pool.open == 0 && pool.waiting.isEmpty()) {
      pools.remove(peer, pool); // nothing open, nothing asked: a peer we talked to once costs nothing later
      return;
    }
    while (!pool.waiting.isEmpty()) {
      Conversation idle = pool.idle.poll();
      if (idle != null) {
        if (idle.ctx.channel().isActive()) {
          idle.send(pool.waiting.poll());
        }
        continue;
      }
      if (pool.open >= maxStreamsPerPeer || pool.opening >= pool.waiting.size()) {
        return;
      }
      pool.open++;
      pool.opening++;
      sessions.dial(peer).onComplete(result -> {
        pool.opening--;
        if (result.succeeded()) {
          Conversation conversation = new Conversation(peer, pool);
          SessionStream stream = result.result();
          stream.channel().pipeline()
              .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
              .addLast(new HttpClientCodec())
              .addLast(conversation);
          stream.channel().config().setAutoRead(true);
          pool.idle.add(conversation);
        } else {
          pool.open--;
          // The peer is unreachable now: every request waiting for it would meet the same fate.
          while (!pool.waiting.isEmpty()) {
            pool.waiting.poll().promise.tryFail(result.cause());
          }
        }
        pump(peer, pool);
      });
    }
  }

  /**
   * One stream's request/response turns. The response body is copied once, chunk by chunk as the decoder hands it
   * over, into a buffer sized by Content-Length: Netty's aggregator would first gather the ~900 chunks of a MiB into a
   * composite buffer and then be copied out twice more (profiled at ~12 % of a bulk transfer's Java time).
   */
  private final class Conversation extends ChannelInboundHandlerAdapter {
    private final PublicKey peer;
    private final Pool pool;
    private ChannelHandlerContext ctx;
    private Call current;
    private boolean done;
    private int status; // of the response being read; 0 between responses and while skipping a 1xx one
    private MultiMap headers;
    private Buffer body;
    private boolean keepAlive;

    Conversation(PublicKey peer, Pool pool) {
      this.peer = peer;
      this.pool = pool;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    void send(Call call) {
      current = call;
      OverlayHttpRequest r = call.request;
      FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()),
          r.path(), ((BufferInternal) r.body()).getByteBuf()); // a view of the caller's bytes, no copy
      r.headers().forEach(h -> out.headers().add(h.getKey(), h.getValue()));
      out.headers().set(HttpHeaderNames.HOST, peer.hex());
      out.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body().length());
      call.timer = ctx.executor().schedule(() -> {
        if (current == call) {
          call.promise.tryFail(new TimeoutException(r.method() + " " + r.path() + " to " + peer + " timed out"));
          current = null;
          ctx.close();
        }
      }, timeoutMs, TimeUnit.MILLISECONDS);
      ctx.writeAndFlush(out).addListener(f -> {
        if (!f.isSuccess()) {
          ctx.close();
        }
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpObject http) {
          read(http);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void read(HttpObject http) {
      Call call = current;
      if (call == null) {
        LOG.debug("unsolicited HTTP response from {}; closing the stream", peer);
        ctx.close();
        return;
      }
      if (!http.decoderResult().isSuccess()) {
        finish(call, new IllegalStateException("malformed HTTP response from " + peer + ": "
            + http.decoderResult().cause()));
        return;
      }
      if (http instanceof HttpResponse response) {
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
          status = 0; // a 1xx before the real answer: skip it
          return;
        }
        long length = HttpUtil.getContentLength(response, -1L);
        if (length > maxResponseBytes) {
          finish(call, new IllegalStateException("response from " + peer + " has " + length + " bytes, over "
              + maxResponseBytes));
          return;
        }
        status = response.status().code();
        headers = MultiMap.caseInsensitiveMultiMap();
        response.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
        body = Buffer.buffer(length >= 0 ? (int) length : 1024);
        keepAlive = HttpUtil.isKeepAlive(response);
      }
      if (http instanceof HttpContent content && status != 0) {
        ByteBuf bytes = content.content();
        if (body.length() + bytes.readableBytes() > maxResponseBytes) {
          finish(call, new IllegalStateException("response from " + peer + " is over " + maxResponseBytes
              + " bytes"));
          return;
        }
        for (ByteBuffer part : bytes.nioBuffers()) {
          ((BufferInternal) body).setBytes(body.length(), part.slice()); // Vert.x sizes by limit(): start at 0
        }
        if (http instanceof LastHttpContent) {
          OverlayHttpResponse response = new OverlayHttpResponse(status, headers, body);
          status = 0;
          headers = null;
          body = null;
          current = null;
          call.timer.cancel(false);
          call.promise.tryComplete(response);
          if (keepAlive && ctx.channel().isActive()) {
            pool.idle.add(this);
            pump(peer, pool);
          } else {
            ctx.close();
          }
        }
      }
    }

    /** Fails the call for good (no retry: the peer answered, badly) and drops the stream. */
    private void finish(Call call, Exception failure) {
      current = null;
      status = 0;
      body = null;
      call.timer.cancel(false);
      call.promise.tryFail(failure);
      ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent && current == null) {
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (done) {
        return;
      }
      done = true;
      pool.open--;
      pool.idle.remove(this);
      Call call = current;
      current = null;
      if (call != null) {
        call.timer.cancel(false);
        if (!call.retried) {
          call.retried = true; // nothing came back on this stream: try once more on a fresh one
          pool.waiting.addFirst(call);
        } else {
          call.promise.tryFail(new IllegalStateException("stream to " + peer + " closed before a response"));
        }
      }
      pump(peer, pool);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("overlay HTTP stream to {} failed: {}", peer, cause.toString());
      ctx.close();
    }
  }
}
