package dev.larch.bench.overlay;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk throughput of HTTP over QUIC sessions between two nodes peered over the overlay (TCP on 127.0.0.1, one JVM),
 * against plain HTTP/1.1 on loopback TCP (Vert.x client and server) in the same run: one stream, and 16 concurrent
 * streams. One operation = one 1 MiB response body, so ops/s = MiB/s. Goal: overlay ≥ 50 % of loopback.
 * {@link SessionThroughputDriver} measures the same pairs interleaved, with CPU time per MiB, for a shared machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SessionThroughputBench {
  private static final int BODY = 1 << 20;
  private static final int STREAMS = 16;

  private OverlayPair pair;

  @Setup
  public void setUp() throws Exception {
    pair = new OverlayPair(BODY, STREAMS);
  }

  @TearDown
  public void tearDown() throws Exception {
    pair.close();
  }

  @Benchmark
  public long overlayOneStream() throws Exception {
    return pair.getAll(true, 1);
  }

  @Benchmark
  @OperationsPerInvocation(STREAMS)
  public long overlaySixteenStreams() throws Exception {
    return pair.getAll(true, STREAMS);
  }

  @Benchmark
  public long loopbackOneStream() throws Exception {
    return pair.getAll(false, 1);
  }

  @Benchmark
  @OperationsPerInvocation(STREAMS)
  public long loopbackSixteenStreams() throws Exception {
    return pair.getAll(false, STREAMS);
  }
}
