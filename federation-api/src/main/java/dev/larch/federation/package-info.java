/**
 * The Matrix server-server API: {@code /_matrix/federation/*} and {@code /_matrix/key/*}, as thin Vert.x handlers
 * over {@code core}.
 *
 * <p>{@link dev.larch.federation.FederationApi} builds the one router; each spec area adds an {@code XxxRoutes} class
 * in its own package and one line there.
 */
package dev.larch.federation;
