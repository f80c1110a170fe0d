package dev.larch.server.federation;

import dev.larch.server.StartException;
import dev.larch.server.config.FederationConfig;
import dev.larch.server.config.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The TLS listener other homeservers reach this one at ({@code federation.listen}, customarily port 8448): it serves
 * the federation router ({@code /_matrix/federation/*}, {@code /_matrix/key/*}) and nothing else, never the client
 * API. The certificate comes from {@code federation.tls_certificate}/{@code tls_private_key} (PEM), or is a
 * self-signed one kept in the data dir ({@link SelfSignedCertificate}).
 */
public final class FederationListener {
  private FederationListener() {}

  /** The certificate options for {@code config}: the configured PEM files, or the generated self-signed pair. */
  public static PemKeyCertOptions certificate(FederationConfig config, Path dataDir, String hostname)
      throws StartException {
    if (config.certificatePath().isPresent()) {
      Path certificate = config.certificatePath().get();
      Path key = config.privateKeyPath().orElseThrow();
      for (Path file : new Path[] {certificate, key}) {
        if (!Files.isReadable(file)) {
          throw new StartException("cannot read " + file + " (federation.tls_certificate / tls_private_key)");
        }
      }
      return new PemKeyCertOptions().setCertPath(certificate.toString()).setKeyPath(key.toString());
    }
    try {
      Path[] files = SelfSignedCertificate.loadOrCreate(dataDir, hostname, new SecureRandom());
      return new PemKeyCertOptions().setCertPath(files[0].toString()).setKeyPath(files[1].toString());
    } catch (IOException e) {
      throw new StartException("cannot create the self-signed federation certificate in " + dataDir + ": "
          + e.getMessage());
    }
  }

  /** Starts listening on {@code listen} with {@code certificate}, serving only {@code federationRouter}. */
  public static Future<HttpServer> start(Vertx vertx, HostPort listen, PemKeyCertOptions certificate,
      Router federationRouter) {
    HttpServerOptions options = new HttpServerOptions()
        .setSsl(true)
        .setKeyCertOptions(certificate)
        // Peers keep connections for many requests; an idle one is theirs to reopen.
        .setIdleTimeout(120);
    return vertx.createHttpServer(options).requestHandler(federationRouter).listen(listen.port(), listen.host());
  }
}
