/**
 * The typing endpoint.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#typing-notifications">client-server API
 * v1.11, "Typing Notifications"</a>.
 */
package dev.larch.client.typing;
