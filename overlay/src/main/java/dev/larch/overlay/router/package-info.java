/**
 * The Pinecone router as one single-threaded state machine: spanning tree, SNEK soft-state routing, wakeup broadcasts,
 * keepalive timers. No sockets, no threads, no wall clock: callers pass {@code now} and execute the returned
 * {@link dev.larch.overlay.router.Action}s.
 *
 * <p>Protocol doc sections 2.2-2.3, 4, 5 and 7; mirrors Go's {@code router/state*.go} at {@code ea4c337}.
 */
package dev.larch.overlay.router;
