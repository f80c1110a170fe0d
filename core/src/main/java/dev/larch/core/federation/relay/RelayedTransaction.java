package dev.larch.core.federation.relay;

/**
 * One transaction held by a relay for its addressee, with what the addressee needs to check who sent it: the
 * sender's {@code send_relay} request target and {@code Authorization} header, which sign the body (server-server
 * API "Request Authentication", with the relay as destination).
 *
 * @param entryId the relay's ID for it, rising in arrival order; 0 before it is stored
 * @param destination the server it is for
 * @param origin the server that handed it over (authenticated)
 * @param txnId the sender's transaction ID
 * @param body the transaction JSON exactly as received
 * @param uri the {@code send_relay} request target as received
 * @param authorization the {@code X-Matrix} header that signed that request
 */
public record RelayedTransaction(long entryId, String destination, String origin, String txnId, byte[] body,
    String uri, String authorization) {}
