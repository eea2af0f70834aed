package io.k8spacket.agent.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Hand-built handshake messages and records, byte by byte, for cases the JDK does not produce. */
final class HelloBuilder {
  private HelloBuilder() {}

  static byte[] clientHello(int legacyVersion, List<Integer> cipherSuites, byte[]... extensions) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, legacyVersion);
    body.writeBytes(new byte[32]); // random
    body.write(32);
    body.writeBytes(filled(32, 0x5a)); // session id
    u16(body, cipherSuites.size() * 2);
    cipherSuites.forEach(suite -> u16(body, suite));
    body.write(1);
    body.write(0); // null compression
    byte[] all = concat(extensions);
    u16(body, all.length);
    body.writeBytes(all);
    return message(TlsCodes.HS_CLIENT_HELLO, body.toByteArray());
  }

  static byte[] serverHello(byte[] random, int legacyVersion, int cipherSuite, byte[]... extensions) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, legacyVersion);
    body.writeBytes(random);
    body.write(0); // empty session id
    u16(body, cipherSuite);
    body.write(0);
    byte[] all = concat(extensions);
    u16(body, all.length);
    body.writeBytes(all);
    return message(TlsCodes.HS_SERVER_HELLO, body.toByteArray());
  }

  static byte[] message(int type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.write(body.length >> 16);
    out.write(body.length >> 8);
    out.write(body.length);
    out.writeBytes(body);
    return out.toByteArray();
  }

  static byte[] extension(int type, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    u16(out, type);
    u16(out, data.length);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] sni(String host) {
    byte[] name = host.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    entry.write(0);
    u16(entry, name.length);
    entry.writeBytes(name);
    return extension(TlsCodes.EXT_SERVER_NAME, vector16(entry.toByteArray()));
  }

  static byte[] alpn(byte[]... names) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (byte[] name : names) {
      list.write(name.length);
      list.writeBytes(name);
    }
    return extension(TlsCodes.EXT_ALPN, vector16(list.toByteArray()));
  }

  static byte[] alpn(String... names) {
    byte[][] raw = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      raw[i] = names[i].getBytes(StandardCharsets.US_ASCII);
    }
    return alpn(raw);
  }

  /** An extension whose data is a 16-bit-length list of 16-bit values (groups, signature algorithms). */
  static byte[] u16ListExtension(int type, List<Integer> values) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    values.forEach(value -> u16(list, value));
    return extension(type, vector16(list.toByteArray()));
  }

  static byte[] supportedVersions(List<Integer> versions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(versions.size() * 2);
    versions.forEach(version -> u16(out, version));
    return extension(TlsCodes.EXT_SUPPORTED_VERSIONS, out.toByteArray());
  }

  static byte[] selectedVersion(int version) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    u16(out, version);
    return extension(TlsCodes.EXT_SUPPORTED_VERSIONS, out.toByteArray());
  }

  /** key_share (51) with one entry of {@code keyLength} bytes, like a post-quantum hybrid share. */
  static byte[] keyShare(int group, int keyLength) {
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    u16(entry, group);
    u16(entry, keyLength);
    entry.writeBytes(filled(keyLength, 0x42));
    return extension(0x0033, vector16(entry.toByteArray()));
  }

  static byte[] empty(int type) {
    return extension(type, new byte[0]);
  }

  /** Handshake messages framed into records of at most {@code fragment} bytes. */
  static byte[] records(int fragment, byte[] messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int offset = 0; offset < messages.length; offset += fragment) {
      int length = Math.min(fragment, messages.length - offset);
      out.writeBytes(new byte[] {TlsCodes.RECORD_HANDSHAKE, 3, 1, (byte) (length >> 8), (byte) length});
      out.write(messages, offset, length);
    }
    return out.toByteArray();
  }

  static byte[] changeCipherSpec() {
    return new byte[] {TlsCodes.RECORD_CHANGE_CIPHER_SPEC, 3, 3, 0, 1, 1};
  }

  static byte[] vector16(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    u16(out, data.length);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static void u16(ByteArrayOutputStream out, int value) {
    out.write(value >> 8);
    out.write(value);
  }
}
