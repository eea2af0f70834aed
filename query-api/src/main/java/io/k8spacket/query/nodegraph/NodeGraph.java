package io.k8spacket.query.nodegraph;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The Node Graph API data answer, {@code {"nodes":[…],"edges":[…]}}, with the original's keys. Both lists are
 * never null; every edge's source and target is a node id.
 */
public record NodeGraph(List<Node> nodes, List<Edge> edges) {
  public NodeGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /**
   * A graph node. {@code arc__3} is always 0: the original sent it without declaring it, so it is kept for an
   * identical shape.
   */
  public record Node(String id, String title, String subTitle, String mainStat, String secondaryStat,
      @JsonProperty("arc__1") double arc1, @JsonProperty("arc__2") double arc2,
      @JsonProperty("arc__3") double arc3) {
    public Node {
      Objects.requireNonNull(id, "id");
    }
  }

  /** A graph edge from {@code source} to {@code target} (node ids). */
  public record Edge(String id, String source, String target, String mainStat, String secondaryStat) {
    public Edge {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(target, "target");
    }
  }
}
