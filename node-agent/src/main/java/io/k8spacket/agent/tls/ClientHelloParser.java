package io.k8spacket.agent.tls;

import static io.k8spacket.agent.tls.TlsCodes.isGrease;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a ClientHello body (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2): every cipher suite and every extension,
 * however many, with strict bounds checks. The SNI, ALPN, supported_versions, supported_groups and
 * signature_algorithms extensions are decoded; GREASE values are dropped from every list.
 */
final class ClientHelloParser {
  private ClientHelloParser() {}

  /** Parses the handshake message body (after the 4-byte handshake header). */
  static ClientHelloInfo parse(byte[] body, int offset, int length) throws TlsParseException {
    TlsReader in = new TlsReader(body, offset, length, ParseErrorKind.CLIENT_HELLO);
    int legacyVersion = in.u16();
    in.skip(32); // random
    TlsReader sessionId = in.vector(1);
    if (sessionId.remaining() > 32) {
      throw in.fail("session id of " + sessionId.remaining() + " bytes");
    }
    TlsReader suites = in.vector(2);
    if (suites.remaining() == 0 || suites.remaining() % 2 != 0) {
      throw in.fail("cipher suite list of " + suites.remaining() + " bytes");
    }
    List<Integer> cipherSuites = new ArrayList<>(suites.remaining() / 2);
    while (suites.hasRemaining()) {
      addUnlessGrease(cipherSuites, suites.u16());
    }
    TlsReader compression = in.vector(1);
    if (compression.remaining() == 0) {
      throw in.fail("no compression methods");
    }
    Extensions ext = new Extensions();
    if (in.hasRemaining()) {
      TlsReader extensions = in.vector(2);
      in.expectEnd("ClientHello");
      while (extensions.hasRemaining()) {
        int type = extensions.u16();
        TlsReader data = extensions.vector(2);
        if (!isGrease(type)) {
          ext.types.add(type);
          ext.read(type, data);
        }
      }
    }
    return new ClientHelloInfo(legacyVersion, ext.supportedVersions, cipherSuites, ext.types, ext.serverName,
        ext.sniPresent, ext.alpn, ext.alpnFirstRaw, ext.supportedGroups, ext.signatureAlgorithms);
  }

  private static void addUnlessGrease(List<Integer> list, int value) {
    if (!isGrease(value)) {
      list.add(value);
    }
  }

  /** The decoded extensions; the first occurrence of a duplicated extension wins. */
  private static final class Extensions {
    final List<Integer> types = new ArrayList<>();
    final List<Integer> supportedVersions = new ArrayList<>();
    final List<String> alpn = new ArrayList<>();
    final List<Integer> supportedGroups = new ArrayList<>();
    final List<Integer> signatureAlgorithms = new ArrayList<>();
    String serverName;
    boolean sniPresent;
    byte[] alpnFirstRaw;
    private boolean versionsSeen;
    private boolean alpnSeen;
    private boolean groupsSeen;
    private boolean signaturesSeen;

    void read(int type, TlsReader data) throws TlsParseException {
      switch (type) {
        case TlsCodes.EXT_SERVER_NAME -> {
          if (!sniPresent) {
            sniPresent = true;
            serverName = serverName(data);
          }
        }
        case TlsCodes.EXT_SUPPORTED_VERSIONS -> {
          if (!versionsSeen) {
            versionsSeen = true;
            u16List(data.vector(1), supportedVersions, "supported_versions");
            data.expectEnd("supported_versions");
          }
        }
        case TlsCodes.EXT_SUPPORTED_GROUPS -> {
          if (!groupsSeen) {
            groupsSeen = true;
            u16List(data.vector(2), supportedGroups, "supported_groups");
            data.expectEnd("supported_groups");
          }
        }
        case TlsCodes.EXT_SIGNATURE_ALGORITHMS -> {
          if (!signaturesSeen) {
            signaturesSeen = true;
            u16List(data.vector(2), signatureAlgorithms, "signature_algorithms");
            data.expectEnd("signature_algorithms");
          }
        }
        case TlsCodes.EXT_ALPN -> {
          if (!alpnSeen) {
            alpnSeen = true;
            readAlpn(data);
          }
        }
        default -> { } // only its type is recorded
      }
    }

    private void readAlpn(TlsReader data) throws TlsParseException {
      TlsReader names = data.vector(2);
      data.expectEnd("ALPN");
      while (names.hasRemaining()) {
        int length = names.u8();
        if (length == 0) {
          throw names.fail("empty ALPN protocol name");
        }
        byte[] name = names.bytes(length);
        if (alpnFirstRaw == null) {
          alpnFirstRaw = name;
        }
        // ISO-8859-1 maps every byte to one char, so no protocol id is lost or merged with another
        alpn.add(new String(name, StandardCharsets.ISO_8859_1));
      }
    }

    private static void u16List(TlsReader list, List<Integer> out, String what) throws TlsParseException {
      if (list.remaining() % 2 != 0) {
        throw list.fail(what + " list of odd length " + list.remaining());
      }
      while (list.hasRemaining()) {
        addUnlessGrease(out, list.u16());
      }
    }

    /** RFC 6066 §3: the first host_name entry; a host name must be printable ASCII. */
    private static String serverName(TlsReader data) throws TlsParseException {
      if (!data.hasRemaining()) {
        return null; // a server echoes an empty extension; a client should not send one, but it is harmless
      }
      TlsReader list = data.vector(2);
      data.expectEnd("server_name");
      String hostName = null;
      while (list.hasRemaining()) {
        int nameType = list.u8();
        TlsReader name = list.vector(2);
        if (nameType == 0 && hostName == null) {
          hostName = hostName(name.bytes(name.remaining()), list);
        }
      }
      return hostName;
    }

    private static String hostName(byte[] name, TlsReader context) throws TlsParseException {
      if (name.length == 0) {
        throw context.fail("empty SNI host_name");
      }
      for (byte b : name) {
        if (b < 0x21 || b > 0x7e) {
          throw context.fail("SNI host_name with byte 0x" + Integer.toHexString(b & 0xff));
        }
      }
      return new String(name, StandardCharsets.US_ASCII);
    }
  }
}
