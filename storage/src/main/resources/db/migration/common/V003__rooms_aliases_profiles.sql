-- Larch schema, version 3: room aliases, profiles, forgotten rooms, and the lookups client reads of rooms need.
-- Same dialect rules as V001 (see storage/README.md).

-- Local room aliases (#localpart:this.server) and who created each, who may delete it again.
CREATE TABLE room_aliases (
  room_alias VARCHAR NOT NULL PRIMARY KEY,
  room_id    VARCHAR NOT NULL,
  creator    VARCHAR NOT NULL
);
CREATE INDEX room_aliases_room ON room_aliases (room_id);

-- Profiles of local users; a missing row or NULL column is an unset field.
CREATE TABLE profiles (
  user_id     VARCHAR NOT NULL PRIMARY KEY,
  displayname VARCHAR,
  avatar_url  VARCHAR
);

-- Rooms a user has forgotten (POST /rooms/{roomId}/forget); a new membership removes the row.
CREATE TABLE forgotten_rooms (
  user_id VARCHAR NOT NULL,
  room_id VARCHAR NOT NULL,
  PRIMARY KEY (user_id, room_id)
);

-- unsigned.transaction_id of a device's own events: from event ID back to the transaction.
CREATE INDEX client_transactions_event ON client_transactions (event_id);
