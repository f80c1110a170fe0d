package dev.larch.client.sync;

import dev.larch.core.accountdata.AccountDataService;
import dev.larch.core.filter.FilterService;
import dev.larch.core.presence.PresenceService;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.room.ClientEvents;
import dev.larch.core.sync.SyncService;
import dev.larch.core.typing.TypingService;
import java.util.Objects;

/**
 * The services behind sync and the per-user streams it delivers: one component of
 * {@link dev.larch.client.ClientServices}.
 *
 * <p>Spec: client-server API v1.11, "Syncing", "Filtering", "Typing Notifications", "Receipts", "Fully read
 * markers", "Client Config", "Room Tagging", "Presence".
 *
 * @param events formats room events for the requesting device
 */
public record SyncServices(
    SyncService sync,
    FilterService filters,
    TypingService typing,
    ReceiptService receipts,
    AccountDataService accountData,
    PresenceService presence,
    ClientEvents events) {
  public SyncServices {
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(filters, "filters");
    Objects.requireNonNull(typing, "typing");
    Objects.requireNonNull(receipts, "receipts");
    Objects.requireNonNull(accountData, "accountData");
    Objects.requireNonNull(presence, "presence");
    Objects.requireNonNull(events, "events");
  }
}
