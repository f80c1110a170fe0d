package dev.larch.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Signing a new event (content hash, redaction, canonical JSON, ed25519) and the full check of a received one
 * (content hash plus signature over the redacted form): the per-event cost of sending and of federation inbound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SigningBench {
  private EventSigner signer;
  private ObjectNode unsigned;
  private Pdu signed;
  private PduVerifier.KeyLookup keys;

  @Setup
  public void setUp() {
    signer = SampleEvents.signer();
    unsigned = SampleEvents.message();
    signed = signer.hashAndSign(unsigned, SampleEvents.version());
    VerifyKey verifyKey = signer.verifyKey();
    keys = (server, keyId) -> Optional.of(verifyKey);
    EventVerdict verdict = PduVerifier.verify(signed, keys);
    if (!verdict.contentHashOk() || !verdict.isSignedBy(SampleEvents.SERVER)) {
      throw new IllegalStateException("benchmark event does not verify: " + verdict);
    }
  }

  @Benchmark
  public Pdu sign() {
    return signer.hashAndSign(unsigned, SampleEvents.version());
  }

  @Benchmark
  public EventVerdict verify() {
    return PduVerifier.verify(signed, keys);
  }
}
