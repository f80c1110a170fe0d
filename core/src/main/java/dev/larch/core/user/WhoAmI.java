package dev.larch.core.user;

/** The owner of an access token. Spec: client-server API v1.11, "GET /_matrix/client/v3/account/whoami". */
public record WhoAmI(String userId, String deviceId, boolean guest) {}
