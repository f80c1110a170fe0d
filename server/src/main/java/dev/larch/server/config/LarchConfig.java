package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole node configuration, as read from {@code conf/larch.yaml} and the command line.
 *
 * <p>Immutable, and composed of one record per area, so each module's settings can later move next to the module
 * that uses them (HikariCP's sealed-config idea). {@link #validate()} reports every problem at once, in the manner
 * of Dendrite's {@code Verify(configErrs)}.
 *
 * @param dataDir where the key, database and media live (key {@code data_dir})
 * @param serverName the classic-mode server name, or {@code null} for peer-to-peer mode (key {@code server_name})
 * @param client the client API listener (section {@code client})
 * @param database the database (section {@code database})
 * @param registration who may register (section {@code registration})
 * @param rateLimits login and registration rate limits (section {@code rate_limits})
 * @param media the content repository (section {@code media})
 * @param overlay the Pinecone overlay (section {@code overlay})
 * @param federation federation over HTTPS (section {@code federation})
 */
public record LarchConfig(
    @JsonProperty("data_dir") String dataDir,
    @JsonProperty("server_name") String serverName,
    @JsonProperty("client") ClientConfig client,
    @JsonProperty("database") DatabaseConfig database,
    @JsonProperty("registration") RegistrationConfig registration,
    @JsonProperty("rate_limits") RateLimitsConfig rateLimits,
    @JsonProperty("media") MediaConfig media,
    @JsonProperty("overlay") OverlaySettings overlay,
    @JsonProperty("federation") FederationConfig federation) {

  /** The built-in defaults; {@code conf/larch.yaml} documents exactly these values. */
  public static LarchConfig defaults() {
    return new LarchConfig(
        "./data", null, ClientConfig.defaults(), DatabaseConfig.defaults(), RegistrationConfig.defaults(),
        RateLimitsConfig.defaults(), MediaConfig.defaults(), OverlaySettings.defaults(), FederationConfig.defaults());
  }

  /** Every problem with this config, each naming its key; empty when the config is usable. */
  public List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>();
    if (dataDir == null || dataDir.isBlank()) {
      problems.add(new ConfigProblem("data_dir", "must not be empty"));
    } else {
      try {
        Path.of(dataDir);
      } catch (InvalidPathException e) {
        problems.add(new ConfigProblem("data_dir", "\"" + dataDir + "\" is not a valid path"));
      }
    }
    if (serverName != null) {
      ServerNameRule.check(serverName).ifPresent(m -> problems.add(new ConfigProblem("server_name", m)));
    }
    problems.addAll(client.validate());
    problems.addAll(database.validate());
    problems.addAll(registration.validate());
    problems.addAll(rateLimits.validate());
    problems.addAll(media.validate());
    problems.addAll(overlay.validate());
    problems.addAll(federation.validate());
    return problems;
  }

  /** The data dir as a path (relative paths resolve against the working directory). */
  public Path dataPath() {
    return Path.of(dataDir);
  }

  /**
   * Whether this node runs the Pinecone overlay: {@code overlay.enabled} if set, else only in P2P mode, where the
   * overlay is how the node federates at all; a classic node federates over HTTPS and gains nothing from it unless
   * asked.
   */
  public boolean overlayRuns() {
    return overlay.runs(serverName == null);
  }

  /** The classic-mode server name, or empty in peer-to-peer mode. */
  public Optional<String> classicServerName() {
    return Optional.ofNullable(serverName);
  }
}
