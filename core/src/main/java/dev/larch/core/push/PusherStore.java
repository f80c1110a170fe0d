package dev.larch.core.push;

import java.util.List;

/**
 * Port: users' pushers. Every method is one transaction.
 *
 * <p>Spec: client-server API v1.11, {@code POST /pushers/set} and {@code GET /pushers}.
 */
public interface PusherStore {
  /**
   * Creates or replaces the pusher with the same user, app ID and pushkey. Unless {@code append}, every other
   * user's pusher with that app ID and pushkey is removed in the same transaction (a pushkey names one device).
   */
  void set(Pusher pusher, boolean append);

  /** Removes the user's pusher with this app ID and pushkey; false if there was none. */
  boolean delete(String userId, String appId, String pushkey);

  /** The user's pushers, oldest first. */
  List<Pusher> pushersOf(String userId);
}
