package io.k8spacket.query.tls;

import io.k8spacket.query.QueryContext;
import java.util.List;
import java.util.Optional;

/**
 * Read access to the TLS stores: the windowed TLS-session store and the certificate store. The streams app
 * implements it over Kafka Streams interactive queries; tests use in-memory lists.
 */
public interface TlsReader {
  /** A reader that holds nothing: the TLS endpoints answer empty arrays and 404s. */
  TlsReader EMPTY = new TlsReader() {
    @Override
    public List<TlsSessionSample> sessions(long fromMs, long toMs) {
      return List.of();
    }

    @Override
    public Optional<CertificateView> certificate(String key) {
      return Optional.empty();
    }

    @Override
    public List<CertificateView> certificates() {
      return List.of();
    }
  };

  /**
   * Every sample whose window overlaps {@code [fromMs, toMs)} (windows are whole), in no particular order.
   *
   * @throws io.k8spacket.query.StoreUnavailableException when the store cannot be queried now
   */
  List<TlsSessionSample> sessions(long fromMs, long toMs);

  /**
   * The certificate entry of one server endpoint and SNI, keyed as {@link CertificateKey#of}.
   *
   * @throws io.k8spacket.query.StoreUnavailableException when the store cannot be queried now
   */
  Optional<CertificateView> certificate(String key);

  /**
   * Every certificate entry, in no particular order; entries whose chain was never seen have an empty chain.
   *
   * @throws io.k8spacket.query.StoreUnavailableException when the store cannot be queried now
   */
  List<CertificateView> certificates();

  /**
   * {@link #sessions(long, long)} on behalf of a query: a reader that asks other instances forwards the context's
   * credentials and reports in it the instances that did not answer (as {@code EdgeReader} does).
   */
  default List<TlsSessionSample> sessions(long fromMs, long toMs, QueryContext context) {
    return sessions(fromMs, toMs);
  }

  /** {@link #certificate(String)} on behalf of a query. */
  default Optional<CertificateView> certificate(String key, QueryContext context) {
    return certificate(key);
  }

  /** {@link #certificates()} on behalf of a query. */
  default List<CertificateView> certificates(QueryContext context) {
    return certificates();
  }
}
