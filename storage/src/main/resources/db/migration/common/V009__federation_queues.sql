-- Larch schema, version 9: the federation sender's durable per-destination queues (core.federation.send).
-- A row is a PDU (by event ID; the JSON is read from events when it is sent) or an EDU that must survive a
-- restart (to-device, device-list and signing-key updates). id rises in queueing order; a row is deleted once a
-- transaction carrying it was answered with 200 (or refused for good).
CREATE SEQUENCE federation_queue_ids;
CREATE TABLE federation_queue (
  id          BIGINT NOT NULL PRIMARY KEY,
  destination VARCHAR NOT NULL,
  event_id    VARCHAR,          -- a PDU, or
  edu_type    VARCHAR,          -- an EDU with its content
  edu_content BYTEA
);
CREATE INDEX federation_queue_destination ON federation_queue (destination, id);

-- How far the sender has read the event stream: every local event up to stream_position is queued. One row,
-- written in the same transaction as the queue rows of the events it covers. -1: the sender never ran here.
CREATE TABLE federation_stream_position (
  singleton       INT NOT NULL PRIMARY KEY,
  stream_position BIGINT NOT NULL
);
INSERT INTO federation_stream_position (singleton, stream_position) VALUES (1, -1);

-- m.device_list_update EDUs carry the user's latest device-list change and the one before it.
CREATE INDEX device_list_changes_user ON device_list_changes (user_id, stream_position);
