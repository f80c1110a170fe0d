package dev.larch.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.CanonicalJson;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Canonical JSON encoding of a signed message event, the step every hash and signature starts with. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CanonicalJsonBench {
  private ObjectNode event;

  @Setup
  public void setUp() {
    event = SampleEvents.signer().hashAndSign(SampleEvents.message(), SampleEvents.version()).json();
  }

  @Benchmark
  public byte[] encode() {
    return CanonicalJson.STRICT.encode(event);
  }
}
