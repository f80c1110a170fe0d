package dev.larch.overlay.session;

import dev.larch.overlay.identity.PublicKey;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The two BoringSSL contexts of a node's QUIC endpoint: TLS 1.3, our ed25519 certificate on both sides, client
 * certificate required, ALPN {@code matrix}, signature scheme ed25519 (0x0807) only, and a trust manager that accepts
 * exactly the Pinecone key the connection is bound to (protocol doc 6.2; spike traps 1-3).
 *
 * <p>The expected key travels as the engine's "peer host" (64 hex digits: no dot, so Netty sends no SNI), set per
 * connection by the codec's engine provider from the overlay address; BoringSSL's verify callback then hands the
 * engine to {@link PinnedKeyTrustManager}, which reads it back from the handshake session.
 */
final class SessionTls {
  static final String ALPN = "matrix";
  private static final String ALIAS = "pinecone";
  private static final String[] ED25519_ONLY = {"ed25519"};

  private SessionTls() {
  }

  static QuicSslContext server(SessionCertificate identity) {
    return QuicSslContextBuilder.forServer(new SingleKeyManager(identity), null)
        .clientAuth(ClientAuth.REQUIRE)
        .trustManager(new PinnedKeyTrustManager())
        .applicationProtocols(ALPN)
        .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, ED25519_ONLY)
        .earlyData(false)
        .build();
  }

  static QuicSslContext client(SessionCertificate identity) {
    return QuicSslContextBuilder.forClient()
        .keyManager(new SingleKeyManager(identity), null)
        .trustManager(new PinnedKeyTrustManager())
        .applicationProtocols(ALPN)
        .option(BoringSSLContextOption.SIGNATURE_ALGORITHMS, ED25519_ONLY)
        .earlyData(false)
        .build();
  }

  /** Netty's own key selection only knows RSA/EC key types (spike trap 2): always offer our one ed25519 key. */
  private static final class SingleKeyManager extends X509ExtendedKeyManager {
    private final SessionCertificate identity;

    SingleKeyManager(SessionCertificate identity) {
      this.identity = identity;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {identity.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return identity.privateKey();
    }
  }

  /**
   * No CA: the peer must present exactly one ed25519 certificate over the key this connection is bound to (the
   * dialled key, or the overlay source key of an inbound connection's packets).
   */
  static final class PinnedKeyTrustManager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain, engine);
    }

    /** The engine's peer host is the expected key; Netty leaves {@code getPeerHost()} null (spike trap 3). */
    static void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
      SSLSession session = engine == null ? null : engine.getHandshakeSession();
      String expectedHex = session == null ? null : session.getPeerHost();
      PublicKey expected;
      try {
        expected = PublicKey.parse(expectedHex);
      } catch (IllegalArgumentException e) {
        throw new CertificateException("no expected Pinecone key bound to this connection");
      }
      if (!SessionCertificate.proves(chain, expected)) {
        throw new CertificateException("peer certificate does not carry the Pinecone key " + expected
            + " (got " + SessionCertificate.keyOf(chain).map(PublicKey::hex).orElse("no single ed25519 key") + ")");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("sessions verify through the SSLEngine only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("sessions verify through the SSLEngine only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("sessions verify through the SSLEngine only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("sessions verify through the SSLEngine only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
