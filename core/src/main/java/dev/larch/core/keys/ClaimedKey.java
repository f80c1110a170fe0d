package dev.larch.core.keys;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A key handed out by {@code POST /keys/claim}: a one-time key (now removed) or the device's fallback key.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3keysclaim">client-server
 * API v1.11, {@code POST /keys/claim}</a>.
 *
 * @param keyId {@code <algorithm>:<key ID>}
 * @param key the key as the device uploaded it (a string, or a signed object)
 */
public record ClaimedKey(String keyId, JsonNode key) {}
