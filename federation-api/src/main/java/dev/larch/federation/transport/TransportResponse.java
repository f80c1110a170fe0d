package dev.larch.federation.transport;

import java.util.Map;

/**
 * A response as received.
 *
 * @param headers response headers, names lower-cased
 */
public record TransportResponse(int status, Map<String, String> headers, byte[] body) {}
