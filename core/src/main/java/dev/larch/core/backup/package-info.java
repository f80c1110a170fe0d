/**
 * Server-side key backups: versions with their {@code auth_data}, and the encrypted room keys stored in them. The
 * server never decrypts {@code session_data}; it only keeps the better copy of each session's key.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#server-side-key-backups">client-server API
 * v1.11, "Server-side key backups"</a>.
 */
package dev.larch.core.backup;
