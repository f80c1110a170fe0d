/**
 * The account data and room tag endpoints.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#client-config">client-server API v1.11,
 * "Client Config"</a>.
 */
package dev.larch.client.accountdata;
