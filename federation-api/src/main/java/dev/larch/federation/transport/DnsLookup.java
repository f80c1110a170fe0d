package dev.larch.federation.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The DNS queries server discovery needs, as a seam: the real one asks the system's resolver, tests give answers.
 * Blocking; called off the event loop.
 */
public interface DnsLookup {
  /** One SRV record. A target of {@code "."} means "no such service here" (RFC 2782). */
  record SrvRecord(int priority, int weight, int port, String target) {}

  /** The SRV records of {@code name} (e.g. {@code _matrix-fed._tcp.example.org}); empty when there are none. */
  List<SrvRecord> srv(String name);

  /**
   * The addresses of {@code host} (AAAA and A records, or the hosts file).
   *
   * @throws UnknownHostException when it has none
   */
  List<InetAddress> addresses(String host) throws UnknownHostException;
}
