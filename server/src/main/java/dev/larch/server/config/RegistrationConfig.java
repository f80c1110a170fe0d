package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.larch.core.user.RegistrationPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who may register: YAML section {@code registration}.
 *
 * @param policy {@code open}, {@code token} or {@code closed} (key {@code registration.policy})
 * @param tokens the registration tokens accepted when the policy is {@code token} (key {@code registration.tokens},
 *     flag {@code --registration-token}, repeatable)
 */
public record RegistrationConfig(
    @JsonProperty("policy") String policy, @JsonProperty("tokens") List<String> tokens) {

  /** Null-safe: {@code tokens:} with nothing after it means none. */
  public RegistrationConfig {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  /** The defaults: open registration (the client port listens on loopback), no tokens. */
  public static RegistrationConfig defaults() {
    return new RegistrationConfig("open", List.of());
  }

  /** The policy; validated config only. */
  public RegistrationPolicy policyValue() {
    return RegistrationPolicy.fromConfig(policy).orElseThrow();
  }

  /** The tokens as a set; validated config only. */
  public Set<String> tokenSet() {
    return Set.copyOf(tokens);
  }

  List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>();
    var parsed = RegistrationPolicy.fromConfig(policy);
    if (parsed.isEmpty()) {
      problems.add(new ConfigProblem("registration.policy",
          "must be open, token or closed, but is \"" + (policy == null ? "" : policy) + "\""));
    } else if (parsed.get() == RegistrationPolicy.TOKEN && tokens.isEmpty()) {
      problems.add(new ConfigProblem("registration.tokens",
          "must list at least one token when registration.policy is token"));
    }
    for (String token : tokens) {
      // The token itself is never quoted back: it is a secret.
      if (token.isBlank() || token.length() > 64 || !token.matches("[A-Za-z0-9._~-]+")) {
        problems.add(new ConfigProblem("registration.tokens",
            "each token must be 1 to 64 characters of A-Z a-z 0-9 . _ ~ -"));
      }
    }
    return problems;
  }
}
