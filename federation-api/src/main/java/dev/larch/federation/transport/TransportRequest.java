package dev.larch.federation.transport;

import java.util.Map;

/**
 * One outgoing federation request.
 *
 * @param destination the server name it is for (the transport resolves it)
 * @param uri the request target: percent-encoded path and query
 * @param headers extra headers ({@code Authorization}, {@code Content-Type}); the transport adds {@code Host}
 * @param body the body bytes, empty for none
 * @param timeoutMillis how long to wait for the whole response
 */
public record TransportRequest(
    String destination, String method, String uri, Map<String, String> headers, byte[] body, long timeoutMillis) {}
