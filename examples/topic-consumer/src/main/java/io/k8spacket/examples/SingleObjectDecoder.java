package io.k8spacket.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes k8spacket's topic values with the {@code .avsc} files alone. Every value is Avro single-object
 * encoding:
 *
 * <pre>
 * byte 0-1   C3 01                     marker
 * byte 2-9   fingerprint               CRC-64-AVRO of the writer schema's canonical form, little-endian
 * byte 10-   body                      Avro binary encoding of the record
 * </pre>
 *
 * The fingerprint says which schema wrote the record; this class knows every topic schema by its fingerprint
 * and decodes the body with Avro's generic API ({@link GenericRecord}: fields by name, no generated classes).
 */
public final class SingleObjectDecoder {
  /** Files that define the types the topic schemas use, in dependency order, then the topic schemas. */
  static final List<String> FILES = List.of(
      "common/AddressFamily.avsc", "common/Observer.avsc", "common/CloseKind.avsc", "common/EndpointKind.avsc",
      "common/CertificateSource.avsc", "common/TlsEventKind.avsc", "common/Endpoint.avsc",
      "common/CertificateInfo.avsc", "common/ClientHello.avsc", "common/ServerHello.avsc",
      "topics/TcpConnectionEvent.avsc", "topics/TlsHandshakeEvent.avsc", "topics/EndpointMetadata.avsc",
      "topics/Connection.avsc", "topics/TlsSession.avsc", "topics/Certificate.avsc");
  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = 0x01;
  private static final int HEADER = 10;

  private final Map<Long, Schema> byFingerprint = new HashMap<>();

  private SingleObjectDecoder(Map<String, InputStreamSupplier> files) {
    Schema.Parser parser = new Schema.Parser(); // one parser: later files refer to types of earlier ones
    for (String file : FILES) {
      try (InputStream in = files.get(file).open()) {
        Schema schema = parser.parse(in);
        byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
  }

  /** Reads the schemas from a copy of k8spacket's {@code schemas/src/main/avro} folder. */
  public static SingleObjectDecoder fromDirectory(Path avroDir) {
    Map<String, InputStreamSupplier> files = new HashMap<>();
    FILES.forEach(f -> files.put(f, () -> Files.newInputStream(avroDir.resolve(f))));
    return new SingleObjectDecoder(files);
  }

  /** Reads the schemas this example's jar carries under {@code avro/}. */
  public static SingleObjectDecoder fromClasspath() {
    Map<String, InputStreamSupplier> files = new HashMap<>();
    FILES.forEach(f -> files.put(f, () -> {
      InputStream in = SingleObjectDecoder.class.getResourceAsStream("/avro/" + f);
      if (in == null) {
        throw new IOException("avro/" + f + " is not on the class path");
      }
      return in;
    }));
    return new SingleObjectDecoder(files);
  }

  /** The schema with this full name, e.g. {@code io.k8spacket.avro.Connection}. */
  public Schema schema(String fullName) {
    return byFingerprint.values().stream().filter(s -> s.getFullName().equals(fullName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no schema " + fullName));
  }

  /** Decodes one value; null (a tombstone of a compacted topic) stays null. */
  public GenericRecord decode(byte[] value) {
    if (value == null) {
      return null;
    }
    if (value.length < HEADER || value[0] != MARKER_0 || value[1] != MARKER_1) {
      throw new IllegalArgumentException("not Avro single-object encoding (no C3 01 marker)");
    }
    long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = byFingerprint.get(fingerprint);
    if (writer == null) {
      throw new IllegalArgumentException("unknown schema fingerprint " + Long.toHexString(fingerprint)
          + ": written with a newer schema? update the .avsc files");
    }
    try {
      return new GenericDatumReader<GenericRecord>(writer).read(null,
          DecoderFactory.get().binaryDecoder(value, HEADER, value.length - HEADER, null));
    } catch (IOException e) {
      throw new IllegalArgumentException("body does not decode as " + writer.getFullName() + ": " + e.getMessage(), e);
    }
  }

  private interface InputStreamSupplier {
    InputStream open() throws IOException;
  }
}
