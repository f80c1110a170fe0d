/**
 * Account data and room tags: the service behind {@code /user/{userId}/account_data/...} and
 * {@code /user/{userId}/rooms/{roomId}/tags}, over the {@link dev.larch.core.user.AccountDataStore} port.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#client-config">client-server API v1.11,
 * "Client Config"</a>, "Room Tagging".
 */
package dev.larch.core.accountdata;
