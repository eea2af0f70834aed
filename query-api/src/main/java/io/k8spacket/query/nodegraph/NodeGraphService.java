package io.k8spacket.query.nodegraph;

import io.k8spacket.query.EdgeAggregate;
import io.k8spacket.query.EdgeQuery;
import io.k8spacket.query.EdgeQueryService;
import io.k8spacket.query.EdgeTotals;
import io.k8spacket.query.Group;
import io.k8spacket.query.GroupedEdge;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns grouped edges into the Node Graph API answer. Nodes aggregate as in the original: a node adds the
 * bytes it sent and received as a client, and as a server its connection counts, durations and the bytes
 * reversed (what it received is what clients sent).
 *
 * <p>Ids: a node's id is its group key ({@code shop/web}, {@code 10.0.0.1}); an edge's id is
 * {@code <source key>-><target key>}. Keys never contain {@code >}, so the id is unique per pair, unlike the
 * original's {@code src-dst} (hyphens occur in names). Nodes and edges are sorted by id.
 */
public final class NodeGraphService {
  private final EdgeQueryService queries;

  public NodeGraphService(EdgeQueryService queries) {
    this.queries = Objects.requireNonNull(queries, "queries");
  }

  /** The graph of the query in the given stats mode. */
  public NodeGraph graph(EdgeQuery query, StatsType type) {
    EdgeAggregate aggregate = queries.aggregate(query);
    double seconds = aggregate.coveredSeconds();
    TreeMap<String, Group> groups = new TreeMap<>();
    TreeMap<String, EdgeTotals> nodeTotals = new TreeMap<>();
    List<NodeGraph.Edge> edges = new ArrayList<>(aggregate.edges().size());
    for (GroupedEdge e : aggregate.edges()) {
      groups.putIfAbsent(e.src().key(), e.src());
      groups.putIfAbsent(e.dst().key(), e.dst());
      nodeTotals.merge(e.src().key(), e.totals().bytesOnly(), EdgeTotals::plus);
      nodeTotals.merge(e.dst().key(), e.totals().reversed(), EdgeTotals::plus);
      Stats s = Stats.edge(type, e.totals(), seconds);
      edges.add(new NodeGraph.Edge(edgeId(e), e.src().key(), e.dst().key(), s.mainStat(), s.secondaryStat()));
    }
    List<NodeGraph.Node> nodes = new ArrayList<>(groups.size());
    groups.forEach((key, g) -> {
      Stats s = Stats.node(type, nodeTotals.get(key), seconds);
      nodes.add(new NodeGraph.Node(key, g.name(), g.context(), s.mainStat(), s.secondaryStat(), s.arc1(),
          s.arc2(), 0));
    });
    edges.sort((a, b) -> a.id().compareTo(b.id()));
    return new NodeGraph(nodes, edges);
  }

  /** The edge id for a source/target pair. */
  public static String edgeId(GroupedEdge e) {
    return e.src().key() + "->" + e.dst().key();
  }
}
