-- Larch schema, version 10: transactions received over federation (server-server API, "Transactions").
-- The answer given to each PUT /send/{txnId}, so that a sender's retry of the same transaction gets the same answer
-- without its PDUs and EDUs being processed again. Rows older than a day are deleted as new ones arrive: senders
-- retry within minutes.
CREATE TABLE federation_inbound_transactions (
  origin      VARCHAR NOT NULL,
  txn_id      VARCHAR NOT NULL,
  response    BYTEA NOT NULL,
  received_ts BIGINT NOT NULL,
  PRIMARY KEY (origin, txn_id)
);
CREATE INDEX federation_inbound_transactions_received ON federation_inbound_transactions (received_ts);
