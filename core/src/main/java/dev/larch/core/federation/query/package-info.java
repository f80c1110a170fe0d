/**
 * Queries between servers, both ways: this server answering directory, profile, device and key queries about its
 * own aliases and users ({@link dev.larch.core.federation.query.FederationQueries},
 * {@link dev.larch.core.federation.query.UserKeyQueries}), and asking other servers about theirs for our clients
 * ({@link dev.larch.core.federation.query.RemoteQueries}, through the {@code FederationClient} port).
 */
package dev.larch.core.federation.query;
