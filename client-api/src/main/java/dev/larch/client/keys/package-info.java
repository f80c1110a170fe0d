/**
 * The end-to-end encryption key endpoints ({@code /keys/*}) and the services behind them.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#end-to-end-encryption">client-server API
 * v1.11, "End-to-End Encryption"</a>.
 */
package dev.larch.client.keys;
