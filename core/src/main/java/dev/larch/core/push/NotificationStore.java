package dev.larch.core.push;

import java.util.List;

/**
 * Port: the notifications of local users. Every method is one transaction.
 *
 * <p>Spec: client-server API v1.11, {@code GET /notifications}.
 */
public interface NotificationStore {
  /** Stores these notifications; one already stored (same user and event) is kept as it is. */
  void add(List<Notification> notifications);

  /**
   * The user's notifications with a stream position below {@code beforeExclusive} (null: from the newest), newest
   * first, at most {@code limit}; only highlighted ones if {@code onlyHighlight}.
   */
  List<Notification> page(String userId, Long beforeExclusive, int limit, boolean onlyHighlight);
}
