package io.k8spacket.query.http;

import io.k8spacket.query.tls.CertificateInfoView;
import java.util.List;

/** One certificate of a chain: RFC 2253 names, prefixed SANs, lower-case hex serial and SHA-256, RFC 3339 times. */
public record CertificateInfoJson(String subject, String issuer, List<String> subjectAltNames, String serial,
    String notBefore, String notAfter, String keyType, int keyBits, String signatureAlgorithm, String sha256) {

  public static CertificateInfoJson of(CertificateInfoView c) {
    return new CertificateInfoJson(c.subject(), c.issuer(), c.subjectAltNames(), c.serialHex(),
        Rfc3339.format(c.notBeforeMs()), Rfc3339.format(c.notAfterMs()), c.keyType(), c.keyBits(),
        c.signatureAlgorithm(), c.sha256());
  }

  static List<CertificateInfoJson> of(List<CertificateInfoView> chain) {
    return chain.stream().map(CertificateInfoJson::of).toList();
  }
}
