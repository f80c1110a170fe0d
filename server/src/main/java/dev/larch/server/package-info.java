/**
 * The runnable server: {@link dev.larch.server.LarchMain} (CLI), the running node ({@link
 * dev.larch.server.LarchServer}) and the wiring of the other modules into it.
 */
package dev.larch.server;
