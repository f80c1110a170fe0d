package dev.larch.federation.transport;

import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DNS as the system sees it: SRV records through Vert.x's DNS client (the JDK has no SRV lookup outside JNDI),
 * addresses through {@link InetAddress}, which honours {@code /etc/hosts} and the JVM's own cache.
 */
public final class SystemDnsLookup implements DnsLookup {
  private static final long QUERY_TIMEOUT_MS = 5_000;

  private final DnsClient client;

  public SystemDnsLookup(Vertx vertx) {
    this.client = vertx.createDnsClient(new DnsClientOptions().setQueryTimeout(QUERY_TIMEOUT_MS));
  }

  @Override
  public List<SrvRecord> srv(String name) {
    try {
      List<SrvRecord> records = new ArrayList<>();
      for (io.vertx.core.dns.SrvRecord r : client.resolveSRV(name).toCompletionStage().toCompletableFuture()
          .get(QUERY_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS)) {
        records.add(new SrvRecord(r.priority(), r.weight(), r.port(), r.target()));
      }
      return records;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DnsException) {
        return List.of(); // NXDOMAIN and friends: no such record
      }
      throw new IllegalStateException("SRV lookup of " + name + " failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("SRV lookup of " + name + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public List<InetAddress> addresses(String host) throws UnknownHostException {
    return List.of(InetAddress.getAllByName(host));
  }
}
