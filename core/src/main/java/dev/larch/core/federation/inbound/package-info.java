/**
 * Inbound federation: transactions pushed to {@code PUT /_matrix/federation/v1/send/{txnId}} and the pipeline every
 * received PDU goes through before it may touch a room (server-server API, "Checks performed on receipt of a PDU").
 *
 * <p>{@link dev.larch.core.federation.inbound.TransactionReceiver} takes a transaction apart (limits, idempotency per
 * origin, EDUs); {@link dev.larch.core.federation.inbound.InboundPdus} runs the pipeline room by room under the
 * room's lock; {@link dev.larch.core.federation.inbound.IncomingEventChecks} holds the per-event checks (signatures,
 * content hash, auth) that the join flow reuses for the state and auth chain a resident server returns.
 */
package dev.larch.core.federation.inbound;
