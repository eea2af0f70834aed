package io.k8spacket.query;

import java.util.List;
import java.util.Objects;

/**
 * All connections from one client group to one server group through one Service (or none) in the queried
 * range.
 *
 * @param service the group of the Service the clients connected to (key {@code ns/svc.name}, see
 *     {@link GroupBy#service}), null for direct connections; equal to {@code dst} when the server is that
 *     Service (no backend observed, or {@code group-by=service})
 * @param serverPorts the distinct server ports of its connections, ascending, at most {@value #MAX_PORTS} (the
 *     smallest)
 */
public record GroupedEdge(Group src, Group dst, Group service, EdgeTotals totals, List<Integer> serverPorts) {
  /** At most this many server ports are listed per edge. */
  public static final int MAX_PORTS = 16;

  public GroupedEdge {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(totals, "totals");
    serverPorts = serverPorts == null ? List.of()
        : serverPorts.stream().distinct().sorted().limit(MAX_PORTS).toList();
  }

  /** Without known server ports. */
  public GroupedEdge(Group src, Group dst, Group service, EdgeTotals totals) {
    this(src, dst, service, totals, List.of());
  }

  /** Direct connections, no Service. */
  public GroupedEdge(Group src, Group dst, EdgeTotals totals) {
    this(src, dst, null, totals);
  }

  /** True when the edge went through a Service to a server group other than the Service's own. */
  public boolean hasServiceHop() {
    return service != null && !service.key().equals(dst.key());
  }
}
