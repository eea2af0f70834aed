package io.k8spacket.agent.tls;

/**
 * A bounds-checked big-endian cursor over a slice of a byte array. Every read past the slice's end throws a
 * {@link TlsParseException} of the reader's kind, so parsers never index out of bounds on hostile lengths.
 */
final class TlsReader {
  private final byte[] bytes;
  private final int limit;
  private final ParseErrorKind kind;
  private int position;

  TlsReader(byte[] bytes, int offset, int length, ParseErrorKind kind) {
    if (offset < 0 || length < 0 || offset > bytes.length - length) {
      throw new IllegalArgumentException("slice outside the array");
    }
    this.bytes = bytes;
    this.position = offset;
    this.limit = offset + length;
    this.kind = kind;
  }

  int remaining() {
    return limit - position;
  }

  boolean hasRemaining() {
    return position < limit;
  }

  int u8() throws TlsParseException {
    need(1);
    return bytes[position++] & 0xff;
  }

  int u16() throws TlsParseException {
    need(2);
    int value = (bytes[position] & 0xff) << 8 | (bytes[position + 1] & 0xff);
    position += 2;
    return value;
  }

  int u24() throws TlsParseException {
    need(3);
    int value = (bytes[position] & 0xff) << 16 | (bytes[position + 1] & 0xff) << 8 | (bytes[position + 2] & 0xff);
    position += 3;
    return value;
  }

  byte[] bytes(int count) throws TlsParseException {
    need(count);
    byte[] copy = java.util.Arrays.copyOfRange(bytes, position, position + count);
    position += count;
    return copy;
  }

  void skip(int count) throws TlsParseException {
    need(count);
    position += count;
  }

  /** Reads a length prefix of {@code prefixBytes} (1, 2 or 3) and returns a reader over exactly that vector. */
  TlsReader vector(int prefixBytes) throws TlsParseException {
    int length = switch (prefixBytes) {
      case 1 -> u8();
      case 2 -> u16();
      case 3 -> u24();
      default -> throw new IllegalArgumentException("prefix " + prefixBytes);
    };
    return slice(length);
  }

  /** A reader over the next {@code length} bytes, which this reader skips. */
  TlsReader slice(int length) throws TlsParseException {
    need(length);
    TlsReader inner = new TlsReader(bytes, position, length, kind);
    position += length;
    return inner;
  }

  /** Fails unless every byte was read: trailing bytes inside a length-delimited structure are malformed. */
  void expectEnd(String what) throws TlsParseException {
    if (position != limit) {
      throw fail(what + ": " + (limit - position) + " trailing bytes");
    }
  }

  TlsParseException fail(String message) {
    return new TlsParseException(kind, message);
  }

  private void need(int count) throws TlsParseException {
    if (count < 0 || count > limit - position) {
      throw fail("needs " + count + " bytes, " + (limit - position) + " left");
    }
  }
}
