/** Other servers' signing keys and key responses: {@link dev.larch.core.federation.keys.ServerKeyStore} over JDBC. */
package dev.larch.storage.federation.keys;
