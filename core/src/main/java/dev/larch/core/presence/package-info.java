/**
 * Presence, kept in memory and delivered in sync.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#presence">client-server API v1.11,
 * "Presence"</a>.
 */
package dev.larch.core.presence;
