/** Other servers' signing keys: the {@link dev.larch.core.federation.keys.ServerKeys} port and P2P key derivation. */
package dev.larch.core.federation.keys;
