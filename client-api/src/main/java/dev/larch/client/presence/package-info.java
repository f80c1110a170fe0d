/**
 * The presence endpoints.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#presence">client-server API v1.11,
 * "Presence"</a>.
 */
package dev.larch.client.presence;
