/** The federation sender's durable queues and its reading of the event stream, over JDBC. */
package dev.larch.storage.federation.send;
