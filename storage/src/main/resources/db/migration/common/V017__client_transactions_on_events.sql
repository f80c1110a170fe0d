-- Larch schema, version 17: a client transaction ID is kept on its event's row only. Since V014 the row carries the
-- device and transaction ID that sent it; a unique index over them (with the sender, the transaction's user) now
-- makes a send idempotent, so a send writes one table fewer: client_transactions cost two B-trees (its rows and its
-- primary key) and a statement per send, about a quarter of a single send's persist (bench/README, "Load").
-- Rows without a transaction ID (remote and server-made events) have NULLs there, which never conflict.
CREATE UNIQUE INDEX events_client_txn ON events (txn_id, txn_device_id, sender);
DROP TABLE client_transactions;
