package dev.larch.server.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flags of {@code larch run}: {@code --config FILE}, {@code --help}, one flag per config key (see {@link
 * ConfigLoader#flagFor}), each written {@code --flag VALUE} or {@code --flag=VALUE}, and {@code --no-multicast}.
 *
 * <p>A flag of a single-value key may be repeated and the last one wins, so scripts can append overrides. A flag of
 * a list key ({@code --static-peer}) collects one element per use, and the list replaces the config file's.
 * {@code --no-multicast} is the one switch without a value: it reads better than {@code --overlay-multicast false},
 * which also works, and it is the name Pinecone's tools use.
 *
 * @param configFile the {@code --config} file, if given
 * @param values single-value flags by dotted config key, to apply over the config file
 * @param lists list flags by dotted config key, each in command-line order, to replace the config file's lists
 * @param help whether {@code --help} was asked for
 */
public record RunFlags(
    Optional<Path> configFile, Map<String, String> values, Map<String, List<String>> lists, boolean help) {

  /** The text {@code larch run --help} prints. */
  public static final String USAGE =
      """
      Usage: ./larch run [flags]

      Starts a Larch node. Every flag is also a key in conf/larch.yaml; flags win over the file.

        --config FILE          config file (default: conf/larch.yaml next to the launcher, if present)
        --data-dir DIR         key, database and media (default ./data)               key data_dir
        --server-name NAME     classic mode under this DNS name; without it the node
                               runs peer-to-peer, named by its key                     key server_name
        --client-listen H:P    client API address (default 127.0.0.1:8008); other
                               nodes can also peer at ws://H:P/ws                      key client.listen
        --database-url URL     JDBC URL (default: H2 file in the data dir)             key database.url
        --database-pool-size N most database connections, and client API workers
                               (default 10)                                            key database.pool_size
        --client-max-body-bytes N  largest request body (default 1048576)              key client.max_body_bytes
        --client-public-base-url URL  the URL clients use, for .well-known (default:
                               from the request's Host)                                key client.public_base_url

      Registration and rate limits:
        --registration-policy P  open, token or closed (default open)                  key registration.policy
        --registration-token T   a token accepted when the policy is token; repeat
                                 for more (replaces the file's list)                   key registration.tokens
        --rate-limits-login-per-second R     logins per second per address and user
                                             after the burst (default 2)               key rate_limits.login.per_second
        --rate-limits-login-burst N          logins at once (default 100)              key rate_limits.login.burst
        --rate-limits-register-per-second R  registrations per second per address
                                             after the burst (default 2)               key rate_limits.register.per_second
        --rate-limits-register-burst N       registrations at once (default 100)       key rate_limits.register.burst

      Media:
        --media-max-upload-bytes N  largest upload (default 52428800, 50 MiB)         key media.max_upload_bytes

      Peer-to-peer (the Pinecone overlay):
        --overlay-enabled B    true/false (default: on in P2P mode only)               key overlay.enabled
        --overlay-listen H:P   TCP peering (default 0.0.0.0:5977; port 0: any)         key overlay.listen
        --static-peer PEER     keep this peer connected: host:port, ws://… or wss://…;
                               repeat for more (replaces the file's list)              key overlay.static_peers
        --overlay-multicast B  find peers on the LAN by multicast (default true)       key overlay.multicast
        --no-multicast         the same as --overlay-multicast false
        --relay B              hold transactions for P2P servers that are away
                               (default false)                                         key overlay.relay
        --relay-server HEX     a trusted relay: collect from it, hand it what cannot
                               be delivered; repeat for more                           key overlay.relays

      Federation over HTTPS (classic mode):
        --federation-listen H:P  TLS listener for other servers, e.g. 0.0.0.0:8448
                                 (default: none)                                       key federation.listen
        --federation-tls-certificate FILE  PEM certificate chain (default: a
                                 self-signed one generated in the data dir)            key federation.tls_certificate
        --federation-tls-private-key FILE  PEM private key of that certificate        key federation.tls_private_key
        --federation-verify-certificates B  check other servers' certificates
                                 (default true; false for self-signed test peers)      key federation.verify_certificates
        --federation-allow-loopback B  let server names resolve to 127.0.0.1/::1
                                 (default false; true for local tests)                 key federation.allow_loopback
        --trusted-key-server S   a notary for other servers' keys: NAME or
                                 "NAME KEY_ID KEY"; repeat for more                    key federation.trusted_key_servers
        --federation-key-validity-hours N  how long peers may cache our keys
                                 (default 24)                                          key federation.key_validity_hours
        --federation-well-known-server S  serve /.well-known/matrix/server with this
                                 m.server on the client port (default: none)           key federation.well_known_server

        --help                 this text

      Flags may also be written --flag=VALUE.
      """;

  private static final String NO_MULTICAST = "--no-multicast";

  /** Immutable copies, so a parsed command line cannot change under the config loader. */
  public RunFlags {
    values = Map.copyOf(values);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    lists.forEach((key, list) -> copy.put(key, List.copyOf(list)));
    lists = Map.copyOf(copy);
  }

  /**
   * Parses {@code args}.
   *
   * @throws ConfigException naming every unknown flag, missing value or stray argument
   */
  public static RunFlags parse(List<String> args) throws ConfigException {
    Map<String, String> keysByFlag = new LinkedHashMap<>();
    for (String key : ConfigLoader.keys()) {
      keysByFlag.put(ConfigLoader.flagFor(key), key);
    }
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, List<String>> lists = new LinkedHashMap<>();
    Optional<Path> configFile = Optional.empty();
    boolean help = false;
    List<String> problems = new ArrayList<>();

    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        problems.add("unexpected argument \"" + arg + "\" (flags start with --; see ./larch run --help)");
        continue;
      }
      int eq = arg.indexOf('=');
      String flag = eq < 0 ? arg : arg.substring(0, eq);
      if (flag.equals(NO_MULTICAST)) {
        if (eq >= 0) {
          problems.add(NO_MULTICAST + " takes no value (use --overlay-multicast=true|false to give one)");
        } else {
          values.put("overlay.multicast", "false");
        }
        continue;
      }
      if (!flag.equals("--config") && !keysByFlag.containsKey(flag)) {
        problems.add("unknown flag " + flag + " (see ./larch run --help)");
        if (eq < 0 && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
          i++; // most likely the unknown flag's value: one message is clearer than two
        }
        continue;
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        value = args.get(++i);
      } else {
        problems.add(flag + " needs a value");
        continue;
      }
      if (flag.equals("--config")) {
        if (value.isBlank()) {
          problems.add("--config needs a file name");
        } else {
          try {
            configFile = Optional.of(Path.of(value));
          } catch (InvalidPathException e) {
            problems.add("--config: \"" + value + "\" is not a valid file name");
          }
        }
        continue;
      }
      String key = keysByFlag.get(flag);
      if (ConfigLoader.isList(key)) {
        lists.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      } else {
        values.put(key, value);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new RunFlags(configFile, values, lists, help);
  }
}
