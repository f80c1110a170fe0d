package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client API listener: YAML section {@code client}.
 *
 * @param listen {@code HOST:PORT} the client API listens on (key {@code client.listen})
 * @param publicBaseUrl the URL clients reach this server at, served in {@code /.well-known/matrix/client} and login
 *     responses; {@code null} derives it from each request's {@code Host} (key {@code client.public_base_url})
 * @param maxBodyBytes the largest request body accepted, in bytes; larger is 413 {@code M_TOO_LARGE} (key
 *     {@code client.max_body_bytes})
 */
public record ClientConfig(
    @JsonProperty("listen") String listen,
    @JsonProperty("public_base_url") String publicBaseUrl,
    @JsonProperty("max_body_bytes") String maxBodyBytes) {

  /** The defaults: loopback only, on the port Matrix clients try first; 1 MiB bodies; base URL from the request. */
  public static ClientConfig defaults() {
    return new ClientConfig("127.0.0.1:8008", null, "1048576");
  }

  /** The parsed listen address; call only on a validated config. */
  public HostPort listenAddress() {
    return HostPort.parse(listen);
  }

  /** The body limit in bytes; validated config only. */
  public long maxBodyBytesValue() {
    return Long.parseLong(maxBodyBytes.strip());
  }

  /** The public base URL without a trailing slash, or null; validated config only. */
  public String publicBaseUrlValue() {
    if (publicBaseUrl == null || publicBaseUrl.isBlank()) {
      return null;
    }
    String url = publicBaseUrl.strip();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>();
    try {
      HostPort.parse(listen);
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigProblem("client.listen", e.getMessage()));
    }
    ConfigValues.add(problems, ConfigValues.intProblem("client.max_body_bytes", maxBodyBytes, 65_536, 1L << 30));
    if (publicBaseUrl != null && !publicBaseUrl.isBlank()) {
      try {
        URI uri = new URI(publicBaseUrl.strip());
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          problems.add(new ConfigProblem("client.public_base_url", "must be an http:// or https:// URL"));
        }
      } catch (URISyntaxException e) {
        problems.add(new ConfigProblem("client.public_base_url", "is not a URL: " + e.getReason()));
      }
    }
    return problems;
  }
}
