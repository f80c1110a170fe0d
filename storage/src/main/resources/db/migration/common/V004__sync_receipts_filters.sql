-- Larch schema, version 4: receipts and sync filters (client-server API "Receipts", "Filtering").
-- Typing and presence are in memory; their sync-token positions are seeded from the clock (see core.sync.SyncToken).

-- The latest receipt per (room, type, user, thread); thread_id '' is an unthreaded receipt (a key column cannot be
-- NULL). stream_position is the receipt stream /sync tokens carry, allocated like account_data's.
CREATE TABLE receipts (
  room_id         VARCHAR NOT NULL,
  receipt_type    VARCHAR NOT NULL,
  user_id         VARCHAR NOT NULL,
  thread_id       VARCHAR NOT NULL,
  event_id        VARCHAR NOT NULL,
  ts              BIGINT NOT NULL,
  stream_position BIGINT NOT NULL,
  PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
);
CREATE INDEX receipts_room_stream ON receipts (room_id, stream_position);

-- Filters uploaded with POST /user/{userId}/filter, kept as the JSON the client sent. IDs come from a sequence and
-- are only meaningful together with the user.
CREATE TABLE user_filters (
  user_id   VARCHAR NOT NULL,
  filter_id BIGINT NOT NULL,
  filter    BYTEA NOT NULL,
  PRIMARY KEY (user_id, filter_id)
);
CREATE SEQUENCE user_filter_ids;
