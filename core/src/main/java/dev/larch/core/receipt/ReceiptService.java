package dev.larch.core.receipt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.accountdata.AccountDataService;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomStore;
import dev.larch.core.sync.MembershipQuery;
import dev.larch.core.sync.SyncNotifier;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receipts and read markers of the room's joined members: stores {@code m.read}/{@code m.read.private} receipts,
 * keeps {@code m.fully_read} as room account data, and builds the {@code m.receipt} ephemeral event for sync.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#receipts">client-server API v1.11,
 * "Receipts"</a> (threaded receipts included) and
 * <a href="https://spec.matrix.org/v1.11/client-server-api/#fully-read-markers">"Fully read markers"</a>.
 */
public final class ReceiptService {
  private static final Logger log = LoggerFactory.getLogger(ReceiptService.class);

  private final ReceiptStore receipts;
  private final RoomStore rooms;
  private final MembershipQuery memberships;
  private final AccountDataService accountData;
  private final SyncNotifier notifier;
  private final Clock clock;
  private final ReceiptListener listener;

  public ReceiptService(
      ReceiptStore receipts, RoomStore rooms, AccountDataService accountData, SyncNotifier notifier, Clock clock) {
    this(receipts, rooms, accountData, notifier, clock, ReceiptListener.NONE);
  }

  /** With {@code listener} told of each public receipt of a local user (the federation sender's EDUs). */
  public ReceiptService(ReceiptStore receipts, RoomStore rooms, AccountDataService accountData,
      SyncNotifier notifier, Clock clock, ReceiptListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.receipts = Objects.requireNonNull(receipts, "receipts");
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.memberships = new MembershipQuery(rooms);
    this.accountData = Objects.requireNonNull(accountData, "accountData");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * {@code POST /rooms/{roomId}/receipt/{receiptType}/{eventId}}: records a receipt of {@code type} for the event.
   *
   * @param threadId the thread ({@code main} or a thread root's event ID), or null for an unthreaded receipt
   */
  public void receipt(String userId, String roomId, String type, String eventId, String threadId) {
    if (!Receipt.READ.equals(type) && !Receipt.READ_PRIVATE.equals(type) && !Receipt.FULLY_READ.equals(type)) {
      throw MatrixException.invalidParam("Unknown receipt type");
    }
    if (threadId != null) {
      if (Receipt.FULLY_READ.equals(type)) {
        throw MatrixException.invalidParam("m.fully_read cannot be threaded");
      }
      if (!threadId.equals("main") && !threadId.startsWith("$")) {
        throw MatrixException.invalidParam("thread_id must be 'main' or an event ID");
      }
    }
    requireJoinedAndEventInRoom(userId, roomId, eventId);
    if (Receipt.FULLY_READ.equals(type)) {
      setFullyRead(userId, roomId, eventId);
      return;
    }
    Receipt receipt = new Receipt(roomId, type, userId, threadId, eventId, clock.millis(), 0);
    receipts.put(receipt);
    notifier.notifyRoom(roomId);
    tell(receipt);
  }

  /**
   * A public receipt from another server ({@code m.receipt} EDU): stored if the user is joined to the room. The
   * event need not be known here yet (it may still be on its way). The caller has checked that the sending server
   * owns the user. Returns whether it was stored.
   *
   * @param threadId the thread, or null for an unthreaded receipt
   */
  public boolean putRemote(String userId, String roomId, String eventId, String threadId, long ts) {
    if (!memberships.isJoined(roomId, userId)) {
      return false;
    }
    receipts.put(new Receipt(roomId, Receipt.READ, userId, threadId, eventId, ts, 0));
    notifier.notifyRoom(roomId);
    return true;
  }

  /**
   * {@code POST /rooms/{roomId}/read_markers}: any of the fully-read marker, a public and a private read receipt
   * (null: not given), all checked before any is written.
   */
  public void readMarkers(String userId, String roomId, String fullyRead, String read, String readPrivate) {
    for (String eventId : new String[] {fullyRead, read, readPrivate}) {
      if (eventId != null) {
        requireJoinedAndEventInRoom(userId, roomId, eventId);
      }
    }
    if (fullyRead != null) {
      setFullyRead(userId, roomId, fullyRead);
    }
    if (read != null) {
      Receipt receipt = new Receipt(roomId, Receipt.READ, userId, null, read, clock.millis(), 0);
      receipts.put(receipt);
      tell(receipt);
    }
    if (readPrivate != null) {
      receipts.put(new Receipt(roomId, Receipt.READ_PRIVATE, userId, null, readPrivate, clock.millis(), 0));
    }
    if (read != null || readPrivate != null) {
      notifier.notifyRoom(roomId);
    }
  }

  /** The current receipt stream position, for sync tokens. */
  public long position() {
    return receipts.latestPosition();
  }

  /**
   * The {@code m.receipt} event of the room's receipts in {@code (since, until]} that {@code viewer} may see
   * (private receipts only their own), or empty if there are none.
   */
  public Optional<ObjectNode> receiptEvent(String roomId, String viewer, long since, long until) {
    if (until <= since) {
      return Optional.empty();
    }
    List<Receipt> changed = receipts.receipts(roomId, since, until);
    ObjectNode content = JsonMapper.shared().createObjectNode();
    for (Receipt receipt : changed) {
      if (receipt.isPrivate() && !receipt.userId().equals(viewer)) {
        continue;
      }
      ObjectNode entry = child(child(content, receipt.eventId()), receipt.type()).putObject(receipt.userId());
      entry.put("ts", receipt.ts());
      if (receipt.threadId() != null) {
        entry.put("thread_id", receipt.threadId());
      }
    }
    if (content.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode event = JsonMapper.shared().createObjectNode();
    event.put("type", "m.receipt");
    event.set("content", content);
    return Optional.of(event);
  }

  private void tell(Receipt receipt) {
    if (receipt.isPrivate()) {
      return;
    }
    try {
      listener.receiptSent(receipt);
    } catch (RuntimeException e) {
      log.error("receipt listener failed room={} user={}", receipt.roomId(), receipt.userId(), e);
    }
  }

  private static ObjectNode child(ObjectNode parent, String key) {
    return parent.get(key) instanceof ObjectNode existing ? existing : parent.putObject(key);
  }

  private void setFullyRead(String userId, String roomId, String eventId) {
    accountData.putAsServer(
        userId, roomId, Receipt.FULLY_READ, JsonMapper.shared().createObjectNode().put("event_id", eventId));
  }

  private void requireJoinedAndEventInRoom(String userId, String roomId, String eventId) {
    if (!memberships.isJoined(roomId, userId)) {
      throw MatrixException.forbidden("You are not joined to this room");
    }
    boolean inRoom = rooms.event(eventId)
        .filter(e -> e.status().visibleToClients())
        .filter(e -> roomId.equals(e.pdu().roomId()))
        .isPresent();
    if (!inRoom) {
      throw MatrixException.notFound("Event not found in this room");
    }
  }
}
