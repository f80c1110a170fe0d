package dev.larch.storage.jdbc.journal;

import java.util.ArrayList;
import java.util.List;

/**
 * What one write transaction changed, as the statements to run again: filled by {@link RecordingConnection} while
 * the transaction runs, appended to the {@link CommitJournal} when it commits, replayed after a crash.
 *
 * <p>Replaying the statements in commit order rebuilds the same rows only if each statement is a function of the
 * rows before it and its parameters, which is why write transactions run one at a time under the journal and why
 * sequence values are taken through {@link dev.larch.storage.jdbc.Sequences#next}, never inside a statement.
 */
public final class WriteLog {
  /** One entry of the log. */
  sealed interface Entry permits Statement, SequenceValue {}

  /** A data-changing statement that succeeded, with its parameters and the rows it changed. */
  record Statement(String sql, Object[] parameters, long rowCount) implements Entry {}

  /** A value a sequence handed out; replay moves the sequence past it (H2 may reopen it behind what it gave). */
  record SequenceValue(String sequence, long value) implements Entry {}

  /** The parameter value of {@code setNull(index, sqlType)}. */
  record SqlNull(int sqlType) {}

  private final List<Entry> entries = new ArrayList<>();

  void statement(String sql, Object[] parameters, long rowCount) {
    entries.add(new Statement(sql, parameters, rowCount));
  }

  /** Records that {@code sequence} handed out {@code value} in this transaction. */
  public void sequenceValue(String sequence, long value) {
    entries.add(new SequenceValue(sequence, value));
  }

  List<Entry> entries() {
    return entries;
  }

  /** True when the transaction changed nothing, so there is nothing to journal. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }
}
