/**
 * Federation wiring of the server: the federation stack (keys, transports, signing client, authenticator), the TLS
 * federation listener with its certificate, and the well-known delegation on the client port.
 */
package dev.larch.server.federation;
