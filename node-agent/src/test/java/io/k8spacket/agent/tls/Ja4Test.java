package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked example of the published JA4 specification (FoxIO, technical_details/JA4.md), rebuilt as bytes. */
class Ja4Test {
  private static final List<Integer> SUITES = List.of(0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
      0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035);
  private static final List<Integer> SIGNATURES = List.of(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806,
      0x0601);

  /** The example's extensions in its order: 001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015. */
  private static byte[] exampleHello(List<Integer> suites, byte[] alpn, boolean withSni, boolean withSignatures) {
    List<byte[]> extensions = new java.util.ArrayList<>();
    extensions.add(HelloBuilder.empty(0x1a1a)); // GREASE first, as Chrome sends it
    extensions.add(HelloBuilder.empty(0x001b));
    if (withSni) {
      extensions.add(HelloBuilder.sni("www.example.com"));
    }
    extensions.add(HelloBuilder.keyShare(0x001d, 32));
    if (alpn != null) {
      extensions.add(alpn);
    }
    extensions.add(HelloBuilder.empty(0x4469));
    extensions.add(HelloBuilder.empty(0x0017));
    extensions.add(HelloBuilder.extension(0x002d, new byte[] {1, 1}));
    if (withSignatures) {
      extensions.add(HelloBuilder.u16ListExtension(TlsCodes.EXT_SIGNATURE_ALGORITHMS, SIGNATURES));
    } else {
      extensions.add(HelloBuilder.u16ListExtension(TlsCodes.EXT_SIGNATURE_ALGORITHMS, List.of()));
    }
    extensions.add(HelloBuilder.empty(0x0005));
    extensions.add(HelloBuilder.empty(0x0023));
    extensions.add(HelloBuilder.empty(0x0012));
    extensions.add(HelloBuilder.supportedVersions(List.of(0x7a7a, 0x0304, 0x0303)));
    extensions.add(HelloBuilder.extension(0xff01, new byte[] {0}));
    extensions.add(HelloBuilder.extension(0x000b, new byte[] {1, 0}));
    extensions.add(HelloBuilder.u16ListExtension(TlsCodes.EXT_SUPPORTED_GROUPS, List.of(0x8a8a, 0x001d, 0x0017)));
    extensions.add(HelloBuilder.empty(0x0015));
    extensions.add(HelloBuilder.empty(0xbaba)); // and GREASE last
    List<Integer> withGrease = new java.util.ArrayList<>(List.of(0x0a0a));
    withGrease.addAll(suites);
    return HelloBuilder.clientHello(0x0303, withGrease, extensions.toArray(byte[][]::new));
  }

  private static String ja4(byte[] message) throws TlsParseException {
    return ClientHelloParser.parse(message, 4, message.length - 4).ja4();
  }

  @Test
  void the_published_example_gives_the_published_fingerprint() throws Exception {
    // 15 suites and 16 extensions without GREASE; first ALPN "h2";
    // sha256("002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9") = 8daaf6152771...
    // sha256("0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,
    //        0501,0806,0601") = e5627efa2ab1...
    byte[] hello = exampleHello(SUITES, HelloBuilder.alpn("h2", "http/1.1"), true, true);

    assertThat(ja4(hello)).isEqualTo("t13d1516h2_8daaf6152771_e5627efa2ab1");
  }

  @Test
  void without_signature_algorithms_the_extension_string_has_no_underscore() throws Exception {
    // the spec's second example: sha256("0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01")
    byte[] hello = exampleHello(SUITES, HelloBuilder.alpn("h2"), true, false);

    assertThat(ja4(hello)).isEqualTo("t13d1516h2_8daaf6152771_6d807ffa2a79");
  }

  @Test
  void no_sni_is_i_and_no_alpn_is_00_and_neither_changes_the_hashes() throws Exception {
    byte[] hello = exampleHello(SUITES, null, false, true);

    assertThat(ja4(hello)).isEqualTo("t13i151400_8daaf6152771_e5627efa2ab1");
  }

  @Test
  void alpn_ends_that_are_not_alphanumeric_are_written_as_hex_digits() {
    // the specification's examples
    assertThat(Ja4.alpn(new byte[] {(byte) 0xab})).isEqualTo("ab");
    assertThat(Ja4.alpn(new byte[] {(byte) 0xab, (byte) 0xcd})).isEqualTo("ad");
    assertThat(Ja4.alpn(new byte[] {0x30, (byte) 0xab})).isEqualTo("3b");
    assertThat(Ja4.alpn(new byte[] {0x30, 0x31, (byte) 0xab, (byte) 0xcd})).isEqualTo("3d");
    assertThat(Ja4.alpn(new byte[] {0x30, (byte) 0xab, (byte) 0xcd, 0x31})).isEqualTo("01");
    assertThat(Ja4.alpn("http/1.1".getBytes())).isEqualTo("h1");
    assertThat(Ja4.alpn("h".getBytes())).isEqualTo("hh");
    assertThat(Ja4.alpn(null)).isEqualTo("00");
  }

  @Test
  void version_comes_from_the_highest_supported_version_else_the_legacy_version() {
    ClientHelloInfo legacyOnly = new ClientHelloInfo(0x0302, List.of(), List.of(), List.of(), null, false, List.of(),
        null, List.of(), List.of());
    ClientHelloInfo unknown = new ClientHelloInfo(0x0303, List.of(0x0303, 0x7f1c), List.of(), List.of(), null,
        false, List.of(), null, List.of(), List.of());

    assertThat(Ja4.fingerprint(legacyOnly)).isEqualTo("t11i000000_000000000000_000000000000");
    assertThat(Ja4.version(unknown)).isEqualTo("00");
  }
}
