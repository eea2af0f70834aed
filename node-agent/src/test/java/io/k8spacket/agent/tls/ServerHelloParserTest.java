package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerHelloParserTest {
  static {
    TestHandshakes.pinJdkTlsDefaults();
  }


  private static ServerHelloInfo parse(byte[] message) throws TlsParseException {
    return ServerHelloParser.parse(message, 4, message.length - 4);
  }

  @Test
  void jdk_tls12_server_hello_has_the_negotiated_version_cipher_and_alpn() throws Exception {
    ServerHelloInfo hello = parse(TestHandshakes.message(TestHandshakes.tls12().server(), 2));

    assertThat(hello.legacyVersion()).isEqualTo(0x0303);
    assertThat(hello.selectedVersion()).isEqualTo(0x0303);
    assertThat(hello.cipherSuite()).isEqualTo(TestHandshakes.TLS12_SERVER_SUITE_CODE);
    assertThat(hello.alpn()).isEqualTo("h2");
    assertThat(hello.helloRetryRequest()).isFalse();
  }

  @Test
  void jdk_tls13_server_hello_is_recognised_by_supported_versions() throws Exception {
    ServerHelloInfo hello = parse(TestHandshakes.message(TestHandshakes.tls13().server(), 2));

    assertThat(hello.legacyVersion()).isEqualTo(0x0303);
    assertThat(hello.selectedVersion()).isEqualTo(0x0304);
    assertThat(hello.isTls13()).isTrue();
    assertThat(hello.cipherSuite()).isEqualTo(TestHandshakes.TLS13_SERVER_SUITE_CODE);
    assertThat(hello.alpn()).as("TLS 1.3 sends ALPN in the encrypted EncryptedExtensions").isNull();
  }

  @Test
  void hello_retry_request_is_flagged_by_its_special_random() throws Exception {
    byte[] retry = HelloBuilder.serverHello(TlsCodes.HELLO_RETRY_REQUEST_RANDOM, 0x0303, 0x1301,
        HelloBuilder.selectedVersion(0x0304));
    byte[] real = HelloBuilder.serverHello(new byte[32], 0x0303, 0x1301, HelloBuilder.selectedVersion(0x0304));

    assertThat(parse(retry).helloRetryRequest()).isTrue();
    assertThat(parse(real).helloRetryRequest()).isFalse();
  }

  @Test
  void a_server_selecting_two_protocols_is_malformed() {
    byte[] message = HelloBuilder.serverHello(new byte[32], 0x0303, 0xc02f, HelloBuilder.alpn("h2", "http/1.1"));

    assertThatThrownBy(() -> parse(message)).isInstanceOfSatisfying(TlsParseException.class,
        e -> assertThat(e.kind()).isEqualTo(ParseErrorKind.SERVER_HELLO));
  }

  @Test
  void every_truncation_is_a_server_hello_error() throws Exception {
    byte[] message = TestHandshakes.message(TestHandshakes.tls13().server(), 2);
    for (int length = 0; length < message.length - 4; length++) {
      int cut = length;
      if (cut == 2 + 32 + 1 + message[4 + 34] + 3) {
        continue; // ends right after the compression method: a valid hello without extensions
      }
      assertThatThrownBy(() -> ServerHelloParser.parse(message, 4, cut)).as("cut at %d", cut)
          .isInstanceOf(TlsParseException.class);
    }
  }
}
