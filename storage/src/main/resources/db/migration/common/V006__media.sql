-- Larch schema, version 6: the content repository (client-server API "Content repository").
-- The bytes are files under <data_dir>/media, named by their SHA-256; these tables only name them. A file is
-- complete and fsynced before the row that names it commits, so a row never points at half a file.

-- One row per media ID of this server. A row from POST /media/v1/create is pending (sha256 NULL, expires_ts set)
-- until PUT /media/v3/upload fills it; a direct upload is inserted complete. Equal content shares one file.
CREATE TABLE local_media (
  media_id       VARCHAR NOT NULL PRIMARY KEY,
  user_id        VARCHAR NOT NULL,
  created_ts     BIGINT NOT NULL,
  expires_ts     BIGINT NOT NULL,
  uploaded_ts    BIGINT NOT NULL,
  content_type   VARCHAR,
  upload_name    VARCHAR,
  content_length BIGINT NOT NULL,
  sha256         VARCHAR
);
-- Pending uploads per user (the pending limit) and expired ones (clean-up): uploaded rows have expires_ts 0.
CREATE INDEX local_media_pending ON local_media (user_id, expires_ts);
CREATE INDEX local_media_expiry ON local_media (expires_ts);

-- Generated thumbnails, one per (media, pre-set size). width/height/method are the pre-set size; actual_* what was
-- made (never larger than the original).
CREATE TABLE local_media_thumbnails (
  media_id       VARCHAR NOT NULL,
  width          INT NOT NULL,
  height         INT NOT NULL,
  method         VARCHAR NOT NULL,
  content_type   VARCHAR NOT NULL,
  actual_width   INT NOT NULL,
  actual_height  INT NOT NULL,
  content_length BIGINT NOT NULL,
  sha256         VARCHAR NOT NULL,
  PRIMARY KEY (media_id, width, height, method)
);
