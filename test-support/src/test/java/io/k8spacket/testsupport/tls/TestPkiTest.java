package io.k8spacket.testsupport.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    pki.leaf().verify(pki.intermediate().getPublicKey());
    pki.intermediate().verify(pki.root().getPublicKey());
  }
}
