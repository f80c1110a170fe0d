package dev.larch.client.room;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of the membership endpoints: {@code user_id} (invite, kick, ban, unban) and an optional {@code reason}.
 * Spec: client-server API v1.11, "Room membership".
 */
public record MembershipRequest(@JsonProperty("user_id") String userId, String reason) {}
