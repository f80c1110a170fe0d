package dev.larch.core.user;

import java.util.Collection;

/**
 * Told about account changes other features must follow: the rooms service leaves a deactivated user's rooms,
 * end-to-end encryption drops a deleted device's keys. Called after the change is committed, on the request's
 * thread; an exception is logged and does not undo the change.
 *
 * <p>Spec: client-server API v1.11, "Account deactivation" ({@code POST /account/deactivate}) and "Device
 * management".
 */
public interface AccountLifecycleListener {
  /** {@code userId}'s devices {@code deviceIds} (and their access tokens) were deleted. */
  default void devicesDeleted(String userId, Collection<String> deviceIds) {}

  /** {@code userId} was deactivated: no password, devices or tokens left; the ID stays taken. */
  default void accountDeactivated(String userId) {}
}
