/**
 * The Matrix kernel: identifiers, canonical JSON, signing, event formats, auth rules and state resolution.
 *
 * <p>Pure and deterministic: no Vert.x, no JDBC; time, randomness and storage come in through interfaces.
 */
package dev.larch.core;
