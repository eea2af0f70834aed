package io.k8spacket.testsupport.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestPkiTest {
  @Test
  void chain_is_root_intermediate_leaf_with_the_requested_names_and_validity() throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    TestPki.Chain pki = TestPki.create(Path.of("target", "pki-test"), "shop.example.test",
        List.of("DNS:shop.example.test", "DNS:www.shop.example.test", "IP:10.231.9.2"), 30);

    assertThat(pki.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=shop.example.test,O=k8spacket tests");
    assertThat(pki.leaf().getIssuerX500Principal()).isEqualTo(pki.intermediate().getSubjectX500Principal());
    assertThat(pki.intermediate().getIssuerX500Principal()).isEqualTo(pki.root().getSubjectX500Principal());
    assertThat(pki.leaf().getSerialNumber().toString(16)).isEqualTo("2002");
    assertThat(pki.leaf().getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
        .containsExactly("shop.example.test", "www.shop.example.test", "10.231.9.2");
    assertThat(Duration.between(pki.leaf().getNotBefore().toInstant(), pki.leaf().getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(30));
    assertThat(pki.leaf().getNotBefore().toInstant()).isAfterOrEqualTo(before.minusSeconds(1));
    assertThat(List.of(pki.root(), pki.intermediate(), pki.leaf()))
        .allSatisfy(c -> assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("RSA"));
    pki.leaf().verify(pki.intermediate().getPublicKey());
    pki.intermediate().verify(pki.root().getPublicKey());
  }

  @Test
  void specs_choose_subject_key_serial_and_exact_validity() throws Exception {
    Instant notBefore = Instant.parse("2025-03-01T12:00:00Z");
    TestPki.Chain pki = TestPki.create(Path.of("target", "pki-test"),
        TestPki.Spec.of("/O=k8spacket/CN=Root", TestPki.Key.EC_P384, 0x11, 100),
        TestPki.Spec.of("/O=k8spacket/CN=Intermediate", TestPki.Key.RSA_2048, 0x22, 50),
        new TestPki.Spec("/C=DE/O=k8spacket/OU=Tests/CN=leaf.example.test", TestPki.Key.EC_P256, 0xabc, notBefore,
            10),
        List.of("DNS:leaf.example.test", "IP:fd00::1", "URI:https://leaf.example.test/", "email:ops@example.test"));

    assertThat(pki.leaf().getSubjectX500Principal().getName())
        .isEqualTo("CN=leaf.example.test,OU=Tests,O=k8spacket,C=DE");
    assertThat(pki.leaf().getNotBefore().toInstant()).isEqualTo(notBefore);
    assertThat(pki.leaf().getNotAfter().toInstant()).isEqualTo(notBefore.plus(Duration.ofDays(10)));
    assertThat(((ECPublicKey) pki.leaf().getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(pki.leaf().getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(pki.intermediate().getSigAlgName()).isEqualTo("SHA384withECDSA");
    assertThat(pki.intermediate().getBasicConstraints()).isZero();
    assertThat(pki.leaf().getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1)).containsExactly(
        "leaf.example.test", "fd00:0:0:0:0:0:0:1", "https://leaf.example.test/", "ops@example.test");

    TestPki.Issued leaf = TestPki.issued(pki.leafCert());
    assertThat(leaf.serialHex()).isEqualTo("abc");
    assertThat(leaf.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(pki.leaf().getEncoded())));
    assertThat(pki.serverKeyStore("changeit").getCertificateChain("server"))
        .containsExactly(pki.leaf(), pki.intermediate());
    assertThat(pki.leafPrivateKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void a_self_signed_ed25519_certificate() {
    TestPki.Issued ed = TestPki.selfSigned(Path.of("target", "pki-test"),
        TestPki.Spec.of("/CN=ed25519.example.test", TestPki.Key.ED25519, 0x0e25, 30));

    assertThat(ed.certificate().getSigAlgName()).isEqualTo("Ed25519");
    assertThat(ed.serialHex()).isEqualTo("e25");
    assertThat(ed.der()).startsWith(0x30);
  }
}
