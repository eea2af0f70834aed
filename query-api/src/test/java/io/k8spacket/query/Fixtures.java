package io.k8spacket.query;

import java.util.List;

import java.time.Instant;

/** Endpoints and samples for tests: one-minute windows starting at {@link #T0} (2026-05-12T10:00:00Z). */
public final class Fixtures {
  public static final long T0 = Instant.parse("2026-05-12T10:00:00Z").toEpochMilli();
  public static final long MINUTE = 60_000L;

  public static final EndpointView FE_1 = pod("10.0.0.1", "shop", "frontend-7d9f-a1", "frontend");
  public static final EndpointView FE_2 = pod("10.0.0.2", "shop", "frontend-7d9f-b2", "frontend");
  public static final EndpointView WEB_1 = pod("10.0.1.1", "shop", "web-5c6b-x1", "web");
  public static final EndpointView WEB_SVC = service("10.96.0.20", "shop", "web");
  public static final EndpointView DNS_SVC = service("10.96.0.10", "kube-system", "kube-dns");
  public static final EndpointView DNS = pod("10.0.9.9", "kube-system", "coredns-55cb-k2", "coredns");
  public static final EndpointView NODE_1 = node("192.168.1.10", "worker-1");
  public static final EndpointView EXTERNAL = unknown("142.250.74.78");

  private Fixtures() {}

  public static EndpointView pod(String ip, String ns, String name, String workload) {
    return new EndpointView(ip, name, ns, workload, "Deployment", "pod");
  }

  public static EndpointView service(String ip, String ns, String name) {
    return new EndpointView(ip, name, ns, null, null, "service");
  }

  public static EndpointView node(String ip, String name) {
    return new EndpointView(ip, name, null, null, null, "node");
  }

  public static EndpointView unknown(String ip) {
    return new EndpointView(ip, ip, null, null, null, "unknown");
  }

  /** Minute {@code minute} after T0; last seen = 30 s into the window. */
  public static EdgeSample sample(int minute, EndpointView client, EndpointView server, long conn, long persistent,
      long sent, long received, long durationMs, long maxMs) {
    long start = T0 + minute * MINUTE;
    return new EdgeSample(start, start + MINUTE, client, server, conn, persistent, sent, received, durationMs,
        maxMs, start + 30_000);
  }

  /** The same sample with its connections' server ports. */
  public static EdgeSample withPorts(EdgeSample s, Integer... ports) {
    return new EdgeSample(s.windowStartMs(), s.windowEndMs(), s.client(), s.server(), s.service(), s.connCount(),
        s.connPersistent(), s.bytesSent(), s.bytesReceived(), s.durationMsSum(), s.maxDurationMs(), s.lastSeenMs(),
        List.of(ports));
  }

  /** The same sample through Service {@code service}: the client connected to its ClusterIP. */
  public static EdgeSample through(EndpointView service, EdgeSample s) {
    return new EdgeSample(s.windowStartMs(), s.windowEndMs(), s.client(), s.server(), service, s.connCount(),
        s.connPersistent(), s.bytesSent(), s.bytesReceived(), s.durationMsSum(), s.maxDurationMs(), s.lastSeenMs(),
        s.serverPorts());
  }
}
