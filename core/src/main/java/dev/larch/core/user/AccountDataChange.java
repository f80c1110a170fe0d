package dev.larch.core.user;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One item of account data as of a stream position.
 *
 * @param roomId the room, or null for global data
 */
public record AccountDataChange(String roomId, String type, ObjectNode content, long streamPosition) {}
