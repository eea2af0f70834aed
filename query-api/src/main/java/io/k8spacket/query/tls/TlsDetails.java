package io.k8spacket.query.tls;

import java.util.Objects;
import java.util.Optional;

/** A TLS connection and the certificate entry of its server endpoint and SNI, when there is one. */
public record TlsDetails(TlsConnection connection, Optional<CertificateView> certificate) {
  public TlsDetails {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(certificate, "certificate");
  }
}
