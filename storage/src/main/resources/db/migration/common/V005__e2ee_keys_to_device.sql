-- Larch schema, version 5: end-to-end encryption (client-server API "End-to-End Encryption", "Send-to-Device
-- messaging", "Server-side key backups"). The server stores what clients upload and never reads ciphertext: every
-- *_json column holds the JSON as the client sent it; the other columns are what is queried.

-- Device keys (POST /keys/upload device_keys), one object per device.
CREATE TABLE e2e_device_keys (
  user_id   VARCHAR NOT NULL,
  device_id VARCHAR NOT NULL,
  key_json  BYTEA NOT NULL,
  PRIMARY KEY (user_id, device_id)
);

-- Unclaimed one-time keys; /keys/claim deletes the one it hands out. key_id is the part after "algorithm:".
CREATE TABLE e2e_one_time_keys (
  user_id   VARCHAR NOT NULL,
  device_id VARCHAR NOT NULL,
  algorithm VARCHAR NOT NULL,
  key_id    VARCHAR NOT NULL,
  key_json  BYTEA NOT NULL,
  PRIMARY KEY (user_id, device_id, algorithm, key_id)
);

-- The fallback key per (device, algorithm): handed out when no one-time key is left, kept, and marked used.
CREATE TABLE e2e_fallback_keys (
  user_id   VARCHAR NOT NULL,
  device_id VARCHAR NOT NULL,
  algorithm VARCHAR NOT NULL,
  key_id    VARCHAR NOT NULL,
  key_json  BYTEA NOT NULL,
  used      BOOLEAN NOT NULL,
  PRIMARY KEY (user_id, device_id, algorithm)
);

-- Cross-signing keys (POST /keys/device_signing/upload); key_type is master, self_signing or user_signing.
CREATE TABLE e2e_cross_signing_keys (
  user_id    VARCHAR NOT NULL,
  key_type   VARCHAR NOT NULL,
  public_key VARCHAR NOT NULL,
  key_json   BYTEA NOT NULL,
  PRIMARY KEY (user_id, key_type)
);

-- Signatures uploaded with POST /keys/signatures/upload, merged into the keys they sign when served. The target
-- key is a device ID or a cross-signing public key of target_user_id.
CREATE TABLE e2e_key_signatures (
  target_user_id VARCHAR NOT NULL,
  target_key_id  VARCHAR NOT NULL,
  signer_user_id VARCHAR NOT NULL,
  signer_key_id  VARCHAR NOT NULL,
  signature      VARCHAR NOT NULL,
  PRIMARY KEY (target_user_id, target_key_id, signer_user_id, signer_key_id)
);

-- The device-list stream behind /sync device_lists.changed and /keys/changes: one row per change of a user's
-- devices, device keys or cross-signing keys. notify_user_id NULL: everyone sharing a room with user_id may hear
-- of it; otherwise only that user (a signature of another user's key is visible to its signer alone).
CREATE TABLE device_list_changes (
  stream_position BIGINT NOT NULL PRIMARY KEY,
  user_id         VARCHAR NOT NULL,
  notify_user_id  VARCHAR
);

-- To-device messages waiting for their device; deleted once the device syncs with a token past them. All
-- messages of one send share its stream position.
CREATE TABLE to_device_messages (
  user_id         VARCHAR NOT NULL,
  device_id       VARCHAR NOT NULL,
  stream_position BIGINT NOT NULL,
  sender          VARCHAR NOT NULL,
  event_type      VARCHAR NOT NULL,
  content         BYTEA NOT NULL,
  PRIMARY KEY (user_id, device_id, stream_position)
);
CREATE INDEX to_device_messages_stream ON to_device_messages (stream_position);

-- Transaction IDs of PUT /sendToDevice/{eventType}/{txnId} per sending device, for idempotent retries.
CREATE TABLE to_device_txns (
  user_id   VARCHAR NOT NULL,
  device_id VARCHAR NOT NULL,
  txn_id    VARCHAR NOT NULL,
  PRIMARY KEY (user_id, device_id, txn_id)
);

-- Key backup versions; the highest version of a user that is not deleted is the current one. etag counts changes.
CREATE TABLE room_key_backup_versions (
  user_id   VARCHAR NOT NULL,
  version   BIGINT NOT NULL,
  algorithm VARCHAR NOT NULL,
  auth_data BYTEA NOT NULL,
  etag      BIGINT NOT NULL,
  deleted   BOOLEAN NOT NULL,
  PRIMARY KEY (user_id, version)
);
CREATE SEQUENCE room_key_backup_version_ids;

-- Backed-up room keys; the ordering columns are copied out of key_json for the spec's replacement rules.
CREATE TABLE room_key_backup_keys (
  user_id             VARCHAR NOT NULL,
  version             BIGINT NOT NULL,
  room_id             VARCHAR NOT NULL,
  session_id          VARCHAR NOT NULL,
  first_message_index BIGINT NOT NULL,
  forwarded_count     BIGINT NOT NULL,
  is_verified         BOOLEAN NOT NULL,
  key_json            BYTEA NOT NULL,
  PRIMARY KEY (user_id, version, room_id, session_id)
);
