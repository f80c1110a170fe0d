/**
 * Room routes: creation, sending, state, redaction ({@code RoomRoutes}), reads ({@code RoomReadRoutes}) and
 * membership ({@code MembershipRoutes}). Spec: client-server API v1.11, "Rooms" and "Room membership".
 */
package dev.larch.client.room;
