package io.k8spacket.query.http;

import io.k8spacket.query.EdgeTotals;
import io.k8spacket.query.Group;
import io.k8spacket.query.GroupedEdge;

/**
 * One row of {@code /nodegraph/connections}, with the original's keys. Every key is always present; a missing
 * namespace is {@code ""} as in the original. {@code duration} is the summed and {@code maxDuration} the
 * largest connection duration in ms; {@code lastSeen} is RFC 3339 UTC ({@link Rfc3339}). {@code service} and
 * {@code serviceNamespace} name the Service the clients connected to through its ClusterIP, {@code ""} for
 * direct connections: rows are one per client group, server group and Service.
 */
public record ConnectionJson(String src, String srcName, String srcNamespace, String dst, String dstName,
    String dstNamespace, String service, String serviceNamespace, long connCount, long connPersistent,
    long bytesSent, long bytesReceived, long duration, long maxDuration, String lastSeen) {

  /** The row of one grouped edge. */
  public static ConnectionJson of(GroupedEdge e) {
    EdgeTotals t = e.totals();
    Group service = e.service();
    return new ConnectionJson(e.src().key(), e.src().name(), orEmpty(e.src().namespace()), e.dst().key(),
        e.dst().name(), orEmpty(e.dst().namespace()), service == null ? "" : service.name(),
        service == null ? "" : orEmpty(service.namespace()), t.connCount(), t.connPersistent(), t.bytesSent(),
        t.bytesReceived(), t.durationMs(), t.maxDurationMs(), Rfc3339.format(t.lastSeenMs()));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
