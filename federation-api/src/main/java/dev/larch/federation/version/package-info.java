/** What a remote server may learn about this one's software. */
package dev.larch.federation.version;
