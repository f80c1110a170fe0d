/**
 * The receipt and read-marker endpoints.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#receipts">client-server API v1.11,
 * "Receipts"</a>.
 */
package dev.larch.client.receipt;
