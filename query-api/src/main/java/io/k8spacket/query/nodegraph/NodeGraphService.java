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
 *
 * <p>Services: in the {@code pod} and {@code workload} views a grouped edge through a Service whose backend is
 * known is drawn as two edges, {@code shop/frontend -> shop/svc.web} and {@code shop/svc.web -> shop/web}, each
 * with the edge's totals; edges with the same ends (several clients of one Service, or a client that also
 * reached the Service without an observed backend) are summed into one. The Service node counts the first leg
 * as a server (connections, durations, bytes reversed); the second leg adds only to the backend, so the
 * Service's bytes are not counted twice.
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
    TreeMap<String, Drawn> drawn = new TreeMap<>();
    for (GroupedEdge e : aggregate.edges()) {
      groups.putIfAbsent(e.src().key(), e.src());
      groups.putIfAbsent(e.dst().key(), e.dst());
      nodeTotals.merge(e.src().key(), e.totals().bytesOnly(), EdgeTotals::plus);
      nodeTotals.merge(e.dst().key(), e.totals().reversed(), EdgeTotals::plus);
      if (query.groupBy().drawsServiceHop() && e.hasServiceHop()) {
        groups.putIfAbsent(e.service().key(), e.service());
        nodeTotals.merge(e.service().key(), e.totals().reversed(), EdgeTotals::plus);
        draw(drawn, e.src(), e.service(), e.totals());
        draw(drawn, e.service(), e.dst(), e.totals());
      } else {
        draw(drawn, e.src(), e.dst(), e.totals());
      }
    }
    List<NodeGraph.Edge> edges = new ArrayList<>(drawn.size());
    drawn.forEach((id, d) -> {
      Stats s = Stats.edge(type, d.totals(), seconds);
      edges.add(new NodeGraph.Edge(id, d.source(), d.target(), s.mainStat(), s.secondaryStat()));
    });
    List<NodeGraph.Node> nodes = new ArrayList<>(groups.size());
    groups.forEach((key, g) -> {
      Stats s = Stats.node(type, nodeTotals.get(key), seconds);
      nodes.add(new NodeGraph.Node(key, g.name(), g.context(), s.mainStat(), s.secondaryStat(), s.arc1(),
          s.arc2(), 0));
    });
    return new NodeGraph(nodes, edges);
  }

  /** The edge id for a source/target pair. */
  public static String edgeId(GroupedEdge e) {
    return edgeId(e.src(), e.dst());
  }

  private static String edgeId(Group source, Group target) {
    return source.key() + "->" + target.key();
  }

  private static void draw(TreeMap<String, Drawn> drawn, Group source, Group target, EdgeTotals totals) {
    drawn.merge(edgeId(source, target), new Drawn(source.key(), target.key(), totals),
        (a, b) -> new Drawn(a.source(), a.target(), a.totals().plus(b.totals())));
  }

  /** One graph edge being summed. */
  private record Drawn(String source, String target, EdgeTotals totals) {}
}
