package io.k8spacket.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.EndpointView;
import java.util.List;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.junit.jupiter.api.Test;

class EdgeMergeTest {
  private static final long MIN = 60_000;
  private static final Endpoint WEB = new Endpoint("10.0.0.1", "web-1", "shop", "web", "Deployment",
      EndpointKind.POD, "node-1");
  private static final Endpoint DB = new Endpoint("10.0.0.2", "db-0", "shop", "db", "StatefulSet",
      EndpointKind.POD, "node-1");
  private static final Endpoint DB_MOVED = new Endpoint("10.0.0.2", "db-0", "shop", "db", "StatefulSet",
      EndpointKind.POD, "node-2");
  private static final EndpointView WEB_VIEW = new EndpointView("10.0.0.1", "web-1", "shop", "web", "Deployment",
      "pod");
  private static final EndpointView DB_VIEW = new EndpointView("10.0.0.2", "db-0", "shop", "db", "StatefulSet",
      "pod");

  private static Windowed<String> window(String key, long startMinute) {
    return new Windowed<>(key, new TimeWindow(startMinute * MIN, (startMinute + 1) * MIN));
  }

  private static EdgeStats stats(Endpoint server, long conn, long persistent, long sent, long received,
      long durationSum, long maxDuration, long lastSeen, Integer... ports) {
    return new EdgeStats(WEB, server, conn, persistent, sent, received, durationSum, maxDuration, lastSeen, null,
        List.of(ports));
  }

  @Test
  void the_windows_of_one_edge_sum_into_one_sample_spanning_them() {
    EdgeMerge merge = new EdgeMerge(0, 10 * MIN);
    merge.add(window("web>db", 5), stats(DB_MOVED, 2, 0, 20, 200, 30, 20, 5 * MIN + 10, 5432, 6432));
    merge.add(window("web>db", 0), stats(DB, 1, 1, 10, 100, 50, 50, 30_000, 5432));
    merge.add(window("web>db", 2), stats(DB, 4, 0, 40, 400, 8, 2, 2 * MIN + 5, 5432));

    assertThat(merge.samples()).containsExactly(new EdgeSample(0, 6 * MIN, WEB_VIEW, DB_VIEW, null, 7, 1, 70, 700,
        88, 50, 5 * MIN + 10, List.of(5432, 6432)));
  }

  @Test
  void windows_outside_the_range_are_left_out_and_edges_stay_apart() {
    EdgeMerge merge = new EdgeMerge(MIN, 3 * MIN);
    merge.add(window("web>db", 0), stats(DB, 1, 0, 1, 1, 1, 1, 1));
    merge.add(window("web>db", 3), stats(DB, 1, 0, 1, 1, 1, 1, 3 * MIN));
    merge.add(window("web>db", 1), stats(DB, 3, 0, 5, 6, 7, 7, MIN + 1, 5432));
    merge.add(window("web>cache", 2), stats(DB, 9, 0, 9, 9, 9, 9, 2 * MIN + 1));

    assertThat(merge.samples()).extracting(EdgeSample::windowStartMs, EdgeSample::connCount,
        EdgeSample::serverPorts).containsExactlyInAnyOrder(
            tuple(MIN, 3L, List.of(5432)),
            tuple(2 * MIN, 9L, List.of()));
  }
}
