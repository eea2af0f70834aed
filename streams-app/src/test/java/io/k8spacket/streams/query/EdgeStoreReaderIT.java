package io.k8spacket.streams.query;

import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.EndpointView;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsRunner;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole topology on a real broker and a real KafkaStreams, read back through the EdgeReader. */
class EdgeStoreReaderIT {
  /** A minute boundary ten minutes ago: event times near now, as the broker expects. */
  static final long T0 = (System.currentTimeMillis() / 60_000 - 10) * 60_000;
  static final long HOUR = 3_600_000;
  static final String WEB = "10.0.0.1";
  static final String DB = "10.0.0.2";
  static final EndpointView WEB_VIEW = new EndpointView(WEB, "web-1", "shop", "web", "Deployment", "pod");
  static final EndpointView DB_VIEW = new EndpointView(DB, "db-0", "shop", "db", "Deployment", "pod");

  static StreamsOnBroker streams;
  static StreamsRunner runner;

  @BeforeAll
  static void startBrokerAndStreams() throws Exception {
    streams = StreamsOnBroker.create("edge-store-reader-it-", pod(WEB, "web-1", "shop", "web", T0 - 3_600_000),
        pod(DB, "db-0", "shop", "db", T0 - 3_600_000));
    runner = streams.runner();
    assertThatThrownBy(() -> runner.edgeReader().edges(T0, T0 + 60_000))
        .isInstanceOf(StoreUnavailableException.class);
    streams.start();
  }

  @AfterAll
  static void stop() {
    if (streams != null) {
      runner.close();
      streams.close();
    }
  }

  @Test
  void edges_of_piped_events_are_read_back_exactly_whole_windows_at_a_time() {
    produce(
        // one connection seen by both sockets, closing in window [T0, T0+60s)
        event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 30_500, 100, 2000),
        event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 10_001, T0 + 30_499, 100, 2000),
        // a short one closing exactly at the next window's start
        event(Observer.CLIENT, WEB, 40001, DB, 5432, T0 + 59_000, T0 + 60_000, 5, 6));
    EdgeReader reader = runner.edgeReader();
    EdgeSample first = new EdgeSample(T0, T0 + 60_000, WEB_VIEW, DB_VIEW, null, 1, 1, 100, 2000, 20_500, 20_500,
        T0 + 30_500, List.of(5432));
    EdgeSample second = new EdgeSample(T0 + 60_000, T0 + 120_000, WEB_VIEW, DB_VIEW, null, 1, 0, 5, 6, 1_000,
        1_000, T0 + 60_000, List.of(5432));
    // both windows of the edge, summed into one sample that spans them
    EdgeSample both = new EdgeSample(T0, T0 + 120_000, WEB_VIEW, DB_VIEW, null, 2, 1, 105, 2006, 21_500, 20_500,
        T0 + 60_000, List.of(5432));

    await().atMost(StreamsOnBroker.WAIT).ignoreException(StoreUnavailableException.class)
        .untilAsserted(() -> assertThat(reader.edges(T0 - 60_000, T0 + 180_000)).containsExactly(both));

    assertThat(reader.edges(T0 + 59_999, T0 + 60_000)).containsExactly(first);
    assertThat(reader.edges(T0 + 60_000, T0 + 60_001)).containsExactly(second);
    assertThat(reader.edges(T0 + 30_000, T0 + 90_000)).containsExactly(both);
    assertThat(reader.edges(T0 + 120_000, T0 + 180_000)).isEmpty();
    assertThat(reader.edges(T0 + 60_000, T0 + 60_000)).isEmpty();

    // a long range reads the hours it covers from the rollup store: same sums, whole hours
    List<EdgeSample> long6h = reader.edges(T0 - 3 * HOUR, T0 + 3 * HOUR);
    assertThat(long6h).hasSize(1);
    assertThat(long6h.get(0).windowStartMs() % HOUR).isZero();
    assertThat(long6h.get(0).windowEndMs() - long6h.get(0).windowStartMs()) // T0+60s may start the next hour
        .isEqualTo(T0 / HOUR == (T0 + 60_000) / HOUR ? HOUR : 2 * HOUR);
    assertThat(long6h.get(0)).extracting(EdgeSample::connCount, EdgeSample::bytesSent, EdgeSample::bytesReceived,
        EdgeSample::durationMsSum, EdgeSample::serverPorts).containsExactly(2L, 105L, 2006L, 21_500L, List.of(5432));
  }

  private static void produce(TcpConnectionEvent... events) {
    streams.produce(Topics.TCP, TcpConnectionEvent.class, TcpConnectionEvent::getClientIp, events);
  }
}
