package io.k8spacket.query.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsSessionSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON of the internal endpoints: the reader contract's records as Jackson writes them (every component, nulls
 * included), read back into the same records. Unknown properties are ignored, so a peer one release ahead that
 * sends a new field is still understood during a rolling upgrade.
 */
public final class PeerWire {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  static final TypeReference<List<EdgeSample>> EDGES = new TypeReference<>() {};
  static final TypeReference<List<TlsSessionSample>> SESSIONS = new TypeReference<>() {};
  static final TypeReference<List<CertificateView>> CERTIFICATES = new TypeReference<>() {};

  private PeerWire() {}

  /** The JSON array of {@code items}. */
  public static byte[] write(List<?> items) {
    try {
      return MAPPER.writeValueAsBytes(items);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + items.size() + " items as JSON", e);
    }
  }

  /** Reads a JSON array written by {@link #write}. */
  static <T> List<T> read(byte[] json, TypeReference<List<T>> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON array of the expected records", e);
    }
  }
}
