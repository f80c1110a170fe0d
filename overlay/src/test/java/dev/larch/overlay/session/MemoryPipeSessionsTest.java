package dev.larch.overlay.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larch.overlay.Vectors;
import dev.larch.overlay.http.OverlayHttpClient;
import dev.larch.overlay.http.OverlayHttpResponse;
import dev.larch.overlay.http.OverlayHttpServer;
import dev.larch.overlay.identity.NodeKey;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sessions layer over {@link MemoryPipe} (no overlay): the seam {@link SessionThroughputProbe} measures QUIC
 * through works, and large bodies arrive intact both ways (8 requests of 1 MiB at once, over many QUIC packets).
 */
class MemoryPipeSessionsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void megabyteBodies_bothWays_overAnInMemoryPipe() throws Exception {
    NodeKey a = Vectors.key("A");
    NodeKey b = Vectors.key("B");
    DatagramPort[] ports = MemoryPipe.pair(vertx, a.publicKey(), b.publicKey());
    Sessions left = await(Sessions.start(ports[0], SessionCertificate.generate(a), SessionConfig.defaults()));
    Sessions right = await(Sessions.start(ports[1], SessionCertificate.generate(b), SessionConfig.defaults()));
    byte[] blob = new byte[1 << 20];
    new Random(6).nextBytes(blob);
    OverlayHttpServer.attach(right, 2 << 20, 64 << 20, request -> Future.succeededFuture(
        OverlayHttpResponse.of(200, "application/octet-stream", request.body().appendBytes(blob))));
    OverlayHttpClient client = new OverlayHttpClient(left, 8, 4 << 20, 30_000);
    List<Future<OverlayHttpResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(client.request(b.publicKey(), "POST", "/echo", MultiMap.caseInsensitiveMultiMap(),
          Buffer.buffer(blob)));
    }
    for (Future<OverlayHttpResponse> answer : answers) {
      byte[] body = await(answer).body().getBytes();
      assertEquals(2 << 20, body.length);
      assertArrayEquals(blob, java.util.Arrays.copyOfRange(body, 0, blob.length), "request body echoed");
      assertArrayEquals(blob, java.util.Arrays.copyOfRange(body, blob.length, body.length), "response body");
    }
    assertEquals(0, await(left.counters())[0], "no QUIC packet over 1200 bytes");
    assertEquals(0, await(right.counters())[0], "no QUIC packet over 1200 bytes");
    await(left.close());
    await(right.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
