/** Dendrite's P2P-only endpoints that Larch serves too. */
package dev.larch.federation.p2p;
