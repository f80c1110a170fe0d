package dev.larch.overlay.wire;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;
import java.util.Arrays;

/** A bounds-checked read position in a byte array: every overrun is the peer's fault, never an index exception. */
final class WireCursor {
  private final byte[] data;
  private int position;
  private final int limit;

  WireCursor(byte[] data, int offset, int limit) {
    this.data = data;
    this.position = offset;
    this.limit = limit;
  }

  boolean hasRemaining() {
    return position < limit;
  }

  int remaining() {
    return limit - position;
  }

  int position() {
    return position;
  }

  int readUnsignedByte() {
    need(1, "byte");
    return data[position++] & 0xff;
  }

  int readU16() {
    need(2, "u16");
    int value = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
    position += 2;
    return value;
  }

  PublicKey readKey() {
    need(PublicKey.LENGTH, "public key");
    PublicKey key = PublicKey.read(data, position);
    position += PublicKey.LENGTH;
    return key;
  }

  byte[] readBytes(int n, String what) {
    need(n, what);
    byte[] out = Arrays.copyOfRange(data, position, position + n);
    position += n;
    return out;
  }

  long readVarU64() {
    return VarU64.read(this);
  }

  private void need(int n, String what) {
    if (limit - position < n) {
      throw new BadPeerException("truncated " + what + ": need " + n + " bytes, have " + (limit - position));
    }
  }
}
