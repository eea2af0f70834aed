package io.k8spacket.query;

import java.util.List;
import java.util.Objects;

/**
 * The connections from one client endpoint to one server endpoint that closed in one time window
 * {@code [windowStartMs, windowEndMs)}. Durations are milliseconds; bytes are application bytes.
 *
 * @param service the Service whose ClusterIP the client connected to, null for direct connections; when no
 *     backend was observed, {@code server} is that Service itself
 * @param serverPorts the distinct server ports the connections went to, ascending (a bounded set: the store keeps
 *     the smallest few per window); null reads as none, as from a peer of an earlier release
 */
public record EdgeSample(long windowStartMs, long windowEndMs, EndpointView client, EndpointView server,
    EndpointView service, long connCount, long connPersistent, long bytesSent, long bytesReceived,
    long durationMsSum, long maxDurationMs, long lastSeenMs, List<Integer> serverPorts) {
  public EdgeSample {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    if (windowEndMs <= windowStartMs) {
      throw new IllegalArgumentException("windowEndMs must be after windowStartMs");
    }
    serverPorts = serverPorts == null ? List.of() : List.copyOf(serverPorts);
  }

  /** A sample without known server ports. */
  public EdgeSample(long windowStartMs, long windowEndMs, EndpointView client, EndpointView server,
      EndpointView service, long connCount, long connPersistent, long bytesSent, long bytesReceived,
      long durationMsSum, long maxDurationMs, long lastSeenMs) {
    this(windowStartMs, windowEndMs, client, server, service, connCount, connPersistent, bytesSent, bytesReceived,
        durationMsSum, maxDurationMs, lastSeenMs, List.of());
  }

  /** A sample of direct connections (no Service). */
  public EdgeSample(long windowStartMs, long windowEndMs, EndpointView client, EndpointView server,
      long connCount, long connPersistent, long bytesSent, long bytesReceived, long durationMsSum,
      long maxDurationMs, long lastSeenMs) {
    this(windowStartMs, windowEndMs, client, server, null, connCount, connPersistent, bytesSent, bytesReceived,
        durationMsSum, maxDurationMs, lastSeenMs);
  }
}
