/**
 * Outgoing transactions: the durable per-destination queues of PDUs and EDUs, and the sender that delivers them
 * with {@code PUT /_matrix/federation/v1/send/{txnId}}, backing off from servers that are down and catching up when
 * they come back.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#transactions">server-server API v1.11,
 * "Transactions"</a>.
 */
package dev.larch.core.federation.send;
