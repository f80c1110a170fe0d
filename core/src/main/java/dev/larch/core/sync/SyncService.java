package dev.larch.core.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.filter.EventFilter;
import dev.larch.core.filter.Filter;
import dev.larch.core.membership.ForgottenRoomStore;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.presence.PresenceService;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import dev.larch.core.sync.SyncResult.InvitedRoom;
import dev.larch.core.sync.SyncResult.JoinedRoom;
import dev.larch.core.sync.SyncResult.KnockedRoom;
import dev.larch.core.sync.SyncResult.LeftRoom;
import dev.larch.core.typing.TypingService;
import dev.larch.core.user.AccountDataChange;
import dev.larch.core.user.AccountDataStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /sync}: computes what changed for a user since a token, and if nothing did, waits (without holding a
 * thread) until something does or the timeout passes.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#syncing">client-server API v1.11,
 * "Syncing"</a>. One response is computed as follows:
 *
 * <ol>
 *   <li>Take the current position of every stream: that is {@code next_batch}, and nothing after it is read.
 *   <li>Rooms from the user's memberships: joined rooms ({@link RoomSections#joined}); invites and knocks made after
 *       the token, with stripped state; rooms left after the token (in an initial sync only with
 *       {@code include_leave}), unless forgotten.
 *   <li>Global account data changed after the token; the user's own presence if it changed.
 *   <li>The device's to-device messages, device-list changes and key counts ({@link DeviceSyncSource}).
 * </ol>
 *
 * An incremental sync with nothing to say registers with the {@link SyncNotifier} and computes again when woken, on
 * the given executor; at the deadline it returns the empty response with a fresh {@code next_batch}.
 */
public final class SyncService {
  private final RoomStore rooms;
  private final AccountDataStore accountData;
  private final ReceiptService receipts;
  private final TypingService typing;
  private final PresenceService presence;
  private final SyncNotifier notifier;
  private final Executor executor;
  private final ForgottenRoomStore forgotten;
  private final RoomSections sections;
  private final StrippedState strippedState;
  private final DeviceSyncSource devices;

  /**
   * @param forgotten rooms the user forgot, which leave the sync response
   * @param executor where long-polls compute again after a wake-up or timeout (blocking database work)
   */
  public SyncService(
      RoomStore rooms, AccountDataStore accountData, ReceiptService receipts, TypingService typing,
      PresenceService presence, SyncNotifier notifier, ForgottenRoomStore forgotten, Executor executor) {
    this(rooms, accountData, receipts, typing, presence, notifier, forgotten, executor, DeviceSyncSource.NONE);
  }

  /** As above, with the end-to-end encryption part of responses from {@code devices}. */
  public SyncService(
      RoomStore rooms, AccountDataStore accountData, ReceiptService receipts, TypingService typing,
      PresenceService presence, SyncNotifier notifier, ForgottenRoomStore forgotten, Executor executor,
      DeviceSyncSource devices) {
    this.devices = Objects.requireNonNull(devices, "devices");
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.accountData = Objects.requireNonNull(accountData, "accountData");
    this.receipts = Objects.requireNonNull(receipts, "receipts");
    this.typing = Objects.requireNonNull(typing, "typing");
    this.presence = Objects.requireNonNull(presence, "presence");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
    this.forgotten = Objects.requireNonNull(forgotten, "forgotten");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.sections = new RoomSections(rooms, typing, receipts);
    this.strippedState = new StrippedState(rooms);
  }

  /**
   * Answers one sync. The first computation runs on the calling thread (blocking: call it on a worker); the stage
   * completes at once when there is something to return, or later from the executor.
   */
  public CompletionStage<SyncResult> sync(SyncRequest request) {
    presence.onSync(request.userId(), request.setPresence());
    CompletableFuture<SyncResult> out = new CompletableFuture<>();
    attempt(request, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(request.timeoutMs()), out);
    return out;
  }

  /** The current position of every stream. */
  public SyncToken currentToken() {
    return new SyncToken(
        rooms.latestStreamPosition(), accountData.latestPosition(), receipts.position(), typing.position(),
        presence.position(), devices.toDevicePosition(), devices.deviceListPosition());
  }

  /** Computes one response without waiting: what {@code /sync} with {@code timeout=0} returns. */
  public SyncResult compute(SyncRequest request) {
    return computeWithRooms(request).result();
  }

  // deadline is a System.nanoTime() value: waiting is real time, whatever the injected clock says.
  private void attempt(SyncRequest request, long deadline, CompletableFuture<SyncResult> out) {
    try {
      Computed computed = computeWithRooms(request);
      SyncResult result = computed.result();
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (!result.isEmpty() || request.initial() || request.fullState() || remaining <= 0) {
        out.complete(result);
        return;
      }
      SyncNotifier.Waiter waiter =
          notifier.register(request.userId(), computed.roomIds(), result.nextBatch().events());
      if (!result.nextBatch().equals(currentToken())) {
        // Something finished between computing and registering: look again rather than wait for the next change.
        waiter.cancel();
        executor.execute(() -> attempt(request, deadline, out));
        return;
      }
      waiter.signal()
          .completeOnTimeout(null, remaining, TimeUnit.MILLISECONDS)
          .thenRunAsync(() -> {
            waiter.cancel();
            attempt(request, deadline, out);
          }, executor);
    } catch (RuntimeException e) {
      out.completeExceptionally(e);
    }
  }

  private Computed computeWithRooms(SyncRequest request) {
    SyncToken now = currentToken();
    SyncToken since = request.since();
    Filter filter = request.filter();
    String userId = request.userId();

    List<AccountDataChange> dataChanges =
        accountData.changes(userId, since == null ? 0 : Math.min(since.accountData(), now.accountData()),
            now.accountData());
    List<ObjectNode> globalData = new ArrayList<>();
    Map<String, List<ObjectNode>> roomData = new HashMap<>();
    for (AccountDataChange change : dataChanges) {
      if (change.roomId() == null) {
        if (filter.accountData().matchesType(change.type())) {
          globalData.add(accountDataEvent(change));
        }
      } else if (filter.room().accountData().matches(change.roomId(), change.type(), null, false)) {
        roomData.computeIfAbsent(change.roomId(), k -> new ArrayList<>()).add(accountDataEvent(change));
      }
    }

    Map<String, JoinedRoom> join = new LinkedHashMap<>();
    Map<String, InvitedRoom> invite = new LinkedHashMap<>();
    Map<String, LeftRoom> leave = new LinkedHashMap<>();
    Map<String, KnockedRoom> knock = new LinkedHashMap<>();
    List<String> interesting = new ArrayList<>();
    Set<String> forgottenRooms = null;
    for (Membership membership : rooms.membershipsOf(userId)) {
      String roomId = membership.roomId();
      // A membership newer than this response's position is left for the next sync, which will see it as new.
      if (membership.streamPosition() > now.events() || !filter.room().matchesRoom(roomId)) {
        continue;
      }
      boolean isNew = since == null || membership.streamPosition() > since.events();
      List<ObjectNode> data = roomData.getOrDefault(roomId, List.of());
      switch (membership.membership()) {
        case "join" -> {
          interesting.add(roomId);
          JoinedRoom joined = sections.joined(request, membership, now, data);
          if (joined != null) {
            join.put(roomId, joined);
          }
        }
        case "invite" -> {
          interesting.add(roomId);
          if (isNew && membership.streamPosition() > 0 || since == null) {
            invite.put(roomId, new InvitedRoom(strippedState.forMembership(roomId, membership.eventId())));
          }
        }
        case "knock" -> {
          interesting.add(roomId);
          if (isNew) {
            knock.put(roomId, new KnockedRoom(strippedState.forMembership(roomId, membership.eventId())));
          }
        }
        case "leave", "ban" -> {
          boolean wanted = since == null ? filter.room().includeLeave() : isNew;
          if (wanted && forgottenRooms == null) {
            forgottenRooms = forgotten.forgotten(userId);
          }
          if (wanted && membership.streamPosition() > 0 && !forgottenRooms.contains(roomId)) {
            leave.put(roomId, sections.left(request, membership, now, data));
          }
        }
        default -> { }
      }
    }

    List<ObjectNode> presenceEvents = new ArrayList<>();
    EventFilter presenceFilter = filter.presence();
    if (presenceFilter.matches("m.presence", userId)) {
      presence.presenceEvent(userId, since == null ? 0 : since.presence()).ifPresent(presenceEvents::add);
    }
    DeviceSync device = devices.compute(request, now);
    SyncResult result = new SyncResult(now.withToDevice(device.toDeviceUpTo()), join, invite, leave, knock,
        globalData, presenceEvents, device);
    return new Computed(result, Set.copyOf(interesting));
  }

  private static ObjectNode accountDataEvent(AccountDataChange change) {
    ObjectNode event = JsonMapper.shared().createObjectNode();
    event.put("type", change.type());
    event.set("content", change.content());
    return event;
  }

  private record Computed(SyncResult result, Set<String> roomIds) {}
}
