/**
 * Matrix identifiers: server names, user IDs, room IDs, event IDs, room aliases and signing key IDs.
 *
 * <p>Spec: appendices, "Identifier Grammar". Each identifier is an immutable record whose {@code toString()} is the
 * exact wire form it was parsed from (identifiers are compared case-sensitively, so no normalisation happens).
 *
 * <p>Errors: {@code parse(String)} throws {@link dev.larch.core.error.MatrixException} with {@code M_INVALID_PARAM}
 * (HTTP 400) when the string does not fit the grammar, so API handlers can let it propagate; {@code tryParse(String)}
 * returns {@link java.util.Optional#empty()} instead, for code such as the auth rules where a malformed identifier is
 * an expected outcome rather than a request error.
 */
package dev.larch.core.id;
