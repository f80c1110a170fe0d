/** The key API: this server's signing keys, and other servers' keys through it as a notary. */
package dev.larch.federation.key;
