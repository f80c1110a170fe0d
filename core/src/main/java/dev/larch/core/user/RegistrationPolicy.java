package dev.larch.core.user;

import java.util.Locale;
import java.util.Optional;

/**
 * Who may register an account: anyone ({@link #OPEN}, the default, since the client port listens on loopback),
 * holders of a configured registration token ({@link #TOKEN}), or nobody ({@link #CLOSED}: 403 {@code M_FORBIDDEN}).
 *
 * <p>Spec: client-server API v1.11, "Account registration" and "Token-authenticated registration"
 * ({@code m.login.registration_token}).
 */
public enum RegistrationPolicy {
  OPEN,
  TOKEN,
  CLOSED;

  /** The config spelling: {@code open}, {@code token}, {@code closed}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The policy spelled {@code value} in the config, if any. */
  public static Optional<RegistrationPolicy> fromConfig(String value) {
    for (RegistrationPolicy policy : values()) {
      if (policy.configName().equals(value == null ? null : value.strip().toLowerCase(Locale.ROOT))) {
        return Optional.of(policy);
      }
    }
    return Optional.empty();
  }
}
