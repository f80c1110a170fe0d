-- Larch schema, version 7: the room directory, pushers and notifications (client-server API "Listing rooms",
-- "Push Notifications"). Same dialect rules as V001 (see storage/README.md).

-- Rooms published in this server's room directory (PUT /directory/list/room/{roomId}, createRoom with
-- visibility public). A row means public; no row, private.
CREATE TABLE room_directory (
  room_id VARCHAR NOT NULL PRIMARY KEY
);

-- One slot of the current state across every room (the user directory's "rooms anyone may join").
CREATE INDEX room_current_state_slot ON room_current_state (event_type, state_key);

-- Pushers (POST /pushers/set), one per (user, app_id, pushkey); data is the client's JSON object.
CREATE TABLE pushers (
  user_id             VARCHAR NOT NULL,
  app_id              VARCHAR NOT NULL,
  pushkey             VARCHAR NOT NULL,
  kind                VARCHAR NOT NULL,
  app_display_name    VARCHAR NOT NULL,
  device_display_name VARCHAR NOT NULL,
  profile_tag         VARCHAR,
  lang                VARCHAR NOT NULL,
  data                BYTEA NOT NULL,
  PRIMARY KEY (user_id, app_id, pushkey)
);
-- Setting a pusher without append removes other users' pushers of the same app and pushkey.
CREATE INDEX pushers_pushkey ON pushers (app_id, pushkey);

-- Events a local user was notified about (their push rules said notify), for GET /notifications: newest first by
-- the event's stream position. actions is the matching rule's actions array. Whether it was read is not stored:
-- it follows from the user's read receipts when asked.
CREATE TABLE notifications (
  user_id         VARCHAR NOT NULL,
  event_id        VARCHAR NOT NULL,
  room_id         VARCHAR NOT NULL,
  stream_position BIGINT NOT NULL,
  ts              BIGINT NOT NULL,
  highlight       BOOLEAN NOT NULL,
  actions         BYTEA NOT NULL,
  PRIMARY KEY (user_id, event_id)
);
CREATE INDEX notifications_user_stream ON notifications (user_id, stream_position);
