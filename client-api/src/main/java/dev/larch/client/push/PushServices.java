package dev.larch.client.push;

import dev.larch.core.push.NotificationCounter;
import dev.larch.core.push.NotificationService;
import dev.larch.core.push.PushRuleService;
import dev.larch.core.push.PusherService;
import java.util.Objects;

/**
 * The services behind push rules, pushers, unread counts and {@code /notifications}: one component of
 * {@link dev.larch.client.ClientServices}.
 *
 * <p>Spec: client-server API v1.11, "Push Notifications".
 *
 * @param counter unread notification counts for {@code /sync}
 * @param notifications {@code GET /notifications}
 */
public record PushServices(PushRuleService rules, PusherService pushers, NotificationCounter counter,
    NotificationService notifications) {
  public PushServices {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(pushers, "pushers");
    Objects.requireNonNull(counter, "counter");
    Objects.requireNonNull(notifications, "notifications");
  }
}
