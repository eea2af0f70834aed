package io.k8spacket.query.tls;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code id} of a row of {@code /tlsparser/api/data}: client IP, server IP, server port and SNI joined by
 * {@code |} and encoded as unpadded base64url, so the details endpoint can decode it (no lookup table, no hash
 * collisions) and it is safe in a URL path and a Grafana variable. Example: client 10.0.0.1 to
 * 10.0.1.1:443 with SNI {@code web} is {@code MTAuMC4wLjF8MTAuMC4xLjF8NDQzfHdlYg}.
 *
 * @param serverName the SNI, {@code ""} when none
 */
public record TlsConnectionId(String clientIp, String serverIp, int serverPort, String serverName) {
  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

  public TlsConnectionId {
    Objects.requireNonNull(clientIp, "clientIp");
    Objects.requireNonNull(serverIp, "serverIp");
    serverName = serverName == null ? "" : serverName;
  }

  /** The id of a sample's connection. */
  public static TlsConnectionId of(TlsSessionSample s) {
    return new TlsConnectionId(s.client().ip(), s.server().ip(), s.serverPort(), s.serverName());
  }

  /** The id in its URL form. */
  public String encode() {
    String raw = clientIp + "|" + serverIp + "|" + serverPort + "|" + serverName;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The id of a URL form; empty when {@code id} was not made by {@link #encode()}. */
  public static Optional<TlsConnectionId> decode(String id) {
    if (id == null || !BASE64URL.matcher(id).matches()) {
      return Optional.empty();
    }
    String raw;
    try {
      raw = new String(Base64.getUrlDecoder().decode(id), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String[] parts = raw.split("\\|", -1);
    if (parts.length != 4 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new TlsConnectionId(parts[0], parts[1], Integer.parseInt(parts[2]), parts[3]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
