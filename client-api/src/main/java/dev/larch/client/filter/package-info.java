/**
 * The filter endpoints.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a>.
 */
package dev.larch.client.filter;
