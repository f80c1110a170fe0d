package dev.larch.overlay.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-peer write queues: protocol first, traffic head-dropped, a peer that stops reading is dropped. */
class PeerLinkQueueTest {
  /** A pipe whose "socket buffer" is full until the test drains it. */
  private static final class FakeTransport implements PeerLink.Transport {
    final List<String> written = new ArrayList<>();
    boolean full;
    boolean closed;
    Runnable drained;
    int batchBytes; // 0: a message transport (one write per frame)

    @Override
    public int batchBytes() {
      return batchBytes;
    }

    @Override
    public void write(Buffer bytes) {
      written.add(bytes.toString());
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public void drainHandler(Runnable drained) {
      this.drained = drained;
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String uri() {
      return "fake";
    }

    @Override
    public void bind(Handler<Buffer> bytes, Runnable closed) {
    }

    void drain() {
      full = false;
      drained.run();
    }
  }

  private final FakeTransport transport = new FakeTransport();
  private long now = 1_000;
  private final PeerLink link = new PeerLink(transport, "", true, () -> now);

  private static byte[] frame(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void writesGoStraightThrough_whileThePeerReads() {
    link.write(frame("p1"), false);
    link.write(frame("t1"), true);
    assertEquals(List.of("p1", "t1"), transport.written);
    assertEquals(0, link.queued());
  }

  @Test
  void protocolFramesOvertakeQueuedTraffic_whenTheTransportDrains() {
    transport.full = true;
    link.write(frame("t1"), true);
    link.write(frame("t2"), true);
    link.write(frame("p1"), false);
    assertTrue(transport.written.isEmpty());
    transport.drain();
    assertEquals(List.of("p1", "t1", "t2"), transport.written);
  }

  @Test
  void aByteStream_getsTheFramesOfOneTurnAsOneWrite_protocolFirst() {
    FakeTransport stream = new FakeTransport();
    stream.batchBytes = 64;
    List<Runnable> endOfTurn = new ArrayList<>();
    PeerLink batching = new PeerLink(stream, "", true, () -> now, endOfTurn::add);
    batching.write(frame("t1"), true);
    batching.write(frame("p1"), false);
    batching.write(frame("t2"), true);
    assertTrue(stream.written.isEmpty(), "nothing leaves before the end of the turn");
    assertEquals(1, endOfTurn.size(), "one write scheduled for the turn, not one per frame");
    endOfTurn.get(0).run();
    assertEquals(List.of("p1t1t2"), stream.written);
    assertEquals(0, batching.queued());
  }

  @Test
  void aFullBatch_leavesAtOnce_andNoWriteExceedsTheBatchSize() {
    FakeTransport stream = new FakeTransport();
    stream.batchBytes = 6;
    List<Runnable> endOfTurn = new ArrayList<>();
    PeerLink batching = new PeerLink(stream, "", true, () -> now, endOfTurn::add);
    batching.write(frame("aaa"), true);
    batching.write(frame("bbb"), true); // 6 bytes queued: a whole batch, written now
    assertEquals(List.of("aaabbb"), stream.written);
    batching.write(frame("cccc"), true);
    batching.write(frame("dd"), true); // 6 bytes again
    assertEquals(List.of("aaabbb", "ccccdd"), stream.written);
    batching.write(frame("eeee"), true);
    endOfTurn.forEach(Runnable::run);
    assertEquals(List.of("aaabbb", "ccccdd", "eeee"), stream.written);
  }

  @Test
  void trafficQueue_isBounded_andDropsTheOldestFrame() {
    transport.full = true;
    for (int i = 0; i < PeerLink.TRAFFIC_QUEUE_FRAMES + 10; i++) {
      link.write(frame("t" + i), true);
    }
    assertEquals(PeerLink.TRAFFIC_QUEUE_FRAMES, link.queued());
    assertEquals(10, link.trafficDropped);
    assertFalse(transport.closed, "losing datagrams never costs the peering");
    transport.drain();
    assertEquals("t10", transport.written.get(0), "head drop: t0..t9 went");
  }

  @Test
  void protocolQueueOverflow_dropsThePeering_withBoundedMemory() {
    transport.full = true;
    for (int i = 0; i <= PeerLink.PROTO_QUEUE_FRAMES; i++) {
      link.write(frame("p" + i), false);
    }
    assertTrue(transport.closed);
    assertTrue(link.closeReason.contains("protocol write queue overflow"), link.closeReason);
    assertEquals(0, link.queued(), "queues are freed on close");
    link.write(frame("late"), false);
    assertEquals(0, link.queued());
  }

  @Test
  void aTransportFullForThreeSeconds_isDropped_asGoWriteDeadline() {
    link.write(frame("p1"), false);
    transport.full = true; // the peer stopped reading after p1
    link.write(frame("p2"), false);
    now += PeerLink.WRITE_STALL_MS - 1;
    link.checkStall(now);
    assertFalse(transport.closed, "2.999 s is within Go's deadline");
    now += 1;
    link.checkStall(now);
    assertTrue(transport.closed);
    assertTrue(link.closeReason.contains("write stalled"), link.closeReason);
  }

  @Test
  void aDrainInTime_resetsTheStallClock() {
    transport.full = true;
    link.write(frame("p1"), false);
    now += 2_000;
    transport.drain();
    transport.full = true;
    link.write(frame("p2"), false);
    now += 2_000; // 4 s since the first stall began, 2 s since the second
    link.checkStall(now);
    assertFalse(transport.closed);
    assertEquals(List.of("p1"), transport.written);
  }
}
