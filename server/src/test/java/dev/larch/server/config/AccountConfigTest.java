package dev.larch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.ratelimit.RateLimit;
import dev.larch.core.user.RegistrationPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registration, rate-limit, pool-size and client-body keys: defaults, flags, and every bad value reported. */
class AccountConfigTest {
  @Test
  void defaults_areOpenRegistration_generousLimits_pool10_1MiB() throws Exception {
    LarchConfig config = ConfigLoader.parse(null, null, Map.of());

    assertEquals(RegistrationPolicy.OPEN, config.registration().policyValue());
    assertEquals(new RateLimit(2, 100), config.rateLimits().login().value());
    assertEquals(new RateLimit(2, 100), config.rateLimits().register().value());
    assertEquals(10, config.database().poolSizeValue());
    assertEquals(1 << 20, config.client().maxBodyBytesValue());
    assertEquals(null, config.client().publicBaseUrlValue());
  }

  @Test
  void yamlAndFlags_setEveryKey() throws Exception {
    String yaml = """
        registration:
          policy: token
          tokens:
            - from-file
        rate_limits:
          login:
            per_second: 0.5
            burst: 3
        database:
          pool_size: 4
        client:
          public_base_url: https://matrix.example.org/
        """;
    RunFlags flags = RunFlags.parse(List.of("--registration-token", "a", "--registration-token", "b",
        "--rate-limits-register-burst", "7", "--client-max-body-bytes", "70000"));
    LarchConfig config = ConfigLoader.parse(yaml, "larch.yaml", flags.values(), flags.lists());

    assertEquals(RegistrationPolicy.TOKEN, config.registration().policyValue());
    assertEquals(Set.of("a", "b"), config.registration().tokenSet());
    assertEquals(new RateLimit(0.5, 3), config.rateLimits().login().value());
    assertEquals(new RateLimit(2, 7), config.rateLimits().register().value());
    assertEquals(4, config.database().poolSizeValue());
    assertEquals(70_000, config.client().maxBodyBytesValue());
    assertEquals("https://matrix.example.org", config.client().publicBaseUrlValue());
  }

  @Test
  void badValues_areAllReported_withTheirKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(null, null, Map.of(
        "registration.policy", "invite-only",
        "rate_limits.login.per_second", "0",
        "rate_limits.register.burst", "lots",
        "database.pool_size", "1",
        "client.max_body_bytes", "100",
        "client.public_base_url", "ftp://x")));
    String all = String.join("\n", e.problems());
    for (String flag : List.of("--registration-policy", "--rate-limits-login-per-second",
        "--rate-limits-register-burst", "--database-pool-size", "--client-max-body-bytes",
        "--client-public-base-url")) {
      assertTrue(all.contains(flag), flag + " not in:\n" + all);
    }
  }

  @Test
  void tokenPolicy_withoutTokens_isAProblem_andTokensAreNeverQuoted() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("registration:\n  policy: token\n", "f.yaml", Map.of()));
    assertTrue(String.join("\n", e.problems()).contains("registration.tokens"));

    ConfigException bad = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("registration:\n  tokens: [\"has space secret\"]\n", "f.yaml", Map.of()));
    assertTrue(!String.join("\n", bad.problems()).contains("has space secret"));
  }
}
