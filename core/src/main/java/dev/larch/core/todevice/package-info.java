/**
 * Send-to-device messaging: {@code PUT /sendToDevice/{eventType}/{txnId}} and the per-device inbox {@code /sync}
 * delivers from, until the device acknowledges it with its next {@code since}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#send-to-device-messaging">client-server API
 * v1.11, "Send-to-Device messaging"</a>.
 */
package dev.larch.core.todevice;
