/**
 * The Matrix client-server API: {@code /_matrix/client/*} and friends, as thin Vert.x handlers over {@code core}.
 *
 * <p>{@link dev.larch.client.ClientApi} builds the one router; each spec area adds an {@code XxxRoutes} class in its
 * own package and one line there.
 */
package dev.larch.client;
