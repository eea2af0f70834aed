package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import io.javalin.http.MethodNotAllowedResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Before-handlers that refuse what no route can serve, ahead of authentication and routing: any method but
 * GET, HEAD and OPTIONS (405, the API is read-only), and a query string that is not well-formed
 * percent-encoded UTF-8 (400; Javalin's decoder would otherwise pass {@code %zz} on silently).
 */
public final class RequestGuards {
  static final Set<HandlerType> READ_METHODS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);
  static final String ALLOWED = "GET, HEAD, OPTIONS";

  private RequestGuards() {}

  /** 405 with {@code Allow} for every method that could change something (or is unknown). */
  public static void readOnly(Context ctx) {
    if (!READ_METHODS.contains(ctx.method())) {
      ctx.header(Header.ALLOW, ALLOWED);
      throw new MethodNotAllowedResponse();
    }
  }

  /** 400 when the raw query string has a broken {@code %} escape or does not decode to UTF-8. */
  public static void wellFormedQuery(Context ctx) {
    String raw = ctx.queryString();
    if (raw != null && !raw.isEmpty()) {
      requireWellFormed(raw);
    }
  }

  static void requireWellFormed(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      int c = raw.codePointAt(i);
      if (c == '%') {
        int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (low < 0) {
          throw new BadRequestException("the query string has a malformed percent-escape at character " + (i + 1)
              + " ('%' must be followed by two hex digits)");
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        bytes.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(c) - 1;
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
    } catch (CharacterCodingException e) {
      throw new BadRequestException("the query string does not decode to UTF-8");
    }
  }
}
