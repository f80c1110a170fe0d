/**
 * The server-side key backup endpoints ({@code /room_keys/*}).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#server-side-key-backups">client-server API
 * v1.11, "Server-side key backups"</a>.
 */
package dev.larch.client.backup;
