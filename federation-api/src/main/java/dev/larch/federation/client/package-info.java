/** Outgoing federation requests: signing, sending through a transport, reading answers. */
package dev.larch.federation.client;
