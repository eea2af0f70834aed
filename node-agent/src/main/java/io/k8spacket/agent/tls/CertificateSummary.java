package io.k8spacket.agent.tls;

import java.util.List;

/**
 * The parts of one X.509 certificate an event carries.
 *
 * @param subjectAltNames {@code DNS:}, {@code IP:}, {@code URI:} or {@code email:} prefixed, in certificate order
 * @param serialHex lower-case hex
 * @param keyBits RSA modulus bits, EC field size, 255 for Ed25519/X25519, 448 for Ed448/X448, DSA p bits
 * @param sha256 lower-case hex SHA-256 of the DER encoding
 */
public record CertificateSummary(String subject, String issuer, List<String> subjectAltNames, String serialHex,
                                 long notBeforeMs, long notAfterMs, String keyType, int keyBits,
                                 String signatureAlgorithm, String sha256) {

  public CertificateSummary {
    subjectAltNames = List.copyOf(subjectAltNames);
  }
}
