package io.k8spacket.query.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal HTTP/1.1 client over a plain socket, for requests {@code java.net.http} refuses to send: invalid
 * percent-escapes, absurd methods, oversized request lines and headers. One request per connection.
 */
final class RawHttp {
  /** A parsed answer; header names lower-cased. */
  record Response(int status, Map<String, List<String>> headers, String body) {
    Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? Optional.empty() : Optional.of(values.get(0));
    }
  }

  private RawHttp() {}

  /** Sends {@code requestLine} and {@code headers} (complete lines, no CRLF) plus Host and Connection: close. */
  static Response send(int port, String requestLine, String... headers) {
    StringBuilder head = new StringBuilder(requestLine).append("\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    head.append("Host: localhost\r\nConnection: close\r\n\r\n");
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return read(socket.getInputStream(), requestLine.startsWith("HEAD "));
    } catch (IOException e) {
      throw new UncheckedIOException(requestLine.substring(0, Math.min(80, requestLine.length())), e);
    }
  }

  /** The connection ended before the first byte of a response: the server closed it (keep-alive race). */
  static final class ClosedBeforeResponse extends IOException {
    ClosedBeforeResponse() {
      super("connection closed before the response started");
    }
  }

  /** Reads one response: the head, then a Content-Length or chunked body (or up to EOF). */
  static Response read(InputStream in, boolean head) throws IOException {
    int first;
    try {
      first = in.read();
    } catch (SocketException reset) {
      throw new ClosedBeforeResponse();
    }
    if (first < 0) {
      throw new ClosedBeforeResponse();
    }
    String statusLine;
    try {
      statusLine = (char) first + line(in);
    } catch (IOException e) {
      throw new IOException(e.getMessage() + " (status line began with byte " + first + ")", e);
    }
    String[] parts = statusLine.split(" ", 3);
    if (!statusLine.startsWith("HTTP/1.") || parts.length < 2 || !parts[1].matches("[0-9]{3}")) {
      throw new IOException("not a status line: '" + statusLine + "'");
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = line(in); !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<String> length = headers.get("content-length");
    List<String> encoding = headers.get("transfer-encoding");
    if (head || status == 204 || status == 304) {
      return new Response(status, headers, "");
    } else if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length.get(0))));
    } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
      for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
          size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
      for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
        // trailers end with an empty line; none are expected
      }
    } else {
      body.write(in.readAllBytes());
    }
    return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-line after '" + out.toString(StandardCharsets.ISO_8859_1) + "'");
      }
      if (b != '\r') {
        out.write(b);
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
