/**
 * The JDBC implementation of the key backup port.
 *
 * <p>Spec: client-server API v1.11, "Server-side key backups".
 */
package dev.larch.storage.backup;
