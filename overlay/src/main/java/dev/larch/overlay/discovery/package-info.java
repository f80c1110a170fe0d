/** LAN discovery by multicast: the 34-byte beacon (protocol doc 9). The UDP sender/listener is not wired yet. */
package dev.larch.overlay.discovery;
