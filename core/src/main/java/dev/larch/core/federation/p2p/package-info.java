/** What only P2P nodes do among themselves: the neighbourhood's user directory (Dendrite's extensions). */
package dev.larch.core.federation.p2p;
