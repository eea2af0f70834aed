package io.k8spacket.query;

import java.util.Objects;

/** All connections from one client group to one server group in the queried range. */
public record GroupedEdge(Group src, Group dst, EdgeTotals totals) {
  public GroupedEdge {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(totals, "totals");
  }
}
