package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.keys.TrustedKeyServer;
import dev.larch.core.id.ServerName;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Federation over HTTPS: YAML section {@code federation}.
 *
 * @param listen {@code HOST:PORT} of the TLS federation listener, or {@code null} for none (key
 *     {@code federation.listen})
 * @param tlsCertificate PEM certificate (chain) of the listener, or {@code null} for a self-signed one generated in
 *     the data dir (key {@code federation.tls_certificate})
 * @param tlsPrivateKey PEM private key for {@code tlsCertificate} (key {@code federation.tls_private_key})
 * @param verifyCertificates {@code true} or {@code false}: verify other servers' certificates (key
 *     {@code federation.verify_certificates})
 * @param allowLoopback {@code true} or {@code false}: let server names resolve to loopback addresses (key
 *     {@code federation.allow_loopback})
 * @param trustedKeyServers notaries, each {@code NAME} or {@code NAME KEY_ID BASE64_KEY} (key
 *     {@code federation.trusted_key_servers}, flag {@code --trusted-key-server}, repeatable)
 * @param keyValidityHours how far ahead our published keys are valid (key {@code federation.key_validity_hours})
 * @param wellKnownServer the {@code m.server} served at {@code /.well-known/matrix/server} on the client port, or
 *     {@code null} to serve none (key {@code federation.well_known_server})
 */
public record FederationConfig(
    @JsonProperty("listen") String listen,
    @JsonProperty("tls_certificate") String tlsCertificate,
    @JsonProperty("tls_private_key") String tlsPrivateKey,
    @JsonProperty("verify_certificates") String verifyCertificates,
    @JsonProperty("allow_loopback") String allowLoopback,
    @JsonProperty("trusted_key_servers") List<String> trustedKeyServers,
    @JsonProperty("key_validity_hours") String keyValidityHours,
    @JsonProperty("well_known_server") String wellKnownServer) {

  /** Null-safe: {@code trusted_key_servers:} with nothing after it means none. */
  public FederationConfig {
    trustedKeyServers = trustedKeyServers == null ? List.of() : List.copyOf(trustedKeyServers);
  }

  /**
   * The defaults: no listener (set one for classic federation), certificates verified, loopback refused, no
   * notaries, keys published for a day (Synapse's refresh interval), no well-known.
   */
  public static FederationConfig defaults() {
    return new FederationConfig(null, null, null, "true", "false", List.of(), "24", null);
  }

  /** The listen address, if any; validated config only. */
  public Optional<HostPort> listenAddress() {
    return blank(listen) ? Optional.empty() : Optional.of(HostPort.parse(listen.strip(), "0.0.0.0:8448"));
  }

  /** The configured certificate and key paths, if set; validated config only. */
  public Optional<Path> certificatePath() {
    return blank(tlsCertificate) ? Optional.empty() : Optional.of(Path.of(tlsCertificate.strip()));
  }

  public Optional<Path> privateKeyPath() {
    return blank(tlsPrivateKey) ? Optional.empty() : Optional.of(Path.of(tlsPrivateKey.strip()));
  }

  public boolean verifyCertificatesValue() {
    return Boolean.parseBoolean(verifyCertificates.strip());
  }

  public boolean allowLoopbackValue() {
    return Boolean.parseBoolean(allowLoopback.strip());
  }

  public Duration keyValidity() {
    return Duration.ofHours(Long.parseLong(keyValidityHours.strip()));
  }

  /** The well-known {@code m.server}, if set; validated config only. */
  public Optional<String> wellKnownServerValue() {
    return blank(wellKnownServer) ? Optional.empty() : Optional.of(wellKnownServer.strip());
  }

  /** The notaries; validated config only. */
  public List<TrustedKeyServer> trustedKeyServerList() {
    List<TrustedKeyServer> servers = new ArrayList<>();
    for (String entry : trustedKeyServers) {
      String[] parts = entry.strip().split("\\s+");
      servers.add(new TrustedKeyServer(parts[0],
          parts.length == 3 ? List.of(VerifyKey.fromBase64(parts[1], parts[2])) : List.of()));
    }
    return servers;
  }

  List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>();
    if (!blank(listen)) {
      try {
        HostPort.parse(listen.strip(), "0.0.0.0:8448");
      } catch (IllegalArgumentException e) {
        problems.add(new ConfigProblem("federation.listen", e.getMessage()));
      }
    }
    if (blank(tlsCertificate) != blank(tlsPrivateKey)) {
      problems.add(new ConfigProblem(blank(tlsCertificate) ? "federation.tls_certificate"
          : "federation.tls_private_key", "federation.tls_certificate and federation.tls_private_key go together:"
          + " set both, or neither for a generated self-signed certificate"));
    }
    pathProblem("federation.tls_certificate", tlsCertificate).ifPresent(problems::add);
    pathProblem("federation.tls_private_key", tlsPrivateKey).ifPresent(problems::add);
    booleanProblem("federation.verify_certificates", verifyCertificates).ifPresent(problems::add);
    booleanProblem("federation.allow_loopback", allowLoopback).ifPresent(problems::add);
    ConfigValues.add(problems, ConfigValues.intProblem("federation.key_validity_hours", keyValidityHours, 1, 168));
    for (String entry : trustedKeyServers) {
      trustedKeyServerProblem(entry).ifPresent(m -> problems.add(new ConfigProblem("federation.trusted_key_servers",
          m)));
    }
    if (!blank(wellKnownServer) && !ServerName.isValid(wellKnownServer.strip())) {
      problems.add(new ConfigProblem("federation.well_known_server", "\"" + wellKnownServer
          + "\" is not a server name: expected host or host:port, e.g. matrix.example.org:443"));
    }
    return problems;
  }

  private static Optional<String> trustedKeyServerProblem(String entry) {
    String[] parts = entry == null ? new String[0] : entry.strip().split("\\s+");
    if (parts.length == 0 || parts[0].isEmpty() || (parts.length != 1 && parts.length != 3)) {
      return Optional.of("each entry must be NAME or NAME KEY_ID BASE64_KEY, e.g. matrix.org ed25519:auto Noi6W…,"
          + " but one is \"" + entry + "\"");
    }
    if (!ServerName.isValid(parts[0])) {
      return Optional.of("\"" + parts[0] + "\" is not a server name");
    }
    if (parts.length == 3) {
      try {
        VerifyKey.fromBase64(parts[1], parts[2]);
      } catch (IllegalArgumentException e) {
        return Optional.of("the key of " + parts[0] + " is not an ed25519 key ID and unpadded base64 key: "
            + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static Optional<ConfigProblem> pathProblem(String key, String value) {
    if (blank(value)) {
      return Optional.empty();
    }
    try {
      Path.of(value.strip());
      return Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.of(new ConfigProblem(key, "\"" + value + "\" is not a valid path"));
    }
  }

  private static Optional<ConfigProblem> booleanProblem(String key, String value) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Optional.empty();
    }
    return Optional.of(new ConfigProblem(key, "must be true or false, but is \"" + (value == null ? "" : value)
        + "\""));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
