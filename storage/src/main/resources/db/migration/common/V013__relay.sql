-- Larch schema, version 13: transactions this server holds as a store-and-forward relay for P2P servers that are
-- away (core.federation.relay). entry_id rises in arrival order; a repeat of (destination, origin, txn_id) is the
-- sender retrying and is stored once.
CREATE TABLE relay_transactions (
  entry_id      BIGINT NOT NULL PRIMARY KEY,
  destination   VARCHAR NOT NULL,
  origin        VARCHAR NOT NULL,
  txn_id        VARCHAR NOT NULL,
  body          BYTEA NOT NULL,
  uri           VARCHAR NOT NULL,
  auth_header   VARCHAR NOT NULL,
  UNIQUE (destination, origin, txn_id)
);
CREATE INDEX relay_transactions_destination ON relay_transactions (destination, entry_id);
CREATE SEQUENCE relay_entry_ids;
