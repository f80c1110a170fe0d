package dev.larch.storage.jdbc.journal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The journal's record format. A record is {@code length:int crc32c:int payload}, the CRC over the payload, and
 * the payload is {@code seq:long entries:int} then each entry: {@code 1 sql params rows:long} for a statement
 * ({@code params} = {@code count:int} typed values) or {@code 2 sequence value:long}. Strings are
 * {@code length:int utf8}. A record cut short or failing its CRC is where a crash interrupted the append: it was
 * never acknowledged, and it and anything after it are dropped.
 */
final class JournalCodec {
  static final int HEADER_BYTES = 8;

  private static final byte STATEMENT = 1;
  private static final byte SEQUENCE_VALUE = 2;
  private static final byte NULL = 0;
  private static final byte STRING = 1;
  private static final byte LONG = 2;
  private static final byte INT = 3;
  private static final byte BOOLEAN = 4;
  private static final byte BYTES = 5;

  /** A decoded record. */
  record Record(long seq, List<WriteLog.Entry> entries) {}

  private JournalCodec() {}

  /** Encodes a record into {@code out} (cleared first), growing it as needed; returns the buffer to write. */
  static ByteBuffer encode(long seq, WriteLog log, ByteBuffer out) {
    ByteBuffer buffer = out;
    if (buffer != null) {
      buffer.clear();
    }
    buffer = ensure(buffer, HEADER_BYTES + 12);
    buffer.position(HEADER_BYTES);
    buffer.putLong(seq);
    buffer.putInt(log.entries().size());
    for (WriteLog.Entry entry : log.entries()) {
      if (entry instanceof WriteLog.Statement statement) {
        buffer = ensure(buffer, 1);
        buffer.put(STATEMENT);
        buffer = putString(buffer, statement.sql());
        buffer = ensure(buffer, 4);
        buffer.putInt(statement.parameters().length);
        for (Object parameter : statement.parameters()) {
          buffer = putParameter(buffer, parameter);
        }
        buffer = ensure(buffer, 8);
        buffer.putLong(statement.rowCount());
      } else if (entry instanceof WriteLog.SequenceValue value) {
        buffer = ensure(buffer, 1);
        buffer.put(SEQUENCE_VALUE);
        buffer = putString(buffer, value.sequence());
        buffer = ensure(buffer, 8);
        buffer.putLong(value.value());
      }
    }
    int end = buffer.position();
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate().position(HEADER_BYTES).limit(end));
    buffer.putInt(0, end - HEADER_BYTES);
    buffer.putInt(4, (int) crc.getValue());
    buffer.flip();
    return buffer;
  }

  /**
   * The payload length announced by the header at the buffer's position, or -1 if the header is not a plausible
   * one (a torn or zeroed tail).
   */
  static int payloadLength(ByteBuffer header, long remainingInFile) {
    int length = header.getInt(header.position());
    return length < 12 || length > remainingInFile - HEADER_BYTES ? -1 : length;
  }

  /** Decodes a record from its header plus payload, or returns null if the CRC or the layout is wrong. */
  static Record decode(ByteBuffer record) {
    try {
      int length = record.getInt();
      int expectedCrc = record.getInt();
      ByteBuffer payload = record.slice(record.position(), length);
      CRC32C crc = new CRC32C();
      crc.update(payload.duplicate());
      if ((int) crc.getValue() != expectedCrc) {
        return null;
      }
      long seq = payload.getLong();
      int count = payload.getInt();
      List<WriteLog.Entry> entries = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        byte kind = payload.get();
        if (kind == STATEMENT) {
          String sql = getString(payload);
          Object[] parameters = new Object[payload.getInt()];
          for (int p = 0; p < parameters.length; p++) {
            parameters[p] = getParameter(payload);
          }
          entries.add(new WriteLog.Statement(sql, parameters, payload.getLong()));
        } else if (kind == SEQUENCE_VALUE) {
          entries.add(new WriteLog.SequenceValue(getString(payload), payload.getLong()));
        } else {
          return null;
        }
      }
      return payload.hasRemaining() ? null : new Record(seq, entries);
    } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static ByteBuffer putParameter(ByteBuffer buffer, Object parameter) {
    if (parameter instanceof String s) {
      buffer = ensure(buffer, 1);
      buffer.put(STRING);
      return putString(buffer, s);
    }
    if (parameter instanceof byte[] bytes) {
      buffer = ensure(buffer, 5 + bytes.length);
      return buffer.put(BYTES).putInt(bytes.length).put(bytes);
    }
    buffer = ensure(buffer, 9);
    if (parameter instanceof Long l) {
      return buffer.put(LONG).putLong(l);
    }
    if (parameter instanceof Integer i) {
      return buffer.put(INT).putInt(i);
    }
    if (parameter instanceof Boolean b) {
      return buffer.put(BOOLEAN).put((byte) (b ? 1 : 0));
    }
    if (parameter instanceof WriteLog.SqlNull n) {
      return buffer.put(NULL).putInt(n.sqlType());
    }
    throw new IllegalArgumentException("parameter type not journaled: " + parameter);
  }

  private static Object getParameter(ByteBuffer payload) {
    byte type = payload.get();
    return switch (type) {
      case NULL -> new WriteLog.SqlNull(payload.getInt());
      case STRING -> getString(payload);
      case LONG -> payload.getLong();
      case INT -> payload.getInt();
      case BOOLEAN -> payload.get() != 0;
      case BYTES -> {
        byte[] bytes = new byte[checkedLength(payload)];
        payload.get(bytes);
        yield bytes;
      }
      default -> throw new IllegalArgumentException("unknown parameter type " + type);
    };
  }

  private static ByteBuffer putString(ByteBuffer buffer, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    buffer = ensure(buffer, 4 + utf8.length);
    return buffer.putInt(utf8.length).put(utf8);
  }

  private static String getString(ByteBuffer payload) {
    byte[] utf8 = new byte[checkedLength(payload)];
    payload.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static int checkedLength(ByteBuffer payload) {
    int length = payload.getInt();
    if (length < 0 || length > payload.remaining()) {
      throw new IllegalArgumentException("length out of range");
    }
    return length;
  }

  // A direct buffer, so the file write needs no copy; doubled when a record outgrows it.
  private static ByteBuffer ensure(ByteBuffer buffer, int more) {
    if (buffer != null && buffer.remaining() >= more) {
      return buffer;
    }
    int needed = (buffer == null ? 0 : buffer.position()) + more;
    int capacity = Math.max(64 * 1024, Integer.highestOneBit(Math.max(needed, 1) - 1) << 1);
    ByteBuffer grown = ByteBuffer.allocateDirect(capacity);
    if (buffer != null) {
      buffer.flip();
      grown.put(buffer);
    }
    return grown;
  }
}
