/**
 * Push rules and pushers: the default rule set, the user's rules kept as {@code m.push_rules} account data, the
 * condition evaluator, unread notification counts for {@code /sync}, the notifications recorded for
 * {@code /notifications}, and pushers kept in a {@link dev.larch.core.push.PusherStore} (nothing is sent to push
 * gateways yet).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#push-notifications">client-server API v1.11,
 * "Push Notifications"</a>.
 */
package dev.larch.core.push;
