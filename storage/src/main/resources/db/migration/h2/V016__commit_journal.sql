-- The commit journal's watermark (storage.jdbc.journal.CommitJournal): the number of the last journal record whose
-- transaction this database holds. Every journaled transaction sets it, so after a crash the value H2 reopens with
-- says which records to replay. H2 only: PostgreSQL's own WAL makes its commits durable.
CREATE TABLE commit_journal (
  singleton   INT PRIMARY KEY CHECK (singleton = 1),
  applied_seq BIGINT NOT NULL
);
INSERT INTO commit_journal (singleton, applied_seq) VALUES (1, 0);
