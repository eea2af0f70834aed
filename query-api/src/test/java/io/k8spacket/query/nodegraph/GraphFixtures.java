package io.k8spacket.query.nodegraph;

import static io.k8spacket.query.Fixtures.DNS;
import static io.k8spacket.query.Fixtures.DNS_SVC;
import static io.k8spacket.query.Fixtures.EXTERNAL;
import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.FE_2;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.WEB_SVC;
import static io.k8spacket.query.Fixtures.sample;
import static io.k8spacket.query.Fixtures.through;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.nodegraph.NodeGraph.Edge;
import io.k8spacket.query.nodegraph.NodeGraph.Node;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The node-graph scenario, the original's fields answers and Grafana's graph invariants, for unit and HTTP tests. */
public final class GraphFixtures {
  public static final String FRONTEND = "shop/frontend";
  public static final String WEB = "shop/web";
  public static final String COREDNS = "kube-system/coredns";
  public static final String EXT = "142.250.74.78";
  public static final String WEB_SERVICE = "shop/svc.web";
  public static final String KUBE_DNS = "kube-system/svc.kube-dns";

  private GraphFixtures() {}

  /**
   * Three minutes of traffic, to be queried as [T0, T0+3min) = 180 s: frontend -> web (4 connections over two
   * pods), web -> coredns (8), frontend -> an external IP (2, long-lived).
   */
  public static InMemoryEdgeReader scenario() {
    return new InMemoryEdgeReader().add(
        sample(0, FE_1, WEB_1, 3, 1, 6000, 12000, 60, 40),
        sample(1, FE_2, WEB_1, 1, 0, 3000, 6000, 15, 15),
        sample(1, WEB_1, DNS, 8, 0, 1440, 2880, 16, 4),
        sample(2, FE_1, EXTERNAL, 2, 2, 36000, 184320, 30000, 20000));
  }

  /**
   * Three minutes through Services, to be queried as [T0, T0+3min) = 180 s: frontend -> Service web -> pod
   * web-5c6b-x1 (4 connections over two frontend pods), frontend -> the same pod directly (2), and web ->
   * Service kube-dns without an observed backend (4: the server is the Service itself).
   */
  public static InMemoryEdgeReader servicesScenario() {
    return new InMemoryEdgeReader().add(
        through(WEB_SVC, sample(0, FE_1, WEB_1, 3, 1, 600, 1200, 60, 40)),
        through(WEB_SVC, sample(1, FE_2, WEB_1, 1, 0, 300, 600, 15, 15)),
        sample(1, FE_1, WEB_1, 2, 0, 60, 120, 10, 6),
        through(DNS_SVC, sample(2, WEB_1, DNS_SVC, 4, 0, 40, 80, 8, 4)));
  }

  /** The original's fields answer, from test resources (see k8spacket-fields/SOURCE.md). */
  public static JsonNode originalFields(StatsType type) throws IOException {
    String file = "/k8spacket-fields/fields_" + type.name().toLowerCase(Locale.ROOT) + ".json";
    try (InputStream in = GraphFixtures.class.getResourceAsStream(file)) {
      return new ObjectMapper().readTree(in);
    }
  }

  /**
   * A fields answer without the {@code detail__*} entries this API adds: what must equal the original's
   * ({@link #originalFields}).
   */
  public static JsonNode withoutDetails(JsonNode fields) {
    ObjectNode copy = fields.deepCopy();
    for (String list : List.of("edges_fields", "nodes_fields")) {
      ArrayNode kept = copy.putArray(list);
      fields.get(list).forEach(f -> {
        if (!f.get("field_name").asText().startsWith("detail__")) {
          kept.add(f);
        }
      });
    }
    return copy;
  }

  /** The {@code detail__*} entries of one list ({@code nodes_fields} or {@code edges_fields}) of a fields answer. */
  public static List<JsonNode> details(JsonNode fields, String list) {
    List<JsonNode> details = new ArrayList<>();
    fields.get(list).forEach(f -> {
      if (f.get("field_name").asText().startsWith("detail__")) {
        details.add(f);
      }
    });
    return details;
  }

  /** Grafana's node graph rules: unique node ids, edges between existing nodes, arcs in [0,1] summing to 0 or 1. */
  public static void assertInvariants(NodeGraph g) {
    Set<String> ids = new HashSet<>();
    for (Node n : g.nodes()) {
      assertThat(ids.add(n.id())).as("unique node id %s", n.id()).isTrue();
      assertThat(n.arc1()).isBetween(0.0, 1.0);
      assertThat(n.arc2()).isBetween(0.0, 1.0);
      assertThat(n.arc3()).isZero();
      double sum = n.arc1() + n.arc2();
      assertThat(sum == 0 || Math.abs(sum - 1) < 1e-9).as("arcs of %s sum to %s", n.id(), sum).isTrue();
      assertThat(n.title()).isNotNull();
      assertThat(n.subTitle()).isNotNull();
    }
    Set<String> edgeIds = new HashSet<>();
    for (Edge e : g.edges()) {
      assertThat(edgeIds.add(e.id())).as("unique edge id %s", e.id()).isTrue();
      assertThat(ids).contains(e.source(), e.target());
      assertThat(e.mainStat()).isNotNull();
      assertThat(e.secondaryStat()).isNotNull();
    }
  }
}
