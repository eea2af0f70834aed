package io.k8spacket.agent.tls;

/** Wire constants from the IANA TLS registries and RFC 8446 that more than one parser needs. */
final class TlsCodes {
  private TlsCodes() {}

  static final int RECORD_CHANGE_CIPHER_SPEC = 20;
  static final int RECORD_ALERT = 21;
  static final int RECORD_HANDSHAKE = 22;
  static final int RECORD_APPLICATION_DATA = 23;
  static final int RECORD_HEARTBEAT = 24;
  /** RFC 8446 §5.1: 2^14 plaintext bytes; protected records may add up to 2048, which we allow for leniency. */
  static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;

  static final int HS_CLIENT_HELLO = 1;
  static final int HS_SERVER_HELLO = 2;
  static final int HS_CERTIFICATE = 11;
  static final int HS_SERVER_HELLO_DONE = 14;

  static final int EXT_SERVER_NAME = 0x0000;
  static final int EXT_SUPPORTED_GROUPS = 0x000a;
  static final int EXT_SIGNATURE_ALGORITHMS = 0x000d;
  static final int EXT_ALPN = 0x0010;
  static final int EXT_SUPPORTED_VERSIONS = 0x002b;

  static final int TLS13 = 0x0304;

  /** RFC 8446 §4.1.3: the ServerHello random that marks a HelloRetryRequest (SHA-256 of "HelloRetryRequest"). */
  static final byte[] HELLO_RETRY_REQUEST_RANDOM = java.util.HexFormat.of()
      .parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

  /** RFC 8701 GREASE: both bytes equal and of the form 0x?a. */
  static boolean isGrease(int value) {
    return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
  }
}
