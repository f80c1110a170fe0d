/**
 * The {@code /sync} endpoint and the JSON form of its response.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#syncing">client-server API v1.11,
 * "Syncing"</a>.
 */
package dev.larch.client.sync;
