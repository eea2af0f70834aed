package io.k8spacket.query.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error page for what it refuses before Javalin sees the request (a request line or headers over the
 * limit: 414/431, an unparsable URI: 400): the same {@code {"error":"…"}} JSON as every other error, instead of
 * Jetty's HTML. Messages are fixed per status; Jetty's own reason may quote the request and is not sent.
 */
public final class JsonErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
      status = http.getCode();
      response.setStatus(status);
    }
    response.getHeaders().put(ERROR_CACHE_CONTROL);
    if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
      callback.succeeded();
      return true;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    byte[] body = ("{\"error\":\"" + message(status) + "\"}").getBytes(StandardCharsets.UTF_8);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  static String message(int status) {
    return switch (status) {
      case 400 -> "malformed request: request line, URI or headers cannot be parsed";
      case 414 -> "request URI too long";
      case 431 -> "request headers too large";
      default -> "HTTP " + status + " " + HttpStatus.getMessage(status);
    };
  }
}
