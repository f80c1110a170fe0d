/** Transactions pushed by other servers: {@code PUT /_matrix/federation/v1/send/{txnId}}. */
package dev.larch.federation.send;
