package io.k8spacket.agent.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * One direction of a TCP connection, rebuilt from kernel chunks: bytes are placed by sequence number relative to
 * an anchor (the first chunk that starts a ClientHello or ServerHello record), so duplicates, overlaps,
 * reordering and wrap-around at 2^32 need no special cases. Chunks seen before the anchor wait in a pending
 * list. Complete handshake records at the front are de-framed in place (payloads moved down over their headers)
 * and complete handshake messages handed to a {@link Handler}, so a record split over chunks, a message split
 * over records and several messages in one record all look the same to the handler.
 *
 * <p>Memory: one array that grows by doubling up to {@code maxBytes} (plus a bitmap of filled bytes, an eighth
 * of it), and the pending chunks; every byte is reserved from a shared {@link Budget} first.
 */
final class DirectionStream {
  /** What the connection makes of this direction's messages. */
  interface Handler {
    /** A complete handshake message; its body is {@code bytes[offset, offset + length)}, valid only now. */
    boolean onMessage(int type, byte[] bytes, int offset, int length);

    /** A record that is not a handshake record; true skips it, false ends the direction. */
    boolean onOtherRecord(int contentType);

    /** Malformed framing; the direction ends after this. */
    void onError(ParseErrorKind kind);
  }

  /** The assembler's total-bytes account. */
  interface Budget {
    boolean reserve(long bytes);

    void release(long bytes);
  }

  /** Counters this direction adds to the assembler's. */
  static final class Tally {
    long duplicateBytes;
    long droppedBytes;
  }

  private static final byte[] EMPTY = new byte[0];
  private static final int MIN_CAPACITY = 2048;

  private final int maxBytes;
  private final Budget budget;
  private final Tally tally;

  private boolean anchored;
  private long baseSeq;
  private long anchorCapturedNs;
  private List<long[]> pendingSeqs;
  private List<byte[]> pendingPayloads;
  private int pendingBytes;

  private byte[] buffer = EMPTY;
  private BitSet filled;
  private int contiguous;
  private int recordPosition;
  private int messageStart;
  private int messageEnd;
  private boolean ended;

  DirectionStream(int maxBytes, Budget budget, Tally tally) {
    this.maxBytes = maxBytes;
    this.budget = budget;
    this.tally = tally;
  }

  boolean ended() {
    return ended;
  }

  boolean anchored() {
    return anchored;
  }

  long anchorCapturedNs() {
    return anchorCapturedNs;
  }

  /** Bytes this direction holds (array, bitmap, pending chunks). */
  long heldBytes() {
    return buffer.length + bitmapBytes(buffer.length) + pendingBytes;
  }

  /**
   * True when {@code payload} starts a handshake record carrying a ClientHello or ServerHello, as the kernel
   * detects it (bytes 0-2 and 5). When the chunk also holds the message's 24-bit length (read across records if
   * they are tiny), that length must be plausible for a hello (38 bytes to {@code maxBytes}): a later record
   * whose first payload byte happens to be 1 or 2 is then rarely mistaken for the start.
   */
  static boolean startsHello(byte[] payload, int maxBytes) {
    if (payload.length < 6 || payload[0] != TlsCodes.RECORD_HANDSHAKE || payload[1] != 3
        || (payload[2] & 0xff) > 4
        || payload[5] != TlsCodes.HS_CLIENT_HELLO && payload[5] != TlsCodes.HS_SERVER_HELLO) {
      return false;
    }
    int header = 0; // the handshake header's bytes collected so far: type, then three length bytes
    int length = 0;
    int position = 0;
    while (header < 4 && position + 5 <= payload.length) {
      int recordLength = (payload[position + 3] & 0xff) << 8 | (payload[position + 4] & 0xff);
      if (payload[position] != TlsCodes.RECORD_HANDSHAKE || payload[position + 1] != 3 || recordLength == 0) {
        return false;
      }
      int end = Math.min(payload.length, position + 5 + recordLength);
      for (int i = position + 5; i < end && header < 4; i++, header++) {
        length = header == 0 ? 0 : length << 8 | (payload[i] & 0xff);
      }
      position += 5 + recordLength;
    }
    return header < 4 || length >= 38 && length <= maxBytes;
  }

  /** Adds a chunk; then {@link #drain} hands out what became complete. */
  void add(long seq, byte[] payload, long capturedNs) {
    if (ended) {
      return;
    }
    if (anchored) {
      place(seq, payload);
    } else if (startsHello(payload, maxBytes)) {
      anchor(seq, payload, capturedNs);
    } else {
      hold(seq, payload);
    }
  }

  private void anchor(long seq, byte[] payload, long capturedNs) {
    anchored = true;
    baseSeq = seq;
    anchorCapturedNs = capturedNs;
    place(seq, payload);
    if (pendingSeqs != null) {
      List<long[]> seqs = pendingSeqs;
      List<byte[]> payloads = pendingPayloads;
      budget.release(pendingBytes);
      pendingSeqs = null;
      pendingPayloads = null;
      pendingBytes = 0;
      for (int i = 0; i < seqs.size(); i++) {
        place(seqs.get(i)[0], payloads.get(i)); // chunks before the anchor count as duplicates
      }
    }
  }

  private void hold(long seq, byte[] payload) {
    if (pendingBytes + (long) payload.length > maxBytes || !budget.reserve(payload.length)) {
      tally.droppedBytes += payload.length;
      return;
    }
    if (pendingSeqs == null) {
      pendingSeqs = new ArrayList<>(4);
      pendingPayloads = new ArrayList<>(4);
    }
    pendingSeqs.add(new long[] {seq});
    pendingPayloads.add(payload.clone());
    pendingBytes += payload.length;
  }

  private void place(long seq, byte[] payload) {
    long start = (int) (seq - baseSeq); // distance modulo 2^32, negative when before the anchor
    long end = start + payload.length;
    if (end <= contiguous) {
      tally.duplicateBytes += payload.length;
      return;
    }
    long from = Math.max(start, contiguous);
    long to = Math.min(end, maxBytes);
    tally.duplicateBytes += from - start;
    if (end > maxBytes) {
      tally.droppedBytes += end - Math.max(from, maxBytes);
    }
    if (from >= to || !ensureCapacity((int) to)) {
      if (from < to) {
        tally.droppedBytes += to - from;
      }
      return;
    }
    System.arraycopy(payload, (int) (from - start), buffer, (int) from, (int) (to - from));
    filled.set((int) from, (int) to);
    contiguous = filled.nextClearBit(contiguous);
  }

  private boolean ensureCapacity(int needed) {
    if (needed <= buffer.length) {
      return true;
    }
    int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(needed - 1) << 1);
    capacity = Math.min(capacity, maxBytes);
    long delta = capacity + bitmapBytes(capacity) - buffer.length - bitmapBytes(buffer.length);
    if (!budget.reserve(delta)) {
      return false;
    }
    buffer = Arrays.copyOf(buffer, capacity);
    if (filled == null) {
      filled = new BitSet(capacity);
    }
    return true;
  }

  private static long bitmapBytes(int capacity) {
    return capacity == 0 ? 0 : (capacity + 63) / 64 * 8L;
  }

  /** Hands every complete message to {@code handler} until it or the framing ends the direction. */
  void drain(Handler handler) {
    while (!ended) {
      int buffered = messageEnd - messageStart;
      if (buffered >= 4) {
        int type = buffer[messageStart] & 0xff;
        int length = u24(messageStart + 1);
        if (length > maxBytes) {
          fail(handler, ParseErrorKind.HANDSHAKE_MESSAGE);
          return;
        }
        if (buffered >= 4 + length) {
          int body = messageStart + 4;
          messageStart = body + length;
          if (!handler.onMessage(type, buffer, body, length)) {
            end();
          }
          continue;
        }
        if (recordPosition + 4L + length - buffered > maxBytes) {
          tally.droppedBytes += recordPosition + 4L + length - buffered - maxBytes;
          end(); // the rest of the message cannot fit within this direction's bound
          return;
        }
      }
      if (contiguous - recordPosition < 5) {
        return;
      }
      int contentType = buffer[recordPosition] & 0xff;
      int major = buffer[recordPosition + 1] & 0xff;
      int minor = buffer[recordPosition + 2] & 0xff;
      int length = (buffer[recordPosition + 3] & 0xff) << 8 | (buffer[recordPosition + 4] & 0xff);
      if (contentType < TlsCodes.RECORD_CHANGE_CIPHER_SPEC || contentType > TlsCodes.RECORD_HEARTBEAT
          || major != 3 || minor > 4 || length > TlsCodes.MAX_RECORD_LENGTH
          || length == 0 && contentType == TlsCodes.RECORD_HANDSHAKE) {
        fail(handler, ParseErrorKind.RECORD);
        return;
      }
      if (contentType != TlsCodes.RECORD_HANDSHAKE) {
        if (!handler.onOtherRecord(contentType)) {
          end();
          return;
        }
        if (contiguous - recordPosition < 5 + length) {
          return; // skip it once it is all here
        }
        recordPosition += 5 + length;
        continue;
      }
      if (recordPosition + 5L + length > maxBytes) {
        tally.droppedBytes += recordPosition + 5L + length - maxBytes;
        end(); // can never complete within this direction's bound
        return;
      }
      if (contiguous - recordPosition < 5 + length) {
        return;
      }
      System.arraycopy(buffer, recordPosition + 5, buffer, messageEnd, length);
      messageEnd += length;
      recordPosition += 5 + length;
    }
  }

  private int u24(int at) {
    return (buffer[at] & 0xff) << 16 | (buffer[at + 1] & 0xff) << 8 | (buffer[at + 2] & 0xff);
  }

  private void fail(DirectionStream.Handler handler, ParseErrorKind kind) {
    end();
    handler.onError(kind);
  }

  /** Stops reading and gives the memory back; later chunks are ignored. */
  void end() {
    if (!ended) {
      ended = true;
      budget.release(heldBytes());
      buffer = EMPTY;
      filled = null;
      pendingSeqs = null;
      pendingPayloads = null;
      pendingBytes = 0;
    }
  }
}
