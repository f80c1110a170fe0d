/**
 * The JDBC implementation of the to-device inbox port.
 *
 * <p>Spec: client-server API v1.11, "Send-to-Device messaging".
 */
package dev.larch.storage.todevice;
