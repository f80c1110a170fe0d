/**
 * End-to-end encryption keys: device keys, one-time and fallback keys, cross-signing keys and signatures, and the
 * device-list stream that tells clients whose keys to fetch again. The server stores what clients upload and never
 * needs to understand ciphertext.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#end-to-end-encryption">client-server API
 * v1.11, "End-to-End Encryption"</a>.
 */
package dev.larch.core.keys;
