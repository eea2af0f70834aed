package io.k8spacket.query.tls;

import java.util.List;
import java.util.Objects;

/**
 * One parsed X.509 certificate: distinguished names in RFC 2253, SANs prefixed ({@code DNS:}, {@code IP:}),
 * serial and SHA-256 fingerprint in lower-case hex, validity in epoch milliseconds.
 */
public record CertificateInfoView(String subject, String issuer, List<String> subjectAltNames, String serialHex,
    long notBeforeMs, long notAfterMs, String keyType, int keyBits, String signatureAlgorithm, String sha256) {
  public CertificateInfoView {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuer, "issuer");
    subjectAltNames = List.copyOf(Objects.requireNonNull(subjectAltNames, "subjectAltNames"));
    Objects.requireNonNull(serialHex, "serialHex");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(signatureAlgorithm, "signatureAlgorithm");
    Objects.requireNonNull(sha256, "sha256");
  }
}
