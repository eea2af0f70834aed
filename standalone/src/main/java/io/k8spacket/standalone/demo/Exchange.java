package io.k8spacket.standalone.demo;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The demo's request/response protocol, the same over plain TCP and TLS: the client sends an 8-byte header
 * (request size, response size, both big-endian ints) and that many request bytes; the server reads them and
 * answers with exactly the response size. A connection carries any number of exchanges, so the bytes each way
 * are known to the byte.
 */
final class Exchange {
  /** Largest request or response one exchange may ask for. */
  static final int MAX_BYTES = 16 << 20;
  private static final byte[] FILL = new byte[64 * 1024];

  private Exchange() {}

  /** Client side: one exchange of {@code request} bytes out, {@code response} bytes back. */
  static void request(Socket socket, int request, int response) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(request);
    out.writeInt(response);
    write(out, request);
    out.flush();
    skip(socket.getInputStream(), response);
  }

  /** Server side: answers exchanges until the client closes. */
  static void serve(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    OutputStream out = socket.getOutputStream();
    while (true) {
      int request;
      try {
        request = in.readInt();
      } catch (EOFException closed) {
        return;
      }
      int response = in.readInt();
      if (request < 0 || request > MAX_BYTES || response < 0 || response > MAX_BYTES) {
        throw new IOException("bad exchange header " + request + "/" + response);
      }
      skip(in, request);
      write(out, response);
      out.flush();
    }
  }

  private static void write(OutputStream out, int count) throws IOException {
    for (int left = count; left > 0; ) {
      int n = Math.min(left, FILL.length);
      out.write(FILL, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, int count) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    for (int left = count; left > 0; ) {
      int n = in.read(buffer, 0, Math.min(left, buffer.length));
      if (n < 0) {
        throw new EOFException("end of stream with " + left + " of " + count + " bytes to go");
      }
      left -= n;
    }
  }
}
