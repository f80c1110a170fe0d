/**
 * Push rules, pushers and {@code /notifications} over HTTP.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#push-notifications">client-server API v1.11,
 * "Push Notifications"</a>.
 */
package dev.larch.client.push;
