/**
 * JDBC implementations of the end-to-end encryption key ports: device, one-time, fallback and cross-signing keys,
 * signatures, and the device-list stream.
 *
 * <p>Spec: client-server API v1.11, "End-to-End Encryption".
 */
package dev.larch.storage.keys;
