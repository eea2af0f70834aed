package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClientHelloParserTest {
  static {
    TestHandshakes.pinJdkTlsDefaults();
  }


  private static ClientHelloInfo parse(byte[] message) throws TlsParseException {
    return ClientHelloParser.parse(message, 4, message.length - 4);
  }

  @Test
  void jdk_tls12_client_hello_carries_everything_the_client_was_configured_with() throws Exception {
    ClientHelloInfo hello = parse(TestHandshakes.message(TestHandshakes.tls12().client(), 1));

    assertThat(hello.legacyVersion()).isEqualTo(0x0303);
    assertThat(hello.supportedVersions()).containsExactly(0x0303);
    assertThat(hello.cipherSuites()).isEqualTo(TestHandshakes.TLS12_CLIENT_SUITE_CODES);
    assertThat(hello.serverName()).isEqualTo("demo.example.test");
    assertThat(hello.sniPresent()).isTrue();
    assertThat(hello.alpn()).containsExactly("h2", "http/1.1");
    // ffdhe2048 is configured too, but the JDK leaves FFDHE groups out when no DHE suite is offered
    assertThat(hello.supportedGroups()).containsExactly(0x001d, 0x0017, 0x0018);
    assertThat(hello.signatureAlgorithms()).isEqualTo(TestHandshakes.SIGNATURE_SCHEMES);
    // server_name, status_request, supported_groups, ec_point_formats, ALPN, status_request_v2,
    // extended_master_secret, session_ticket, signature_algorithms, supported_versions, signature_algorithms_cert
    assertThat(hello.extensions()).containsExactly(0x0000, 0x0005, 0x000a, 0x000b, 0x0010, 0x0011, 0x0017, 0x0023,
        0x000d, 0x002b, 0x0032);
    // 5 suites, 11 extensions; hashes of "00ff,c02b,c02c,c02f,cca9" and of
    // "0005,000a,000b,000d,0011,0017,0023,002b,0032_0403,0804,0503,0401" (sha256sum, first 12 hex digits)
    assertThat(hello.ja4()).isEqualTo("t12d0511h2_decb61cd0ec2_016c65f31a90");
  }

  @Test
  void jdk_tls13_client_hello_carries_everything_the_client_was_configured_with() throws Exception {
    ClientHelloInfo hello = parse(TestHandshakes.message(TestHandshakes.tls13().client(), 1));

    assertThat(hello.legacyVersion()).isEqualTo(0x0303);
    assertThat(hello.supportedVersions()).containsExactly(0x0304);
    assertThat(hello.cipherSuites()).isEqualTo(TestHandshakes.TLS13_CLIENT_SUITE_CODES);
    assertThat(hello.serverName()).isEqualTo("demo.example.test");
    assertThat(hello.alpn()).containsExactly("h2", "http/1.1");
    assertThat(hello.supportedGroups()).isEqualTo(TestHandshakes.GROUPS);
    // TLS 1.3 forbids PKCS#1 v1.5 handshake signatures (RFC 8446 §4.2.3), so the JDK drops rsa_pkcs1_sha256
    assertThat(hello.signatureAlgorithms()).containsExactly(0x0403, 0x0804, 0x0503);
    // server_name, status_request, supported_groups, ALPN, signature_algorithms, supported_versions,
    // psk_key_exchange_modes, signature_algorithms_cert, key_share
    assertThat(hello.extensions()).containsExactly(0x0000, 0x0005, 0x000a, 0x0010, 0x000d, 0x002b, 0x002d, 0x0032,
        0x0033);
    // hashes of "1301,1302,1303" and "0005,000a,000d,002b,002d,0032,0033_0403,0804,0503"
    assertThat(hello.ja4()).isEqualTo("t13d0309h2_55b375c5d22e_fcf24bcb4ad4");
  }

  @Test
  void grease_is_removed_from_every_list_and_from_the_extension_order() throws Exception {
    byte[] message = HelloBuilder.clientHello(0x0303, List.of(0x2a2a, 0x1301, 0xfafa, 0x1302),
        HelloBuilder.empty(0x0a0a),
        HelloBuilder.sni("a.example"),
        HelloBuilder.supportedVersions(List.of(0x3a3a, 0x0304, 0x0303)),
        HelloBuilder.u16ListExtension(TlsCodes.EXT_SUPPORTED_GROUPS, List.of(0x4a4a, 0x001d)),
        HelloBuilder.u16ListExtension(TlsCodes.EXT_SIGNATURE_ALGORITHMS, List.of(0x0403, 0x5a5a)),
        HelloBuilder.empty(0xdada));

    ClientHelloInfo hello = parse(message);

    assertThat(hello.cipherSuites()).containsExactly(0x1301, 0x1302);
    assertThat(hello.extensions()).containsExactly(0x0000, 0x002b, 0x000a, 0x000d);
    assertThat(hello.supportedVersions()).containsExactly(0x0304, 0x0303);
    assertThat(hello.supportedGroups()).containsExactly(0x001d);
    assertThat(hello.signatureAlgorithms()).containsExactly(0x0403);
  }

  @Test
  void hundreds_of_suites_and_a_long_sni_are_kept_whole() throws Exception {
    List<Integer> suites = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      suites.add(0x0100 + i);
    }
    String longName = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".example";
    ClientHelloInfo hello = parse(HelloBuilder.clientHello(0x0303, suites, HelloBuilder.sni(longName)));

    assertThat(hello.cipherSuites()).isEqualTo(suites);
    assertThat(hello.serverName()).isEqualTo(longName).hasSize(199);
    assertThat(hello.ja4()).startsWith("t12d9901"); // counts cap at 99
  }

  @Test
  void no_extensions_at_all_is_a_valid_hello() throws Exception {
    byte[] full = HelloBuilder.clientHello(0x0301, List.of(0x002f));
    byte[] withoutExtensions = HelloBuilder.message(1, java.util.Arrays.copyOfRange(full, 4, full.length - 2));

    ClientHelloInfo hello = parse(withoutExtensions);

    assertThat(hello.extensions()).isEmpty();
    assertThat(hello.serverName()).isNull();
    // TLS 1.0, no SNI, 1 suite, 0 extensions, no ALPN; sha256("002f"); no extensions to hash
    assertThat(hello.ja4()).isEqualTo("t10i010000_ba72b8082249_000000000000");
  }

  @Test
  void every_truncation_of_a_real_hello_is_a_client_hello_error() throws Exception {
    byte[] message = TestHandshakes.message(TestHandshakes.tls13().client(), 1);
    int sessionIdEnd = 4 + 2 + 32 + 1 + message[4 + 34];
    int suitesEnd = sessionIdEnd + 2 + ((message[sessionIdEnd] & 0xff) << 8 | (message[sessionIdEnd + 1] & 0xff));
    int compressionEnd = suitesEnd + 1 + message[suitesEnd];
    for (int length = 0; length < message.length - 4; length++) {
      int cut = length;
      if (4 + cut == compressionEnd) {
        continue; // a valid hello without extensions
      }
      assertThatThrownBy(() -> ClientHelloParser.parse(message, 4, cut))
          .as("cut at %d", cut)
          .isInstanceOfSatisfying(TlsParseException.class,
              e -> assertThat(e.kind()).isEqualTo(ParseErrorKind.CLIENT_HELLO));
    }
  }

  @Test
  void corrupted_length_fields_fail_with_a_typed_error_never_an_index_exception() throws Exception {
    byte[] message = TestHandshakes.message(TestHandshakes.tls12().client(), 1);
    Random random = new Random(7);
    int typed = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] copy = message.clone();
      int at = 4 + random.nextInt(copy.length - 5);
      copy[at] = (byte) random.nextInt(256);
      copy[at + 1] = (byte) random.nextInt(256);
      try {
        parse(copy);
      } catch (TlsParseException e) {
        typed++;
      }
    }
    assertThat(typed).isPositive();
  }

  @Test
  void sni_with_control_bytes_is_rejected() {
    byte[] message = HelloBuilder.clientHello(0x0303, List.of(0x1301), HelloBuilder.sni("bad\nname"));

    assertThatThrownBy(() -> parse(message)).isInstanceOf(TlsParseException.class).hasMessageContaining("SNI");
  }
}
