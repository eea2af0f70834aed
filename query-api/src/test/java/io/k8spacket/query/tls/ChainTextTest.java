package io.k8spacket.query.tls;

import static io.k8spacket.query.tls.TlsFixtures.SHOP_CA;
import static io.k8spacket.query.tls.TlsFixtures.WEB_LEAF;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChainTextTest {
  @Test
  void a_chain_renders_one_openssl_like_block_per_certificate_leaf_first() {
    assertThat(ChainText.render(List.of(WEB_LEAF, SHOP_CA))).isEqualTo("""
        Certificate:
            Data:
                Serial Number:
                    03:e8
                Signature Algorithm: SHA256withRSA
                Issuer: CN=Shop Issuing CA,O=Shop
                Validity
                    Not Before: May 11 10:00:00 2026 GMT
                    Not After : Jun 11 10:00:00 2026 GMT
                Subject: CN=web.shop.svc
                Subject Public Key Info:
                    Public Key Algorithm: RSA
                        Public-Key: (2048 bit)
                X509v3 extensions:
                    X509v3 Subject Alternative Name:
                        DNS:web.shop.svc, IP:10.0.1.1
            SHA256 Fingerprint: AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB
        Certificate:
            Data:
                Serial Number:
                    01
                Signature Algorithm: SHA384withECDSA
                Issuer: CN=Shop Root CA,O=Shop
                Validity
                    Not Before: May 12 10:00:00 2025 GMT
                    Not After : May  9 10:00:00 2036 GMT
                Subject: CN=Shop Issuing CA,O=Shop
                Subject Public Key Info:
                    Public Key Algorithm: EC
                        Public-Key: (256 bit)
            SHA256 Fingerprint: CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD:CD
        """);
  }

  @Test
  void no_chain_is_unavailable_like_the_original() {
    assertThat(ChainText.render(List.of())).isEqualTo("UNAVAILABLE");
  }

  @Test
  void serials_are_colon_separated_byte_pairs() {
    assertThat(ChainText.colons("3e8")).isEqualTo("03:e8");
    assertThat(ChainText.colons("0a1b2c")).isEqualTo("0a:1b:2c");
    assertThat(ChainText.colons("7")).isEqualTo("07");
  }
}
