package io.k8spacket.query.cluster;

import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.FE_2;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.tls.TlsFixtures;
import io.k8spacket.query.tls.TlsReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The peer client against a real instance's internal routes, a peer that hangs, one that is gone, one that refuses. */
class PeerClientIT {
  static final String TOKEN = "peer-Token_2";
  static final Optional<String> AUTH = Optional.of("Bearer " + TOKEN);
  static final Duration TIMEOUT = Duration.ofMillis(1500);
  static final EdgeSample P0 = sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40);
  static final EdgeSample P1 = sample(1, FE_2, WEB_1, 1, 0, 100, 100, 10, 10);
  private static Javalin peer;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PeerClient client = new PeerClient(TIMEOUT, registry);

  @BeforeAll
  static void startPeer() {
    InMemoryLocalPartitions local = new InMemoryLocalPartitions().add(0, P0).add(1, P1)
        .add(1, TlsFixtures.WEB_TLS12).add(0, TlsFixtures.WEB_CERT).add(1, TlsFixtures.GOOGLE_CERT);
    peer = QueryApp.create(new InMemoryEdgeReader(), TlsReader.EMPTY, local,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), QueryApiConfig.fromMap(Map.of(QueryApiConfig.TOKEN,
            TOKEN)), Clock.systemUTC()).start(0);
  }

  @AfterAll
  static void stopPeer() {
    peer.stop();
  }

  private static Share share(int port, Integer... partitions) {
    return new Share("127.0.0.1:" + port, false, Set.of(partitions));
  }

  @Test
  void a_peer_answers_its_partitions_with_the_forwarded_token() throws Exception {
    Share both = share(peer.port(), 0, 1);

    assertThat(client.edges(both, T0, T0 + 3 * MINUTE, AUTH).get()).containsExactlyInAnyOrder(P0, P1);
    assertThat(client.edges(share(peer.port(), 1), T0, T0 + 3 * MINUTE, AUTH).get()).containsExactly(P1);
    assertThat(client.sessions(both, T0, T0 + 3 * MINUTE, AUTH).get()).containsExactly(TlsFixtures.WEB_TLS12);
    assertThat(client.certificates(both, null, AUTH).get())
        .containsExactlyInAnyOrder(TlsFixtures.WEB_CERT, TlsFixtures.GOOGLE_CERT);
    assertThat(client.certificates(both, TlsFixtures.GOOGLE_CERT.key(), AUTH).get())
        .containsExactly(TlsFixtures.GOOGLE_CERT);
    assertThat(registry.find(PeerClient.FAILURES).counters()).isEmpty();
  }

  @Test
  void a_refusal_is_a_failure_with_the_status_and_is_counted() {
    assertFails(client.edges(share(peer.port(), 0), T0, T0 + MINUTE, Optional.empty()),
        "peer 127.0.0.1:" + peer.port() + " answered HTTP 401", "status");
    assertFails(client.edges(share(peer.port(), 0, 5), T0, T0 + MINUTE, AUTH),
        "peer 127.0.0.1:" + peer.port() + " answered HTTP 503", "status");
    assertThat(failures("127.0.0.1:" + peer.port(), "status")).isEqualTo(2);
  }

  @Test
  void a_peer_that_hangs_times_out_within_the_bound_and_is_counted() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        while (!silent.isClosed()) {
          try {
            accepted.add(silent.accept()); // reads nothing, answers nothing
          } catch (IOException closed) {
            return;
          }
        }
      }, "silent-peer");
      acceptor.setDaemon(true);
      acceptor.start();
      long start = System.nanoTime();

      assertFails(client.edges(share(silent.getLocalPort(), 0), T0, T0 + MINUTE, AUTH),
          "peer 127.0.0.1:" + silent.getLocalPort() + " timed out after 1500 ms", "timeout");

      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(tookMs).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 10_000);
      assertThat(failures("127.0.0.1:" + silent.getLocalPort(), "timeout")).isEqualTo(1);
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void a_peer_that_is_gone_is_unreachable_and_counted() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }

    assertFails(client.sessions(share(closedPort, 0), T0, T0 + MINUTE, AUTH),
        "peer 127.0.0.1:" + closedPort + " is unreachable", "unreachable");
    assertThat(failures("127.0.0.1:" + closedPort, "unreachable")).isEqualTo(1);
  }

  private static void assertFails(java.util.concurrent.CompletableFuture<?> future, String message, String reason) {
    assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(PeerUnavailableException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(((PeerUnavailableException) e).reason()).isEqualTo(reason));
  }

  private double failures(String peer, String reason) {
    return registry.get(PeerClient.FAILURES).tag("peer", peer).tag("reason", reason).counter().count();
  }
}
