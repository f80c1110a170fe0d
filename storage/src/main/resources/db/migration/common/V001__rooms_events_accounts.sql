-- Larch schema, version 1: rooms, events and state, accounts.
-- One dialect: PostgreSQL-flavoured standard SQL that H2 runs in MODE=PostgreSQL. No partial indexes, no
-- ON CONFLICT DO UPDATE (H2 lacks both); upserts go through storage.jdbc.Dialect. See storage/README.md.

-- Rooms this server knows. Persist locks the room's row (SELECT ... FOR UPDATE), which serialises the writers of
-- one room without blocking other rooms.
CREATE TABLE rooms (
  room_id             VARCHAR NOT NULL PRIMARY KEY,
  room_version        VARCHAR NOT NULL,
  -- The snapshot room_current_state materialises. NULL: the empty state of a new room. -1: current state came from
  -- a caller-resolved map with no snapshot, so the next update diffs the table instead of taking the fast path.
  current_snapshot_id BIGINT
);

-- Every stored event: its exact canonical JSON plus the columns we query, extracted at write time. Nothing ever
-- queries inside the JSON.
CREATE TABLE events (
  event_id                 VARCHAR NOT NULL PRIMARY KEY,
  room_id                  VARCHAR NOT NULL,
  room_version             VARCHAR NOT NULL,
  event_type               VARCHAR NOT NULL,
  state_key                VARCHAR,          -- NULL: not a state event
  sender                   VARCHAR NOT NULL,
  membership               VARCHAR,          -- content.membership of m.room.member events
  redacts                  VARCHAR,          -- the event an m.room.redaction redacts
  depth                    BIGINT NOT NULL,  -- topological ordering
  stream_ordering          BIGINT,           -- NULL for outliers
  origin_server_ts         BIGINT NOT NULL,
  outlier                  BOOLEAN NOT NULL,
  soft_failed              BOOLEAN NOT NULL,
  rejected_reason          VARCHAR,          -- non-NULL: rejected
  state_before_snapshot_id BIGINT,           -- NULL with outlier = FALSE: the empty state (create event)
  state_after_snapshot_id  BIGINT,
  json                     BYTEA NOT NULL
);
CREATE UNIQUE INDEX events_stream ON events (stream_ordering);
CREATE INDEX events_room_stream ON events (room_id, stream_ordering);
CREATE INDEX events_room_topological ON events (room_id, depth, stream_ordering);
CREATE INDEX events_redacts ON events (redacts);

-- DAG edges: prev_events. Looked up both ways: an event's parents, and whether an event already has a child
-- (which keeps a late-arriving parent out of the forward extremities).
CREATE TABLE event_edges (
  event_id      VARCHAR NOT NULL,
  prev_event_id VARCHAR NOT NULL,
  room_id       VARCHAR NOT NULL,
  PRIMARY KEY (event_id, prev_event_id)
);
CREATE INDEX event_edges_prev ON event_edges (prev_event_id);

-- auth_events edges, so auth chains can be walked in SQL rather than by parsing events.
CREATE TABLE event_auth_edges (
  event_id      VARCHAR NOT NULL,
  auth_event_id VARCHAR NOT NULL,
  PRIMARY KEY (event_id, auth_event_id)
);

CREATE TABLE room_forward_extremities (
  room_id  VARCHAR NOT NULL,
  event_id VARCHAR NOT NULL,
  PRIMARY KEY (room_id, event_id)
);

-- State snapshots as deltas: a snapshot is its parent plus its own entries; a checkpoint (parent_id NULL) holds the
-- full state. chain_length counts the deltas since the checkpoint and bounds every lookup.
CREATE TABLE state_snapshots (
  snapshot_id  BIGINT NOT NULL PRIMARY KEY,
  room_id      VARCHAR NOT NULL,
  parent_id    BIGINT,
  chain_length INT NOT NULL
);
CREATE SEQUENCE state_snapshot_ids;

-- A snapshot's own entries. event_id NULL removes the slot (only a resolved state can drop one).
CREATE TABLE state_snapshot_entries (
  snapshot_id BIGINT NOT NULL,
  event_type  VARCHAR NOT NULL,
  state_key   VARCHAR NOT NULL,
  event_id    VARCHAR,
  PRIMARY KEY (snapshot_id, event_type, state_key)
);

-- The current state, materialised, so clients' reads never walk snapshots.
CREATE TABLE room_current_state (
  room_id    VARCHAR NOT NULL,
  event_type VARCHAR NOT NULL,
  state_key  VARCHAR NOT NULL,
  event_id   VARCHAR NOT NULL,
  PRIMARY KEY (room_id, event_type, state_key)
);

-- Memberships in current state, per user: "which rooms am I in" without scanning state.
CREATE TABLE room_memberships (
  room_id         VARCHAR NOT NULL,
  user_id         VARCHAR NOT NULL,
  membership      VARCHAR NOT NULL,
  event_id        VARCHAR NOT NULL,
  stream_ordering BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_memberships_user ON room_memberships (user_id);

-- Client transaction IDs, written in the same transaction as the event they produced.
CREATE TABLE client_transactions (
  user_id   VARCHAR NOT NULL,
  device_id VARCHAR NOT NULL,
  txn_id    VARCHAR NOT NULL,
  event_id  VARCHAR NOT NULL,
  PRIMARY KEY (user_id, device_id, txn_id)
);

CREATE TABLE users (
  user_id       VARCHAR NOT NULL PRIMARY KEY,
  password_hash VARCHAR,
  guest         BOOLEAN NOT NULL,
  deactivated   BOOLEAN NOT NULL,
  created_ts    BIGINT NOT NULL
);

CREATE TABLE devices (
  user_id      VARCHAR NOT NULL,
  device_id    VARCHAR NOT NULL,
  display_name VARCHAR,
  created_ts   BIGINT NOT NULL,
  last_seen_ts BIGINT NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

-- Access tokens by SHA-256 hash (unpadded base64); the token itself is never stored.
CREATE TABLE access_tokens (
  token_hash VARCHAR NOT NULL PRIMARY KEY,
  user_id    VARCHAR NOT NULL,
  device_id  VARCHAR NOT NULL,
  created_ts BIGINT NOT NULL,
  expires_ts BIGINT NOT NULL        -- 0: never
);
CREATE INDEX access_tokens_device ON access_tokens (user_id, device_id);

-- Account data; room_id '' is global data (a key column cannot be NULL).
CREATE TABLE account_data (
  user_id         VARCHAR NOT NULL,
  room_id         VARCHAR NOT NULL,
  data_type       VARCHAR NOT NULL,
  content         BYTEA NOT NULL,
  stream_position BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id, data_type)
);
CREATE INDEX account_data_stream ON account_data (user_id, stream_position);
