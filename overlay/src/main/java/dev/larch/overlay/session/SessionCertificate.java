package dev.larch.overlay.session;

import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The node's TLS identity for QUIC sessions: a self-signed X.509 certificate over its own ed25519 Pinecone key, and
 * the check that a peer's certificate carries the key we expect.
 *
 * <p>Protocol doc 6.2 (Go's {@code generateTLSCertificate}): subject CN and the only DNS SAN are the lowercase
 * 64-hex key, serial 1, signature Ed25519, no key usage or basic constraints, valid for a year. Go's NotBefore is
 * "unset" (year 1); we use one day ago, which Go's {@code InsecureSkipVerify} client never looks at either.
 */
public final class SessionCertificate {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it. */
  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  /** DER prefix of an Ed25519 PKCS#8 private key (RFC 8410); the 32-byte seed follows it. */
  private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
      0x70, 0x04, 0x22, 0x04, 0x20};
  private static final long DAY_MS = 86_400_000L;

  private final X509Certificate certificate;
  private final PrivateKey privateKey;

  private SessionCertificate(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  /** A fresh certificate for {@code key}, valid from a day ago for 365 days. */
  public static SessionCertificate generate(NodeKey key) {
    try {
      KeyFactory factory = KeyFactory.getInstance("Ed25519");
      PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, key.seed())));
      java.security.PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(
          concat(SPKI_PREFIX, key.publicKey().toBytes())));
      String hex = key.publicKey().hex();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hex).build();
      long now = System.currentTimeMillis();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
          new Date(now - DAY_MS), new Date(now + 365 * DAY_MS), subject, publicKey)
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(new GeneralName(GeneralName.dNSName, hex)));
      byte[] der = builder.build(new JcaContentSignerBuilder("Ed25519").build(privateKey)).getEncoded();
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      return new SessionCertificate(certificate, privateKey);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
        | java.io.IOException e) {
      throw new IllegalStateException("cannot build the session certificate (no Ed25519 in this JDK?)", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /**
   * The Pinecone key a peer's certificate chain proves, as Go's checks in {@code sessions/dial.go} and
   * {@code listen.go}: exactly one certificate whose key is Ed25519. Empty for anything else; never throws.
   */
  public static Optional<PublicKey> keyOf(java.security.cert.Certificate[] chain) {
    if (chain == null || chain.length != 1 || !(chain[0] instanceof X509Certificate cert)) {
      return Optional.empty();
    }
    byte[] spki = cert.getPublicKey() == null ? null : cert.getPublicKey().getEncoded();
    if (spki == null || spki.length != SPKI_PREFIX.length + PublicKey.LENGTH
        || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      return Optional.empty();
    }
    return Optional.of(PublicKey.read(spki, SPKI_PREFIX.length));
  }

  /** Whether {@code chain} is exactly one Ed25519 certificate over {@code expected}. */
  public static boolean proves(java.security.cert.Certificate[] chain, PublicKey expected) {
    return keyOf(chain).filter(expected::equals).isPresent();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
