package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class CertificateParserTest {
  static {
    TestHandshakes.pinJdkTlsDefaults();
  }

  private final DemoPki pki = DemoPki.get();
  private final CertificateParser parser = new CertificateParser();

  private static byte[] certificateMessage(byte[]... ders) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (byte[] der : ders) {
      list.write(der.length >> 16);
      list.write(der.length >> 8);
      list.write(der.length);
      list.writeBytes(der);
    }
    byte[] entries = list.toByteArray();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(entries.length >> 16);
    body.write(entries.length >> 8);
    body.write(entries.length);
    body.writeBytes(entries);
    return body.toByteArray();
  }

  @Test
  void the_jdk_servers_certificate_message_gives_leaf_then_intermediate_with_every_field() throws Exception {
    byte[] message = TestHandshakes.message(TestHandshakes.tls12().server(), TlsCodes.HS_CERTIFICATE);

    CertificateParser.Chain chain = parser.parseMessage(message, 4, message.length - 4);

    assertThat(chain.rejected()).isZero();
    assertThat(chain.certificates()).hasSize(2);
    CertificateSummary leaf = chain.certificates().get(0);
    assertThat(leaf.subject()).isEqualTo(DemoPki.LEAF_SUBJECT);
    assertThat(leaf.issuer()).isEqualTo(DemoPki.INTERMEDIATE_SUBJECT);
    assertThat(leaf.subjectAltNames()).isEqualTo(DemoPki.LEAF_SANS);
    assertThat(leaf.serialHex()).isEqualTo(pki.leaf.serialHex());
    assertThat(leaf.notBeforeMs()).isEqualTo(DemoPki.LEAF_NOT_BEFORE.toEpochMilli());
    assertThat(leaf.notAfterMs()).isEqualTo(DemoPki.LEAF_NOT_AFTER.toEpochMilli());
    assertThat(leaf.keyType()).isEqualTo("EC");
    assertThat(leaf.keyBits()).isEqualTo(256);
    assertThat(leaf.signatureAlgorithm()).isEqualTo("SHA256withRSA");
    assertThat(leaf.sha256()).isEqualTo(pki.leaf.sha256());

    CertificateSummary intermediate = chain.certificates().get(1);
    assertThat(intermediate.subject()).isEqualTo(DemoPki.INTERMEDIATE_SUBJECT);
    assertThat(intermediate.issuer()).isEqualTo(DemoPki.ROOT_SUBJECT);
    assertThat(intermediate.subjectAltNames()).isEmpty();
    assertThat(intermediate.serialHex()).isEqualTo(pki.intermediate.serialHex());
    assertThat(intermediate.notBeforeMs()).isEqualTo(DemoPki.INTERMEDIATE_NOT_BEFORE.toEpochMilli());
    assertThat(intermediate.notAfterMs()).isEqualTo(DemoPki.INTERMEDIATE_NOT_AFTER.toEpochMilli());
    assertThat(intermediate.keyType()).isEqualTo("RSA");
    assertThat(intermediate.keyBits()).isEqualTo(2048);
    assertThat(intermediate.signatureAlgorithm()).isEqualTo("SHA384withECDSA");
    assertThat(intermediate.sha256()).isEqualTo(pki.intermediate.sha256());
  }

  @Test
  void a_certificate_that_does_not_parse_is_counted_and_the_rest_of_the_chain_kept() throws Exception {
    byte[] broken = pki.intermediate.der().clone();
    broken[40] ^= (byte) 0xff; // inside the TBSCertificate's structure
    broken[4] = (byte) 0x02; // and not a SEQUENCE where one must be
    byte[] body = certificateMessage(pki.leaf.der(), broken, pki.root.der());

    CertificateParser.Chain chain = parser.parseMessage(body, 0, body.length);

    assertThat(chain.rejected()).isEqualTo(1);
    assertThat(chain.certificates()).extracting(CertificateSummary::sha256)
        .containsExactly(pki.leaf.sha256(), pki.root.sha256());
  }

  @Test
  void root_is_ec_p384_and_ed25519_is_255_bits() throws Exception {
    byte[] body = certificateMessage(pki.root.der(), pki.ed25519.der());

    CertificateParser.Chain chain = parser.parseMessage(body, 0, body.length);

    assertThat(chain.certificates()).extracting(CertificateSummary::keyType, CertificateSummary::keyBits)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("EC", 384),
            org.assertj.core.groups.Tuple.tuple("Ed25519", 255));
    assertThat(chain.certificates().get(1).signatureAlgorithm()).isEqualTo("Ed25519");
    assertThat(chain.certificates().get(1).serialHex()).isEqualTo(pki.ed25519.serialHex());
  }

  @Test
  void a_framing_error_fails_the_whole_message() {
    byte[] body = certificateMessage(pki.leaf.der());
    body[2]++; // list length one more than there is

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> parser.parseMessage(body, 0, body.length))
        .isInstanceOfSatisfying(TlsParseException.class,
            e -> assertThat(e.kind()).isEqualTo(ParseErrorKind.CERTIFICATE_MESSAGE));
  }

  @Test
  void a_chain_seen_again_comes_from_the_cache() {
    CertificateSummary first = parser.parseDer(pki.leaf.der());
    CertificateSummary again = parser.parseDer(pki.leaf.der().clone());

    assertThat(again).isSameAs(first);
  }
}
