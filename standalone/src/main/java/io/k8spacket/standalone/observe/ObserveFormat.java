package io.k8spacket.standalone.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.TlsSession;
import io.k8spacket.schema.TlsNames;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One line per record of {@code k8spacket.connections.v1} or {@code k8spacket.tls-sessions.v1}, as text or JSON.
 *
 * <pre>
 * 2026-11-29T10:15:02.123Z tcp shop/frontend-7d9f4-abcde 10.244.1.10:51234 -> shop/api-5f6d7-x1b2c 10.244.1.21:8080 sent 1234 B received 38000 B 4.2 ms
 * 2026-11-29T10:15:03.000Z tcp shop/api-5f6d7-x1b2c 10.244.1.21:40022 -> data/redis-0 10.244.2.20:6379 sent +240 B received +4800 B open
 * 2026-11-29T10:15:04.512Z tls shop/frontend-7d9f4-abcde 10.244.1.10:51240 -> 198.51.100.7:443 TLS 1.2 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 sni api.payments.example
 * </pre>
 *
 * A connection's time is its close (or, for a progress report of an open connection, the report time); its
 * bytes are totals, except for progress reports ({@code open}), whose bytes are what moved since the previous
 * report (marked {@code +}). How it ended follows the duration unless it was a normal close: {@code reset},
 * {@code never established}.
 */
final class ObserveFormat {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ObserveFormat() {}

  /** Whether the filters keep a record between these two ends. */
  static boolean keeps(ObserveOptions options, Endpoint client, Endpoint server) {
    return options.namespace().map(p -> found(p, client.getNamespace()) || found(p, server.getNamespace()))
        .orElse(true)
        && options.workload().map(p -> found(p, client.getWorkload()) || found(p, server.getWorkload())
            || found(p, client.getName()) || found(p, server.getName())).orElse(true);
  }

  private static boolean found(Pattern pattern, CharSequence value) {
    return pattern.matcher(value == null ? "" : value).find();
  }

  static String text(Connection c) {
    boolean open = c.getCloseKind() == CloseKind.OPEN;
    String plus = open ? "+" : "";
    String end = switch (c.getCloseKind()) {
      case OPEN -> "open";
      case NORMAL -> duration(c);
      case RESET -> duration(c) + " reset";
      case NEVER_ESTABLISHED -> "never established";
    };
    return Instant.ofEpochMilli(c.getCloseTimeNs() / 1_000_000) + " tcp " + end(c.getClient(), c.getClientPort())
        + " -> " + end(c.getServer(), c.getServerPort()) + " sent " + plus + c.getBytesClientToServer()
        + " B received " + plus + c.getBytesServerToClient() + " B " + end;
  }

  static String text(TlsSession s) {
    String chosen = s.getServerHello() == null ? "no ServerHello"
        : TlsNames.version(s.getServerHello().getSelectedVersion()) + " "
            + TlsNames.cipherSuite(s.getServerHello().getCipherSuite());
    return Instant.ofEpochMilli(s.getObservedAtNs() / 1_000_000) + " tls " + end(s.getClient(), s.getClientPort())
        + " -> " + end(s.getServer(), s.getServerPort()) + " " + chosen
        + Optional.ofNullable(s.getServerName()).map(n -> " sni " + n).orElse("");
  }

  static String json(Connection c) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "connection");
    line.put("time", Instant.ofEpochMilli(c.getCloseTimeNs() / 1_000_000).toString());
    line.put("state", c.getCloseKind() == CloseKind.OPEN ? "open" : "closed");
    line.put("closeKind", c.getCloseKind().name());
    line.set("client", endpoint(c.getClient(), c.getClientPort()));
    line.set("server", endpoint(c.getServer(), c.getServerPort()));
    line.put("bytesClientToServer", c.getBytesClientToServer());
    line.put("bytesServerToClient", c.getBytesServerToClient());
    if (c.getCloseKind() == CloseKind.OPEN) {
      line.putNull("durationMs");
    } else {
      line.put("durationMs", (c.getCloseTimeNs() - c.getOpenTimeNs()) / 1e6);
    }
    line.put("family", c.getFamily().name());
    line.put("node", c.getNode());
    return line.toString();
  }

  static String json(TlsSession s) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "tls");
    line.put("time", Instant.ofEpochMilli(s.getObservedAtNs() / 1_000_000).toString());
    line.set("client", endpoint(s.getClient(), s.getClientPort()));
    line.set("server", endpoint(s.getServer(), s.getServerPort()));
    line.put("serverName", s.getServerName());
    if (s.getServerHello() == null) {
      line.putNull("version");
      line.putNull("cipherSuite");
    } else {
      line.put("version", TlsNames.version(s.getServerHello().getSelectedVersion()));
      line.put("cipherSuite", TlsNames.cipherSuite(s.getServerHello().getCipherSuite()));
    }
    line.put("leafSha256", s.getLeafSha256());
    line.put("node", s.getNode());
    return line.toString();
  }

  private static ObjectNode endpoint(Endpoint e, int port) {
    ObjectNode node = JSON.createObjectNode();
    node.put("ip", e.getIp());
    node.put("port", port);
    node.put("name", e.getName());
    node.put("namespace", e.getNamespace());
    node.put("workload", e.getWorkload());
    node.put("kind", e.getKind().name());
    return node;
  }

  /** {@code namespace/name ip:port}, or {@code ip:port} when the end has no name. */
  private static String end(Endpoint e, int port) {
    String ip = e.getIp().contains(":") ? "[" + e.getIp() + "]" : e.getIp();
    String name = e.getNamespace() == null || e.getNamespace().isEmpty() ? e.getName()
        : e.getNamespace() + "/" + e.getName();
    return (name.equals(e.getIp()) ? "" : name + " ") + ip + ":" + port;
  }

  private static String duration(Connection c) {
    double ms = (c.getCloseTimeNs() - c.getOpenTimeNs()) / 1e6;
    return ms < 1000 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%.1f s", ms / 1000);
  }
}
