/**
 * Room history for other servers: single events, the state at an event, auth chains, backfill and missing events,
 * each behind the origin's right to see the room ({@link dev.larch.core.federation.resident.RoomAccess}) and each
 * event's history visibility ({@link dev.larch.core.federation.resident.ServerVisibility}).
 */
package dev.larch.core.federation.events;
