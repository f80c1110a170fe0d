package dev.larch.overlay.session;

import static dev.larch.overlay.session.SessionNode.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.Vectors;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.overlay.node.OverlayNode;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ed25519 session certificate (protocol doc 6.2) and the pinned-key check, offline and in real handshakes. */
class SessionCertificateTest {
  private final NodeKey key = Vectors.key("A");

  @Test
  void certificate_hasGosShape() throws Exception {
    X509Certificate cert = SessionCertificate.generate(key).certificate();
    String hex = key.publicKey().hex();
    assertEquals("CN=" + hex, cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal(), "self-signed");
    assertEquals(BigInteger.ONE, cert.getSerialNumber());
    assertEquals(List.of(List.of(2, hex)), cert.getSubjectAlternativeNames().stream().map(List::copyOf).toList(),
        "the only SAN is the DNS name = hex key");
    assertEquals("1.3.101.112", cert.getSigAlgOID(), "Ed25519");
    assertNull(cert.getKeyUsage());
    assertEquals(-1, cert.getBasicConstraints());
    cert.verify(cert.getPublicKey()); // signed by its own (our) key
    cert.checkValidity();
    assertTrue(cert.getNotAfter().getTime() - System.currentTimeMillis() > 364L * 86_400_000);
    assertArrayEquals(key.publicKey().toBytes(), SessionCertificate.keyOf(new Certificate[] {cert}).orElseThrow()
        .toBytes());
  }

  @Test
  void check_acceptsOnlyExactlyOneCertificateOverTheExpectedKey() {
    X509Certificate a = SessionCertificate.generate(key).certificate();
    X509Certificate b = SessionCertificate.generate(Vectors.key("B")).certificate();
    assertTrue(SessionCertificate.proves(new Certificate[] {a}, key.publicKey()));
    assertFalse(SessionCertificate.proves(new Certificate[] {b}, key.publicKey()), "another key");
    assertFalse(SessionCertificate.proves(new Certificate[] {a, b}, key.publicKey()), "two certificates");
    assertFalse(SessionCertificate.proves(new Certificate[0], key.publicKey()));
    assertFalse(SessionCertificate.proves(null, key.publicKey()));
  }

  @Test
  void wrongCertificate_connectionRefusedBothWays() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OverlayNode honest = await(OverlayNode.start(vertx, Vectors.key("A"),
          new OverlayConfig("127.0.0.1", 0, List.of(), false, true)));
      NodeKey liarKey = Vectors.key("B");
      OverlayNode liar = await(OverlayNode.start(vertx, liarKey,
          new OverlayConfig("127.0.0.1", -1, List.of(), false, true)));
      await(liar.dial("127.0.0.1:" + honest.tcpPort()));
      Sessions a = await(Sessions.start(honest, Vectors.key("A"), SessionConfig.defaults()));
      // B's overlay key, but a certificate over C's key: the trust managers must refuse it on both sides.
      Sessions b = await(Sessions.start(liar, SessionCertificate.generate(Vectors.key("C")),
          SessionConfig.defaults()));
      PublicKey bKey = liarKey.publicKey();
      assertRefused(a, bKey, "A dialling B (B's certificate is not over B's key)");
      assertRefused(b, honest.publicKey(), "B dialling A (A refuses B's client certificate)");
      assertTrue(await(a.peers()).isEmpty() && await(b.peers()).isEmpty(), "no connection kept");
      await(a.close());
      await(b.close());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A dial fails (not hangs), for a reason other than the overlay never delivering: tries a few times for routes. */
  private static void assertRefused(Sessions from, PublicKey to, String what) throws Exception {
    for (int attempt = 0; attempt < 5; attempt++) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(from.dial(to)), what);
      String message = String.valueOf(e.getCause());
      if (!message.contains("timed out") && !message.contains("Timeout")) {
        System.err.println("[sessions] " + what + ": " + message);
        return; // a TLS alert or CONNECTION_CLOSE, not silence
      }
    }
    throw new AssertionError(what + ": the dial only ever timed out");
  }
}
