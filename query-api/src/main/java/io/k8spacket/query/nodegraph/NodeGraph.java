package io.k8spacket.query.nodegraph;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The Node Graph API data answer, {@code {"nodes":[…],"edges":[…]}}, with the original's keys plus the
 * {@code detail__*} fields Grafana shows when a node or edge is clicked (declared in {@link GraphFields}). Both
 * lists are never null; every edge's source and target is a node id; every object carries every key, a detail
 * that does not apply being null.
 */
public record NodeGraph(List<Node> nodes, List<Edge> edges) {
  public NodeGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /**
   * A graph node. {@code arc__3} is always 0: the original sent it without declaring it, so it is kept for an
   * identical shape.
   *
   * @param namespace the group's namespace, null for nodes and unknown IPs
   * @param kind the workload kind ({@code Deployment}, {@code Pod} for a bare pod), or {@code Service},
   *     {@code Node}, {@code Namespace}, {@code Unknown}
   * @param ports the server ports of the connections it answered ({@code 443, 8443}), null when none
   * @param tls the share of its incoming connections that had a TLS handshake ({@code 75%}), null without
   *     incoming connections
   */
  public record Node(String id, String title, String subTitle, String mainStat, String secondaryStat,
      @JsonProperty("arc__1") double arc1, @JsonProperty("arc__2") double arc2,
      @JsonProperty("arc__3") double arc3, @JsonProperty("detail__namespace") String namespace,
      @JsonProperty("detail__kind") String kind, @JsonProperty("detail__ports") String ports,
      @JsonProperty("detail__tls") String tls) {
    public Node {
      Objects.requireNonNull(id, "id");
    }

    /** A node without details (all null). */
    public Node(String id, String title, String subTitle, String mainStat, String secondaryStat, double arc1,
        double arc2, double arc3) {
      this(id, title, subTitle, mainStat, secondaryStat, arc1, arc2, arc3, null, null, null, null);
    }
  }

  /**
   * A graph edge from {@code source} to {@code target} (node ids).
   *
   * @param service the Service(s) its connections went through ({@code shop/web}), null for direct ones
   * @param ports the server ports of its connections, null when none
   * @param tls the share of its connections that had a TLS handshake, null without connections
   */
  public record Edge(String id, String source, String target, String mainStat, String secondaryStat,
      @JsonProperty("detail__service") String service, @JsonProperty("detail__ports") String ports,
      @JsonProperty("detail__tls") String tls) {
    public Edge {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
    }

    /** An edge without details (all null). */
    public Edge(String id, String source, String target, String mainStat, String secondaryStat) {
      this(id, source, target, mainStat, secondaryStat, null, null, null);
    }
  }
}
