/**
 * Receipts and read markers: the {@link dev.larch.core.receipt.ReceiptStore} port and the service behind
 * {@code POST /rooms/{roomId}/receipt/...} and {@code POST /rooms/{roomId}/read_markers}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#receipts">client-server API v1.11,
 * "Receipts"</a> and "Fully read markers".
 */
package dev.larch.core.receipt;
