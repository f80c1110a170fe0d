/** The cache of other servers' media (V011). */
package dev.larch.storage.federation.media;
