/** Node identity: ed25519 keys as overlay addresses, and the key ordering the tree and SNEK use (protocol doc 1). */
package dev.larch.overlay.identity;
