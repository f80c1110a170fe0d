-- Larch schema, version 11: other servers' media cached for our clients (client-server API "Content repository":
-- the homeserver fetches remote content from its origin over federation and caches it). The bytes share the
-- content store of local media (files named by SHA-256, fsynced and moved in place before the row commits).
CREATE TABLE remote_media_cache (
  server_name    VARCHAR NOT NULL,
  media_id       VARCHAR NOT NULL,
  content_type   VARCHAR NOT NULL,
  upload_name    VARCHAR,
  content_length BIGINT NOT NULL,
  sha256         VARCHAR NOT NULL,
  fetched_ts     BIGINT NOT NULL,
  PRIMARY KEY (server_name, media_id)
);
