/**
 * LAN discovery by multicast (protocol doc 9): the 34-byte beacon, and {@code MulticastDiscovery}, which joins
 * 224.0.0.114 / ff02::114 on UDP 60606 on suitable interfaces, beacons every 2 s and dials the peers it hears.
 */
package dev.larch.overlay.discovery;
