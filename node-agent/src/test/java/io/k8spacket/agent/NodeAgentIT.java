package io.k8spacket.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.pipeline.CollectingSink;
import io.k8spacket.agent.pipeline.ListEventSource;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.net.Traffic;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole agent with its HTTP endpoints: on a fake source without root, and on the real probe as root. */
class NodeAgentIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AgentConfig CONFIG = AgentConfig.fromEnv(Map.of(
      "K8SPACKET_AGENT_HTTP_PORT", "0",
      "K8SPACKET_AGENT_NODE_NAME", "node-it",
      "K8SPACKET_AGENT_RING_BYTES", String.valueOf(1 << 20),
      "K8SPACKET_AGENT_POLL_INTERVAL_MS", "5",
      "K8SPACKET_AGENT_TLS_INTERFACES", "^k8sp-t2-i")); // TLS capture on, on no interface of this machine

  @Test
  void healthz_is_200_while_reading_and_503_once_the_reader_died() throws Exception {
    FailingSource source = new FailingSource();
    CollectingSink sink = new CollectingSink();
    try (NodeAgent agent = NodeAgent.start(CONFIG, source, sink, null, new AgentMetrics())) {
      await().until(agent::healthy);
      assertThat(get(agent, "/healthz").statusCode()).isEqualTo(200);

      source.fail = true;

      await().atMost(Duration.ofSeconds(5)).until(() -> get(agent, "/healthz").statusCode() == 503);
      assertThat(get(agent, "/healthz").body()).isEqualTo("not reading\n");
      assertThat(get(agent, "/nope").statusCode()).isEqualTo(404);
    }
    assertThat(source.closed()).isTrue();
    assertThat(sink.closed()).isTrue();
  }

  @Test
  void metrics_are_served_in_prometheus_text() throws Exception {
    ListEventSource source = new ListEventSource();
    source.offer(new byte[8]); // too short: a decode error
    try (NodeAgent agent = NodeAgent.start(CONFIG, source, new CollectingSink(), null, new AgentMetrics())) {
      await().until(() -> agent.metrics().value("k8spacket.agent.decode.errors") == 1);

      HttpResponse<String> metrics = get(agent, "/metrics");

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(metrics.body()).contains(
          "k8spacket_agent_events_read_total 1.0",
          "k8spacket_agent_decode_errors_total 1.0",
          "k8spacket_agent_events_sent_total 0.0",
          "k8spacket_agent_send_failures_total 0.0",
          "k8spacket_agent_producer_buffer_used_bytes 0.0",
          "k8spacket_agent_ring_buffer_used_bytes 0.0",
          "k8spacket_agent_ring_buffer_capacity_bytes 1048576.0");
    }
  }

  @Test
  void the_real_agent_reports_a_connection_exports_kernel_counters_and_closes_twice() throws Exception {
    TestNetwork.assumeRoot("loads the BPF probe and creates network namespaces");
    CollectingSink sink = new CollectingSink();
    try (TestNetwork net = TestNetwork.create(2, 2)) {
      NodeAgent agent = NodeAgent.start(CONFIG, sink);
      int port = agent.httpPort();
      try {
        Traffic.Result r = Traffic.exchange(net.host(1), net.host(2), net.host(2).ipv6(), 321, 654,
            Traffic.CloseOrder.CLIENT_FIRST);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received().stream()
            .filter(c -> c.clientPort() == r.client().getPort() && c.bytesClientToServer() == 321
                && c.bytesServerToClient() == 654).count() == 2);
        assertThat(sink.received()).filteredOn(c -> c.clientPort() == r.client().getPort())
            .extracting(TcpConnection::observer)
            .containsExactlyInAnyOrder(TcpConnection.Observer.CLIENT, TcpConnection.Observer.SERVER);

        assertThat(get(agent, "/healthz").statusCode()).isEqualTo(200);
        String metrics = get(agent, "/metrics").body();
        assertThat(metrics).contains("k8spacket_agent_kernel_drops_total 0.0", "k8spacket_agent_untracked_closes_total");
        assertThat(agent.metrics().value("k8spacket.agent.events.read")).isGreaterThanOrEqualTo(2);
      } finally {
        agent.close();
        agent.close();
      }
      assertThat(sink.closed()).isTrue();
      assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
          .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
  }

  private static HttpResponse<String> get(NodeAgent agent, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A source that works until told to fail, as a broken ring would. */
  private static final class FailingSource extends ListEventSource {
    volatile boolean fail;

    @Override
    public int drain(RecordHandler handler, int maxRecords) {
      if (fail) {
        throw new IllegalStateException("ring gone");
      }
      return super.drain(handler, maxRecords);
    }
  }
}
