package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import io.k8spacket.query.BearerToken;
import java.util.Objects;
import java.util.Set;

/**
 * Before-handler that requires {@code Authorization: Bearer <token>} on every request except the open paths
 * (health, metrics, the built-in page's static files), paths under the open prefixes (WebJars) and
 * {@code OPTIONS} (a browser's CORS preflight never carries credentials). The token is
 * compared by {@link BearerToken#matches} in constant time; nothing here logs or echoes a header.
 *
 * <p>Open paths are compared with the request path as sent (one trailing slash ignored), so a path spelled
 * differently (percent-encoded, doubled slashes) needs the token: a mismatch can only ask for more, never less.
 */
public final class BearerAuth {
  static final String SCHEME = "Bearer";
  static final String CHALLENGE = "Bearer realm=\"k8spacket\"";
  static final String CHALLENGE_INVALID = CHALLENGE + ", error=\"invalid_token\"";

  private final BearerToken token;
  private final Set<String> openPaths;
  private final Set<String> openPrefixes;

  public BearerAuth(BearerToken token, Set<String> openPaths) {
    this(token, openPaths, Set.of());
  }

  /** {@code openPrefixes} end with {@code /}; a path under one that climbs out ({@code ..}) is not open. */
  public BearerAuth(BearerToken token, Set<String> openPaths, Set<String> openPrefixes) {
    this.token = Objects.requireNonNull(token, "token");
    this.openPaths = Set.copyOf(openPaths);
    this.openPrefixes = Set.copyOf(openPrefixes);
  }

  /** Returns when the request may proceed, else throws {@link UnauthorizedException}. */
  public void check(Context ctx) {
    String path = ctx.path();
    if (ctx.method() == HandlerType.OPTIONS || openPaths.contains(withoutTrailingSlash(path))
        || (openPrefixes.stream().anyMatch(path::startsWith) && !path.contains(".."))) {
      return;
    }
    String header = ctx.header(Header.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw new UnauthorizedException("missing bearer token: send the header 'Authorization: Bearer <token>'",
          CHALLENGE);
    }
    if (header.length() <= SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || header.charAt(SCHEME.length()) != ' ') {
      throw new UnauthorizedException("the Authorization header must use the Bearer scheme", CHALLENGE);
    }
    if (!token.matches(header.substring(SCHEME.length() + 1).trim())) {
      throw new UnauthorizedException("invalid bearer token", CHALLENGE_INVALID);
    }
  }

  private static String withoutTrailingSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
