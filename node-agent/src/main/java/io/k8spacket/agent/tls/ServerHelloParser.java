package io.k8spacket.agent.tls;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses a ServerHello body: legacy version, cipher suite, and from the extensions the selected version
 * (supported_versions, so TLS 1.3 is recognised) and ALPN. A HelloRetryRequest (RFC 8446 §4.1.3) parses the
 * same way and is flagged, so the caller keeps waiting for the real ServerHello.
 */
final class ServerHelloParser {
  private ServerHelloParser() {}

  /** Parses the handshake message body (after the 4-byte handshake header). */
  static ServerHelloInfo parse(byte[] body, int offset, int length) throws TlsParseException {
    TlsReader in = new TlsReader(body, offset, length, ParseErrorKind.SERVER_HELLO);
    int legacyVersion = in.u16();
    boolean retry = Arrays.equals(in.bytes(32), TlsCodes.HELLO_RETRY_REQUEST_RANDOM);
    TlsReader sessionId = in.vector(1);
    if (sessionId.remaining() > 32) {
      throw in.fail("session id of " + sessionId.remaining() + " bytes");
    }
    int cipherSuite = in.u16();
    in.u8(); // compression method
    int selectedVersion = legacyVersion;
    String alpn = null;
    if (in.hasRemaining()) {
      TlsReader extensions = in.vector(2);
      in.expectEnd("ServerHello");
      while (extensions.hasRemaining()) {
        int type = extensions.u16();
        TlsReader data = extensions.vector(2);
        if (type == TlsCodes.EXT_SUPPORTED_VERSIONS) {
          selectedVersion = data.u16();
          data.expectEnd("supported_versions");
        } else if (type == TlsCodes.EXT_ALPN) {
          TlsReader names = data.vector(2);
          data.expectEnd("ALPN");
          int nameLength = names.u8();
          if (nameLength == 0) {
            throw names.fail("empty ALPN protocol name");
          }
          alpn = new String(names.bytes(nameLength), StandardCharsets.ISO_8859_1);
          names.expectEnd("ALPN: a server selects exactly one protocol");
        }
      }
    }
    return new ServerHelloInfo(legacyVersion, selectedVersion, cipherSuite, alpn, retry);
  }
}
