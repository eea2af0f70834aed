package io.k8spacket.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TlsNamesTest {
  @Test
  void versions_are_named_like_the_original() {
    assertThat(TlsNames.version(0x0300)).isEqualTo("SSL 3.0");
    assertThat(TlsNames.version(0x0301)).isEqualTo("TLS 1.0");
    assertThat(TlsNames.version(0x0302)).isEqualTo("TLS 1.1");
    assertThat(TlsNames.version(0x0303)).isEqualTo("TLS 1.2");
    assertThat(TlsNames.version(0x0304)).isEqualTo("TLS 1.3");
  }

  @Test
  void unknown_versions_are_hex_not_empty() {
    assertThat(TlsNames.version(0x7F1C)).isEqualTo("0x7F1C");
    assertThat(TlsNames.version(0x0002)).isEqualTo("0x0002");
    assertThat(TlsNames.version(0xFEFD)).as("DTLS 1.2 is not a TLS version").isEqualTo("0xFEFD");
  }

  @Test
  void common_cipher_suites_have_their_iana_names() {
    assertThat(TlsNames.cipherSuite(0xC030)).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assertThat(TlsNames.cipherSuite(0xC02F)).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(TlsNames.cipherSuite(0xC02B)).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assertThat(TlsNames.cipherSuite(0xCCA8)).isEqualTo("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    assertThat(TlsNames.cipherSuite(0x1301)).isEqualTo("TLS_AES_128_GCM_SHA256");
    assertThat(TlsNames.cipherSuite(0x1302)).isEqualTo("TLS_AES_256_GCM_SHA384");
    assertThat(TlsNames.cipherSuite(0x1303)).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    assertThat(TlsNames.cipherSuite(0x002F)).isEqualTo("TLS_RSA_WITH_AES_128_CBC_SHA");
    assertThat(TlsNames.cipherSuite(0x009C)).isEqualTo("TLS_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(TlsNames.cipherSuite(0x000A)).isEqualTo("TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    assertThat(TlsNames.cipherSuite(0x00FF)).isEqualTo("TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    assertThat(TlsNames.cipherSuite(0x5600)).isEqualTo("TLS_FALLBACK_SCSV");
  }

  @Test
  void every_block_ends_on_the_right_code_point() {
    assertThat(TlsNames.cipherSuite(0x0000)).isEqualTo("TLS_NULL_WITH_NULL_NULL");
    assertThat(TlsNames.cipherSuite(0x001B)).isEqualTo("TLS_DH_anon_WITH_3DES_EDE_CBC_SHA");
    assertThat(TlsNames.cipherSuite(0x001E)).isEqualTo("TLS_KRB5_WITH_DES_CBC_SHA");
    assertThat(TlsNames.cipherSuite(0x0046)).isEqualTo("TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA");
    assertThat(TlsNames.cipherSuite(0x0067)).isEqualTo("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256");
    assertThat(TlsNames.cipherSuite(0x006D)).isEqualTo("TLS_DH_anon_WITH_AES_256_CBC_SHA256");
    assertThat(TlsNames.cipherSuite(0x0084)).isEqualTo("TLS_RSA_WITH_CAMELLIA_256_CBC_SHA");
    assertThat(TlsNames.cipherSuite(0x00C5)).isEqualTo("TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256");
    assertThat(TlsNames.cipherSuite(0x00C7)).isEqualTo("TLS_SM4_CCM_SM3");
    assertThat(TlsNames.cipherSuite(0x1305)).isEqualTo("TLS_AES_128_CCM_8_SHA256");
    assertThat(TlsNames.cipherSuite(0xC001)).isEqualTo("TLS_ECDH_ECDSA_WITH_NULL_SHA");
    assertThat(TlsNames.cipherSuite(0xC03C)).isEqualTo("TLS_RSA_WITH_ARIA_128_CBC_SHA256");
    assertThat(TlsNames.cipherSuite(0xC072)).isEqualTo("TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256");
    assertThat(TlsNames.cipherSuite(0xC09C)).isEqualTo("TLS_RSA_WITH_AES_128_CCM");
    assertThat(TlsNames.cipherSuite(0xC0AF)).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8");
    assertThat(TlsNames.cipherSuite(0xC0B5)).isEqualTo("TLS_SHA384_SHA384");
    assertThat(TlsNames.cipherSuite(0xC106)).isEqualTo("TLS_GOSTR341112_256_WITH_MAGMA_MGM_S");
    assertThat(TlsNames.cipherSuite(0xCCAE)).isEqualTo("TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256");
    assertThat(TlsNames.cipherSuite(0xD003)).isEqualTo("TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256");
    assertThat(TlsNames.cipherSuite(0xD005)).isEqualTo("TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256");
    assertThat(TlsNames.knownCipherSuites()).isEqualTo(352);
  }

  @Test
  void unassigned_grease_and_private_values_are_hex() {
    assertThat(TlsNames.cipherSuite(0xC0FF)).isEqualTo("0xC0FF");
    assertThat(TlsNames.cipherSuite(0x0A0A)).isEqualTo("0x0A0A");
    assertThat(TlsNames.cipherSuite(0x001C)).isEqualTo("0x001C");
    assertThat(TlsNames.cipherSuite(0xD004)).isEqualTo("0xD004");
    assertThat(TlsNames.cipherSuite(0xFF85)).isEqualTo("0xFF85");
  }

  @Test
  void lists_keep_their_order() {
    assertThat(TlsNames.versions(List.of(0x0304, 0x0303, 0x1234))).containsExactly("TLS 1.3", "TLS 1.2", "0x1234");
    assertThat(TlsNames.cipherSuites(List.of(0x1302, 0xC02C)))
        .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
  }
}
