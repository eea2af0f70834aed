package io.k8spacket.query;

import java.util.Objects;

/**
 * The connections from one client endpoint to one server endpoint that closed in one time window
 * {@code [windowStartMs, windowEndMs)}. Durations are milliseconds; bytes are application bytes.
 *
 * @param service the Service whose ClusterIP the client connected to, null for direct connections; when no
 *     backend was observed, {@code server} is that Service itself
 */
public record EdgeSample(long windowStartMs, long windowEndMs, EndpointView client, EndpointView server,
    EndpointView service, long connCount, long connPersistent, long bytesSent, long bytesReceived,
    long durationMsSum, long maxDurationMs, long lastSeenMs) {
  public EdgeSample {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    if (windowEndMs <= windowStartMs) {
      throw new IllegalArgumentException("windowEndMs must be after windowStartMs");
    }
  }

  /** A sample of direct connections (no Service). */
  public EdgeSample(long windowStartMs, long windowEndMs, EndpointView client, EndpointView server,
      long connCount, long connPersistent, long bytesSent, long bytesReceived, long durationMsSum,
      long maxDurationMs, long lastSeenMs) {
    this(windowStartMs, windowEndMs, client, server, null, connCount, connPersistent, bytesSent, bytesReceived,
        durationMsSum, maxDurationMs, lastSeenMs);
  }
}
