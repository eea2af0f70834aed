package io.k8spacket.query.nodegraph;

import io.k8spacket.query.EdgeAggregate;
import io.k8spacket.query.EdgeQuery;
import io.k8spacket.query.EdgeQueryService;
import io.k8spacket.query.EdgeTotals;
import io.k8spacket.query.Group;
import io.k8spacket.query.GroupedEdge;
import io.k8spacket.query.QueryContext;
import io.k8spacket.query.TimeRange;
import io.k8spacket.query.tls.TlsReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

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
 *
 * <p>Details: nodes carry their namespace and kind; nodes and edges the TLS share of their (incoming)
 * connections, from the TLS sessions of the same range ({@link TlsTally#perEdge}), and the server ports of those
 * connections, both following the edges' totals through the drawing above; edges name the Services they went
 * through.
 */
public final class NodeGraphService {
  private final EdgeQueryService queries;
  private final TlsReader tls;

  /** Without TLS sessions: every edge and node has no handshakes. */
  public NodeGraphService(EdgeQueryService queries) {
    this(queries, TlsReader.EMPTY);
  }

  public NodeGraphService(EdgeQueryService queries, TlsReader tls) {
    this.queries = Objects.requireNonNull(queries, "queries");
    this.tls = Objects.requireNonNull(tls, "tls");
  }

  /** {@link #graph(EdgeQuery, StatsType, QueryContext)} without credentials. */
  public NodeGraph graph(EdgeQuery query, StatsType type) {
    return graph(query, type, QueryContext.anonymous());
  }

  /** The graph of the query in the given stats mode; readers report missing instances in {@code context}. */
  public NodeGraph graph(EdgeQuery query, StatsType type, QueryContext context) {
    EdgeAggregate aggregate = queries.aggregate(query, context);
    double seconds = aggregate.coveredSeconds();
    TimeRange range = query.range();
    List<TlsTally> tallies = aggregate.edges().isEmpty() ? List.of()
        : TlsTally.perEdge(aggregate.edges(), tls.sessions(range.fromMs(), range.toMs(), context), query);
    TreeMap<String, Group> groups = new TreeMap<>();
    TreeMap<String, Sum> nodeSums = new TreeMap<>();
    TreeMap<String, Drawn> drawn = new TreeMap<>();
    for (int i = 0; i < aggregate.edges().size(); i++) {
      GroupedEdge e = aggregate.edges().get(i);
      TlsTally tally = tallies.get(i).withPorts(e.serverPorts());
      groups.putIfAbsent(e.src().key(), e.src());
      groups.putIfAbsent(e.dst().key(), e.dst());
      add(nodeSums, e.src(), new Sum(e.totals().bytesOnly(), TlsTally.NONE));
      add(nodeSums, e.dst(), new Sum(e.totals().reversed(), tally));
      String service = e.service() == null ? null : serviceName(e.service());
      if (query.groupBy().drawsServiceHop() && e.hasServiceHop()) {
        groups.putIfAbsent(e.service().key(), e.service());
        add(nodeSums, e.service(), new Sum(e.totals().reversed(), tally));
        draw(drawn, e.src(), e.service(), e.totals(), tally, service);
        draw(drawn, e.service(), e.dst(), e.totals(), tally, service);
      } else {
        draw(drawn, e.src(), e.dst(), e.totals(), tally, service);
      }
    }
    List<NodeGraph.Edge> edges = new ArrayList<>(drawn.size());
    drawn.forEach((id, d) -> {
      Stats s = Stats.edge(type, d.totals(), seconds);
      edges.add(new NodeGraph.Edge(id, d.source(), d.target(), s.mainStat(), s.secondaryStat(),
          d.services().isEmpty() ? null : String.join(", ", d.services()), d.tls().portsText(),
          d.tls().shareOf(d.totals().connCount())));
    });
    List<NodeGraph.Node> nodes = new ArrayList<>(groups.size());
    groups.forEach((key, g) -> {
      Sum sum = nodeSums.get(key);
      Stats s = Stats.node(type, sum.totals(), seconds);
      nodes.add(new NodeGraph.Node(key, g.name(), g.context(), s.mainStat(), s.secondaryStat(), s.arc1(),
          s.arc2(), 0, g.namespace(), g.kind(), sum.tls().portsText(), sum.tls().shareOf(sum.totals().connCount())));
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

  /** {@code shop/web} for a Service group (its name alone when it has no namespace). */
  private static String serviceName(Group service) {
    return service.namespace() == null ? service.name() : service.namespace() + "/" + service.name();
  }

  private static void add(TreeMap<String, Sum> sums, Group node, Sum sum) {
    sums.merge(node.key(), sum, Sum::plus);
  }

  private static void draw(TreeMap<String, Drawn> drawn, Group source, Group target, EdgeTotals totals,
      TlsTally tally, String service) {
    TreeSet<String> services = new TreeSet<>();
    if (service != null) {
      services.add(service);
    }
    drawn.merge(edgeId(source, target), new Drawn(source.key(), target.key(), totals, tally, services),
        Drawn::plus);
  }

  /** What a node sums: its totals as client and server, and the TLS of its incoming connections. */
  private record Sum(EdgeTotals totals, TlsTally tls) {
    Sum plus(Sum o) {
      return new Sum(totals.plus(o.totals), tls.plus(o.tls));
    }
  }

  /** One graph edge being summed. */
  private record Drawn(String source, String target, EdgeTotals totals, TlsTally tls, TreeSet<String> services) {
    Drawn plus(Drawn o) {
      TreeSet<String> all = new TreeSet<>(services);
      all.addAll(o.services);
      return new Drawn(source, target, totals.plus(o.totals), tls.plus(o.tls), all);
    }
  }
}
