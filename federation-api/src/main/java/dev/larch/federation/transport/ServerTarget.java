package dev.larch.federation.transport;

import java.net.InetAddress;

/**
 * Where a federation request for a server name goes, after discovery: the address and port to connect to, the
 * {@code Host} header to send, and the name the TLS certificate must be valid for (also the SNI).
 *
 * @param hostHeader the {@code Host} header, e.g. {@code example.org} or {@code delegated.example.org:8449}
 * @param tlsName the DNS name the certificate must match and the SNI names; null when the certificate must be valid
 *     for the IP address itself (no SNI is sent for addresses)
 */
public record ServerTarget(InetAddress address, int port, String hostHeader, String tlsName) {}
