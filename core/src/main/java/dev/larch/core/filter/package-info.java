/**
 * Sync filters: the parsed model ({@link dev.larch.core.filter.Filter} and its parts), the parser that validates
 * client JSON, the {@link dev.larch.core.filter.FilterStore} port and the service behind the filter endpoints.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a>.
 */
package dev.larch.core.filter;
