package dev.larch.server.federation;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The federation listener's certificate when none is configured: a self-signed ECDSA P-256 certificate for the
 * server's hostname, generated on first start and kept in the data dir ({@value #CERTIFICATE_FILE},
 * {@value #KEY_FILE}, the key with mode 0600), so peers that pin or cache it see the same one after a restart.
 *
 * <p>Peers accept it only with certificate verification off (Synapse's {@code federation_verify_certificates:
 * false}, Larch's {@code federation.verify_certificates: false}): fit for tests and closed networks. P-256 because
 * every TLS stack peers run accepts it; ed25519 certificates are not universally supported.
 */
final class SelfSignedCertificate {
  static final String CERTIFICATE_FILE = "federation-tls.crt";
  static final String KEY_FILE = "federation-tls.key";
  private static final long VALIDITY_DAYS = 3650;
  private static final long DAY_MS = 86_400_000L;

  private SelfSignedCertificate() {}

  /** The paths of the certificate and key in {@code dataDir}, generated for {@code hostname} if absent. */
  static Path[] loadOrCreate(Path dataDir, String hostname, SecureRandom random) throws IOException {
    Path certificate = dataDir.resolve(CERTIFICATE_FILE);
    Path key = dataDir.resolve(KEY_FILE);
    if (Files.isRegularFile(certificate) && Files.isRegularFile(key)) {
      return new Path[] {certificate, key};
    }
    KeyPair pair;
    String certificatePem;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      pair = generator.generateKeyPair();
      certificatePem = pem("CERTIFICATE", certificate(pair, hostname, random).getEncoded());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
    }
    // The key first, then the certificate: a crash in between leaves no certificate, so the next start regenerates.
    write(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
    write(certificate, certificatePem, false);
    return new Path[] {certificate, key};
  }

  private static X509Certificate certificate(KeyPair pair, String hostname, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
    long now = System.currentTimeMillis();
    GeneralName name = isAddress(hostname)
        ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(hostname).getHostAddress())
        : new GeneralName(GeneralName.dNSName, hostname);
    byte[] der = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, random).add(BigInteger.ONE),
        new Date(now - DAY_MS), new Date(now + VALIDITY_DAYS * DAY_MS), subject, pair.getPublic())
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name))
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()))
        .getEncoded();
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(der));
  }

  private static boolean isAddress(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private static String pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    out.write("-----BEGIN " + type + "-----\n");
    out.write(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der));
    out.write("\n-----END " + type + "-----\n");
    return out.toString();
  }

  /** Writes {@code text} to a temporary file (owner-only from creation when secret), then moves it into place. */
  private static void write(Path file, String text, boolean secret) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      try {
        Files.createFile(temp);
      } catch (FileAlreadyExistsException e) {
        // deleted above; a concurrent start of the same data dir is refused elsewhere
      }
    }
    Files.writeString(temp, text, StandardCharsets.US_ASCII);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
