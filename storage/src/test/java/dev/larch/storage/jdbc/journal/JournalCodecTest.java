package dev.larch.storage.jdbc.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalCodecTest {
  private static WriteLog sample() {
    WriteLog log = new WriteLog();
    log.statement("INSERT INTO t (a, b, c, d, e, f) VALUES (?, ?, ?, ?, ?, ?)",
        new Object[] {"héllo ✓", 42L, 7, true, new byte[] {0, 1, (byte) 0xff}, new WriteLog.SqlNull(Types.VARCHAR)}, 1);
    log.sequenceValue("state_snapshot_ids", 1234);
    log.statement("DELETE FROM t WHERE a = ?", new Object[] {"x"}, 0);
    return log;
  }

  private static ByteBuffer heapCopy(ByteBuffer direct) {
    ByteBuffer copy = ByteBuffer.allocate(direct.remaining());
    copy.put(direct.duplicate()).flip();
    return copy;
  }

  @Test
  void encodeThenDecode_givesBackEveryEntryAndParameter() {
    ByteBuffer encoded = heapCopy(JournalCodec.encode(99, sample(), null));
    JournalCodec.Record record = JournalCodec.decode(encoded);

    assertEquals(99, record.seq());
    List<WriteLog.Entry> entries = record.entries();
    assertEquals(3, entries.size());
    WriteLog.Statement insert = (WriteLog.Statement) entries.get(0);
    assertEquals("INSERT INTO t (a, b, c, d, e, f) VALUES (?, ?, ?, ?, ?, ?)", insert.sql());
    assertEquals("héllo ✓", insert.parameters()[0]);
    assertEquals(42L, insert.parameters()[1]);
    assertEquals(7, insert.parameters()[2]);
    assertEquals(true, insert.parameters()[3]);
    assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, (byte[]) insert.parameters()[4]);
    assertEquals(new WriteLog.SqlNull(Types.VARCHAR), insert.parameters()[5]);
    assertEquals(1, insert.rowCount());
    assertEquals(new WriteLog.SequenceValue("state_snapshot_ids", 1234), entries.get(1));
    assertEquals(0, ((WriteLog.Statement) entries.get(2)).rowCount());
  }

  @Test
  void aRecordLargerThanTheBuffer_growsIt() {
    WriteLog log = new WriteLog();
    byte[] big = new byte[300_000];
    big[299_999] = 5;
    log.statement("INSERT INTO t (b) VALUES (?)", new Object[] {big}, 1);
    ByteBuffer encoded = heapCopy(JournalCodec.encode(1, log, ByteBuffer.allocateDirect(64)));
    byte[] back = (byte[]) ((WriteLog.Statement) JournalCodec.decode(encoded).entries().get(0)).parameters()[0];
    assertArrayEquals(big, back);
  }

  @Test
  void aFlippedBit_failsTheCrc() {
    ByteBuffer encoded = heapCopy(JournalCodec.encode(5, sample(), null));
    int at = encoded.limit() - 3;
    encoded.put(at, (byte) (encoded.get(at) ^ 0x10));
    assertNull(JournalCodec.decode(encoded));
  }

  @Test
  void aRecordCutShort_isNotAWholeRecord() {
    ByteBuffer encoded = heapCopy(JournalCodec.encode(5, sample(), null));
    int whole = encoded.remaining();
    // The header announces more than the file holds: replay stops there.
    assertEquals(-1, JournalCodec.payloadLength(encoded, whole - 1));
    assertEquals(whole - JournalCodec.HEADER_BYTES, JournalCodec.payloadLength(encoded, whole));
    // A zeroed tail (a file extended but never written) is no record either.
    assertEquals(-1, JournalCodec.payloadLength(ByteBuffer.allocate(8), 1000));
  }
}
