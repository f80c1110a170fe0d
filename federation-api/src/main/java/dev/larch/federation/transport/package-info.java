/** How federation requests travel: the {@link dev.larch.federation.transport.FederationTransport} port. */
package dev.larch.federation.transport;
