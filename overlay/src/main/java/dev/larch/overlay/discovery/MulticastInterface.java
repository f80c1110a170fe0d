package dev.larch.overlay.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery on one network interface: up to two group memberships (IPv4 224.0.0.114 and IPv6 ff02::114, UDP 60606),
 * each with its own socket and receive thread, and the source address outgoing dials are bound to.
 *
 * <p>Protocol doc 9 and Go's {@code startIPv4}/{@code startIPv6}: IPv4 only if the interface has a global-unicast
 * IPv4 address (RFC 1918 counts; 127.x counts only on a loopback interface the configuration names), IPv6 only if it
 * has a link-local address. Sockets set {@code SO_REUSEPORT} as Go's do (plus {@code SO_REUSEADDR}), so a Go node and
 * a Java node on one host can share the port.
 */
final class MulticastInterface {
  private static final Logger LOG = LoggerFactory.getLogger(MulticastInterface.class);

  /** One socket joined to one group on this interface. */
  private static final class Membership {
    final DatagramChannel channel;
    final InetSocketAddress group;
    final InetAddress source;
    final boolean v6;
    long nextBeacon = Long.MIN_VALUE; // Go sends the first beacon at once

    Membership(DatagramChannel channel, InetSocketAddress group, InetAddress source, boolean v6) {
      this.channel = channel;
      this.group = group;
      this.source = source;
      this.v6 = v6;
    }
  }

  private final String name;
  private final MulticastDiscovery owner;
  private final List<InterfaceAddress> v4Networks;
  private final List<Membership> memberships = new ArrayList<>();
  private volatile boolean cancelled;

  private MulticastInterface(String name, MulticastDiscovery owner, List<InterfaceAddress> v4Networks) {
    this.name = name;
    this.owner = owner;
    this.v4Networks = v4Networks;
  }

  String name() {
    return name;
  }

  boolean cancelled() {
    return cancelled;
  }

  /** Joins what the interface supports; null when neither family could start (retried at the next rescan). */
  static MulticastInterface start(NetworkInterface intf, boolean loopbackAllowed, MulticastDiscovery owner) {
    MulticastInterface result = new MulticastInterface(intf.getName(), owner, intf.getInterfaceAddresses());
    InetAddress v4 = null;
    InetAddress v6 = null;
    for (InterfaceAddress address : intf.getInterfaceAddresses()) {
      InetAddress ip = address.getAddress();
      if (v4 == null && ip instanceof Inet4Address && isGoGlobalUnicast(ip, loopbackAllowed)) {
        v4 = ip;
      } else if (v6 == null && ip instanceof Inet6Address && ip.isLinkLocalAddress()) {
        v6 = ip;
      }
    }
    if (v6 != null) {
      result.join(intf, MulticastBeacon.GROUP_V6, "::", v6, true);
    }
    if (v4 != null) {
      result.join(intf, MulticastBeacon.GROUP_V4, "0.0.0.0", v4, false);
    }
    return result.memberships.isEmpty() ? null : result;
  }

  /** An interface without sockets (dials are then not bound to a source address); tests drive discovery with it. */
  static MulticastInterface forTest(String name, MulticastDiscovery owner) {
    return new MulticastInterface(name, owner, List.of());
  }

  /** Go's {@code net.IP.IsGlobalUnicast} for IPv4 (private ranges count), loopback only where explicitly allowed. */
  static boolean isGoGlobalUnicast(InetAddress ip, boolean loopbackAllowed) {
    if (ip.isLoopbackAddress()) {
      return loopbackAllowed;
    }
    byte[] b = ip.getAddress();
    boolean broadcast = (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
    return !ip.isAnyLocalAddress() && !ip.isLinkLocalAddress() && !ip.isMulticastAddress() && !broadcast;
  }

  private void join(NetworkInterface intf, String groupHost, String wildcard, InetAddress source, boolean v6) {
    DatagramChannel channel = null;
    try {
      channel = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      try {
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      } catch (UnsupportedOperationException e) {
        // not on this platform; SO_REUSEADDR alone then shares the port
      }
      channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, intf);
      channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
      channel.bind(new InetSocketAddress(InetAddress.getByName(wildcard), MulticastBeacon.UDP_PORT));
      InetAddress group = InetAddress.getByName(groupHost);
      channel.join(group, intf);
      Membership membership = new Membership(channel, new InetSocketAddress(group, MulticastBeacon.UDP_PORT),
          source, v6);
      memberships.add(membership);
      Thread reader = new Thread(() -> receiveLoop(membership), "overlay-multicast-" + name + (v6 ? "-v6" : "-v4"));
      reader.setDaemon(true);
      reader.start();
      LOG.info("multicast discovery enabled on {} ({})", name, source.getHostAddress());
    } catch (IOException | RuntimeException e) {
      // Go skips an interface silently when a socket or join fails; so do we, with a trace for debugging.
      LOG.debug("multicast {} on {} unavailable: {}", v6 ? "IPv6" : "IPv4", name, e.toString());
      if (channel != null) {
        MulticastDiscovery.closeQuietly(channel);
      }
    }
  }

  private void receiveLoop(Membership membership) {
    ByteBuffer buffer = ByteBuffer.allocate(512);
    while (!cancelled) {
      buffer.clear();
      SocketAddress from;
      try {
        from = membership.channel.receive(buffer);
      } catch (ClosedChannelException e) {
        return; // cancelled
      } catch (IOException e) {
        owner.readFailed(this, e.toString());
        return;
      }
      if (!(from instanceof InetSocketAddress sender) || !heardHere(sender.getAddress(), membership.v6)) {
        continue;
      }
      byte[] datagram = Arrays.copyOf(buffer.array(), buffer.position());
      owner.received(this, datagram, datagram.length, sender, membership.v6 ? name : "");
    }
  }

  /**
   * Linux hands a socket bound to the wildcard every datagram for a group that any socket joined, and a dual-stack
   * IPv6 socket sees IPv4 senders too. Go takes them all and binds its dial to this interface's address, which then
   * fails for a sender on another interface; we keep only senders that are on this interface.
   */
  private boolean heardHere(InetAddress sender, boolean v6) {
    if (v6) {
      return sender instanceof Inet6Address six
          && (six.getScopedInterface() == null || name.equals(six.getScopedInterface().getName()));
    }
    if (!(sender instanceof Inet4Address)) {
      return false;
    }
    for (InterfaceAddress network : v4Networks) {
      if (network.getAddress() instanceof Inet4Address && sameNetwork(network, sender)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameNetwork(InterfaceAddress network, InetAddress ip) {
    int prefix = network.getNetworkPrefixLength();
    int a = ByteBuffer.wrap(network.getAddress().getAddress()).getInt();
    int b = ByteBuffer.wrap(ip.getAddress()).getInt();
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return (a & mask) == (b & mask);
  }

  /** Sends the beacon on every membership whose 2 s interval has passed; send errors are ignored, as in Go. */
  void sendDue(byte[] beacon, long now) {
    for (Membership membership : memberships) {
      if (now < membership.nextBeacon) {
        continue;
      }
      membership.nextBeacon = now + MulticastBeacon.INTERVAL_MS;
      try {
        // A 34-byte datagram on a blocking channel returns at once; receive runs on its own thread and lock.
        membership.channel.send(ByteBuffer.wrap(beacon), membership.group);
      } catch (IOException e) {
        LOG.debug("multicast send on {} failed: {}", name, e.toString());
      }
    }
  }

  /** The address a dial towards {@code remote} leaves from: this interface's address of the same family. */
  InetAddress source(InetAddress remote) {
    boolean v6 = remote instanceof Inet6Address;
    for (Membership membership : memberships) {
      if (membership.v6 == v6) {
        return membership.source;
      }
    }
    return null;
  }

  /** Stops both memberships and leaves the table; the next rescan may start the interface again. */
  void cancel() {
    cancelled = true;
    memberships.forEach(m -> MulticastDiscovery.closeQuietly(m.channel));
    owner.removed(this);
  }
}
