-- Larch schema, version 8: other servers' signing keys (server-server API "Retrieving server keys").

-- The latest verified key response of each server, exactly as received (BYTEA JSON), fetched directly or through a
-- notary: this server serves it again as a notary (/_matrix/key/v2/query), adding only its own signature.
-- valid_until_ts is as published, uncapped: what a notary compares minimum_valid_until_ts with.
CREATE TABLE server_key_responses (
  server_name    VARCHAR NOT NULL PRIMARY KEY,
  response       BYTEA NOT NULL,
  valid_until_ts BIGINT NOT NULL,
  received_ts    BIGINT NOT NULL
);

-- Every key a server was seen to publish, current or old, kept after it leaves later responses: events it signed
-- stay verifiable. valid_until_ts: for a current key the published valid_until_ts capped at 7 days after receipt,
-- for an old key its expired_ts. public_key is unpadded base64.
CREATE TABLE server_keys (
  server_name    VARCHAR NOT NULL,
  key_id         VARCHAR NOT NULL,
  public_key     VARCHAR NOT NULL,
  valid_until_ts BIGINT NOT NULL,
  old            BOOLEAN NOT NULL,
  PRIMARY KEY (server_name, key_id)
);
