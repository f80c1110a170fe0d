package dev.larch.core.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One key backup version as {@code GET /room_keys/version} shows it.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv3room_keysversion">
 * client-server API v1.11, {@code GET /room_keys/version}</a>.
 *
 * @param version opaque to clients; ours are decimal numbers
 * @param authData as the client sent it
 * @param etag changes whenever the keys stored in the backup change
 * @param count how many keys the backup holds
 */
public record BackupVersion(String version, String algorithm, ObjectNode authData, String etag, long count) {}
