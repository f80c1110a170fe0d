-- Larch schema, version 14: fewer tables and indexes written per event. Every table or index a persist touches
-- costs a rewrite of its changed B-tree pages in each H2 commit (storage/README.md, "Persist"), so the write path
-- keeps only what something reads.

-- Nothing looks events up by the event they redact (a redaction carries its target; redacting rewrites that row).
DROP INDEX events_redacts;

-- Never read: auth events are read from the stored events themselves (Pdu.authEventIds), and this table cost two
-- B-tree writes per edge. A future SQL auth-chain walk can rebuild it from events.
DROP TABLE event_auth_edges;

-- prev_events edges are only ever looked up by parent ("has this event an accepted child?"): keyed that way, the
-- primary key is the lookup index and the separate (prev_event_id) index and the unused room_id column go.
CREATE TABLE event_children (
  prev_event_id VARCHAR NOT NULL,
  event_id      VARCHAR NOT NULL,
  PRIMARY KEY (prev_event_id, event_id)
);
INSERT INTO event_children (prev_event_id, event_id) SELECT prev_event_id, event_id FROM event_edges;
DROP TABLE event_edges;

-- The device and transaction ID that sent a local event (the user is its sender), so /sync and /messages find a
-- device's own transaction IDs through the events primary key; client_transactions keeps the idempotency lookup
-- and loses its event_id index.
ALTER TABLE events ADD COLUMN txn_device_id VARCHAR;
ALTER TABLE events ADD COLUMN txn_id VARCHAR;
UPDATE events SET
  txn_device_id = (SELECT MIN(ct.device_id) FROM client_transactions ct WHERE ct.event_id = events.event_id),
  txn_id = (SELECT MIN(ct.txn_id) FROM client_transactions ct WHERE ct.event_id = events.event_id)
WHERE event_id IN (SELECT event_id FROM client_transactions);
DROP INDEX client_transactions_event;
