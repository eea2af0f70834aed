package io.k8spacket.agent.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Building blocks of the golden-bytes decoder tests: records as the x86-64 kernel writes them (little-endian). */
final class RecordBytes {
  private RecordBytes() {}

  /** {@code values} as bytes, so a golden record can be written in hex with one comment per field. */
  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /** A copy of {@code record} with the byte at {@code offset} set to {@code value}. */
  static byte[] with(byte[] record, int offset, int value) {
    byte[] copy = record.clone();
    copy[offset] = (byte) value;
    return copy;
  }

  /** {@code ::ffff:a.b.c.d}, what a dual-stack socket holds for an IPv4 peer. */
  static byte[] ipv4Mapped(int a, int b, int c, int d) {
    return bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d);
  }

  static ByteBuffer buffer(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Asserts that the fields follow each other without gaps from offset 0 and end at {@code size}. */
  static void assertContiguous(List<StructField> layout, int size) {
    int next = 0;
    for (StructField field : layout) {
      assertThat(field.offset()).as(field.name()).isEqualTo(next);
      next = field.offset() + field.size();
    }
    assertThat(next).isEqualTo(size);
  }
}
