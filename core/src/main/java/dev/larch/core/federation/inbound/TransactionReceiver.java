package dev.larch.core.federation.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.edu.EduReceiver;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives one transaction pushed to {@code PUT /_matrix/federation/v1/send/{txnId}}: checks its shape and limits,
 * answers a repeated transaction ID with the first answer, hands each room's PDUs to {@link InboundPdus} and the
 * EDUs to an {@link EduReceiver}, and answers with one result per PDU.
 *
 * <p>Spec: server-server API, "Transactions" and {@code PUT /send/{txnId}} (at most 50 PDUs and 100 EDUs; the answer
 * is 200 with {@code {"pdus": {event_id: {} or {"error": ...}}}} even when some PDUs fail), "Checks performed on
 * receipt of a PDU" step 1 (a PDU that is not a valid event is dropped). The room version of each PDU is that of the
 * stored room it names: a PDU for a room this server has never heard of cannot even be given an event ID (the ID
 * format depends on the version), so it is left out of the answer, as Synapse does.
 *
 * <p>Idempotency: a transaction's answer is recorded ({@link ReceivedTransactions}) once it was processed to the
 * end, and a retry with the same (origin, txnId) gets it back untouched. Two copies of one transaction arriving at
 * once share one processing.
 */
public final class TransactionReceiver {
  /** The most PDUs a transaction may carry. */
  public static final int MAX_PDUS = 50;

  /** The most EDUs a transaction may carry. */
  public static final int MAX_EDUS = 100;

  // A transaction ID is the sender's opaque string; this bounds what we index.
  private static final int MAX_TXN_ID_BYTES = 1000;

  private static final Logger log = LoggerFactory.getLogger(TransactionReceiver.class);

  private final InboundPdus pdus;
  private final EduReceiver edus;
  private final ReceivedTransactions received;
  private final RoomStore rooms;
  private final Map<String, CompletableFuture<ObjectNode>> inFlight = new ConcurrentHashMap<>();

  public TransactionReceiver(InboundPdus pdus, EduReceiver edus, ReceivedTransactions received, RoomStore rooms) {
    this.pdus = pdus;
    this.edus = edus;
    this.received = received;
    this.rooms = rooms;
  }

  /**
   * Processes the transaction {@code txnId} that {@code origin} (authenticated) sent with {@code body}. Blocking.
   *
   * @return the answer: {@code {"pdus": {...}}}
   * @throws MatrixException {@code M_BAD_JSON} (400) for a body that is not a transaction or exceeds the limits,
   *     {@code M_FORBIDDEN} if the body names another origin, {@code M_INVALID_PARAM} for an overlong txnId
   */
  public ObjectNode receive(String origin, String txnId, ObjectNode body) {
    if (txnId.isEmpty() || txnId.getBytes(StandardCharsets.UTF_8).length > MAX_TXN_ID_BYTES) {
      throw MatrixException.invalidParam("Transaction ID must be 1 to " + MAX_TXN_ID_BYTES + " bytes");
    }
    Transaction transaction = parse(origin, body);
    Optional<ObjectNode> earlier = received.response(origin, txnId);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    String key = origin + '\n' + txnId;
    CompletableFuture<ObjectNode> mine = new CompletableFuture<>();
    CompletableFuture<ObjectNode> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return join(running).deepCopy();
    }
    try {
      ObjectNode answer = process(origin, transaction);
      received.record(origin, txnId, answer);
      mine.complete(answer);
      return answer.deepCopy();
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  /** A transaction body that passed the shape checks. */
  private record Transaction(ArrayNode pdus, ArrayNode edus) {}

  private static Transaction parse(String origin, ObjectNode body) {
    JsonNode pdus = body.get("pdus");
    if (pdus == null || !pdus.isArray()) {
      throw MatrixException.badJson("Transaction has no pdus list");
    }
    if (pdus.size() > MAX_PDUS) {
      throw MatrixException.badJson("Transaction has " + pdus.size() + " PDUs, more than " + MAX_PDUS);
    }
    JsonNode edus = body.get("edus");
    if (edus != null && !edus.isArray()) {
      throw MatrixException.badJson("Transaction edus is not a list");
    }
    if (edus != null && edus.size() > MAX_EDUS) {
      throw MatrixException.badJson("Transaction has " + edus.size() + " EDUs, more than " + MAX_EDUS);
    }
    JsonNode bodyOrigin = body.get("origin");
    if (bodyOrigin == null || !bodyOrigin.isTextual()) {
      throw MatrixException.badJson("Transaction has no origin");
    }
    if (!bodyOrigin.textValue().equals(origin)) {
      throw MatrixException.forbidden("Transaction origin " + bodyOrigin.textValue()
          + " is not the server that signed the request");
    }
    JsonNode ts = body.get("origin_server_ts");
    if (ts == null || !ts.isIntegralNumber()) {
      throw MatrixException.badJson("Transaction has no integer origin_server_ts");
    }
    return new Transaction((ArrayNode) pdus,
        edus == null ? JsonMapper.shared().createArrayNode() : (ArrayNode) edus);
  }

  private ObjectNode process(String origin, Transaction transaction) {
    ObjectNode answer = JsonMapper.shared().createObjectNode();
    ObjectNode results = answer.putObject("pdus");
    Map<String, List<Pdu>> byRoom = new LinkedHashMap<>();
    for (JsonNode json : transaction.pdus()) {
      String roomId = json.path("room_id").isTextual() ? json.get("room_id").textValue() : null;
      Optional<RoomVersion> version = roomId == null ? Optional.empty() : rooms.roomVersion(roomId);
      if (version.isEmpty()) {
        log.info("ignored a PDU for a room this server does not know origin={} room={}", origin, roomId);
        continue;
      }
      Optional<Pdu> pdu = PduFormat.wrap(version.get(), json);
      if (pdu.isEmpty()) {
        log.info("ignored a PDU whose event ID cannot be computed origin={} room={}", origin, roomId);
        continue;
      }
      Optional<String> problem = PduFormat.problem(pdu.get(), roomId);
      if (problem.isPresent()) {
        results.putObject(pdu.get().eventId()).put("error", "Invalid event: " + problem.get());
        continue;
      }
      byRoom.computeIfAbsent(roomId, r -> new ArrayList<>()).add(pdu.get());
    }
    byRoom.forEach((roomId, events) -> pdus.receive(origin, roomId, events).forEach((eventId, outcome) -> {
      ObjectNode result = results.putObject(eventId);
      outcome.error().ifPresent(error -> result.put("error", error));
    }));
    for (JsonNode edu : transaction.edus()) {
      receiveEdu(origin, edu);
    }
    return answer;
  }

  // EDUs are best-effort: a malformed one, or one the receiver chokes on, is logged and skipped.
  private void receiveEdu(String origin, JsonNode edu) {
    JsonNode type = edu.get("edu_type");
    JsonNode content = edu.get("content");
    if (type == null || !type.isTextual() || content == null || !content.isObject()) {
      log.debug("ignored a malformed EDU origin={}", origin);
      return;
    }
    try {
      edus.receive(origin, type.textValue(), content);
    } catch (RuntimeException e) {
      log.warn("EDU receiver failed origin={} type={}", origin, type.textValue(), e);
    }
  }

  private static ObjectNode join(CompletableFuture<ObjectNode> running) {
    try {
      return running.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }
}
