package io.k8spacket.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.Resources;
import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.event.TcpConnection.CloseKind;
import io.k8spacket.agent.event.TcpConnection.Observer;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.pipeline.CollectingSink;
import io.k8spacket.agent.pipeline.EventPump;
import io.k8spacket.agent.pipeline.TcpRecords;
import io.k8spacket.testsupport.net.LiveConnection;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.net.Traffic;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress reports of open connections, from the real programs through the real reader and ledger: a connection
 * kept open while it sends shows up (both sockets) before it closes, each report carries only what is new, and
 * the reports plus the close add up to exactly the bytes sent.
 */
class ProgressReportIT {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReportIT.class);
  private static final int NETWORK = 3;
  private static final Duration REPORT_INTERVAL = Duration.ofMillis(100);
  private static TestNetwork net;
  private static TcpProbe probe;
  private static RingBufferReader ring;
  private static EventPump pump;
  private static final CollectingSink SINK = new CollectingSink();

  @BeforeAll
  static void attach() {
    TestNetwork.assumeRoot("loads BPF programs into the kernel and creates network namespaces");
    net = TestNetwork.create(NETWORK, 2);
    probe = TcpProbe.attach(new TcpProbe.Options(1 << 20, true, true));
    assertThat(probe.reportsEnabled()).as("this kernel has sock_send_length (6.3+)").isTrue();
    ring = new RingBufferReader(probe.ringFd(), probe.ringBytes());
    AgentMetrics metrics = new AgentMetrics();
    BootClock clock = BootClock.system();
    pump = new EventPump(ring, new TcpRecords(clock, SINK, metrics, probe::requestReports, REPORT_INTERVAL), clock,
        Duration.ofMillis(5), 1024, "progress-report-it").start();
  }

  @AfterAll
  static void detach() throws Exception {
    Resources.closeAll(pump, ring, probe, net);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"IPV4", "IPV6"})
  void an_open_connection_reports_deltas_that_add_up_to_its_exact_bytes(String family) throws Exception {
    InetAddress serverAddress = family.equals("IPV4") ? net.host(2).ipv4() : net.host(2).ipv6();
    LiveConnection connection = LiveConnection.open(net.host(1), net.host(2), serverAddress);
    Traffic.Result r = connection.endpoints();

    // keep talking until each socket has reported at least three times while open
    await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
      connection.exchange(10_000, 777);
      return reports(r, Observer.CLIENT).size() >= 3 && reports(r, Observer.SERVER).size() >= 3;
    });
    long openUntilNs = System.currentTimeMillis() * 1_000_000L;
    connection.exchange(123, 45);
    connection.close();

    await().atMost(10, TimeUnit.SECONDS).until(() -> closes(r).size() == 2);
    for (Observer observer : Observer.values()) {
      List<TcpConnection> all = matching(r, observer);
      List<TcpConnection> reports = reports(r, observer);
      TcpConnection close = all.stream().filter(c -> c.closeKind() != CloseKind.OPEN).findFirst().orElseThrow();
      LOG.info("{} {}: {} reports, then close with {}/{} of {}/{} bytes", family, observer, reports.size(),
          close.bytesClientToServer(), close.bytesServerToClient(), connection.clientSent(),
          connection.serverSent());
      assertThat(all.stream().mapToLong(TcpConnection::bytesClientToServer).sum())
          .as("%s bytes client->server over reports and close", observer).isEqualTo(connection.clientSent());
      assertThat(all.stream().mapToLong(TcpConnection::bytesServerToClient).sum())
          .as("%s bytes server->client over reports and close", observer).isEqualTo(connection.serverSent());
      assertThat(close.closeKind()).isEqualTo(CloseKind.NORMAL);
      assertThat(close.bytesClientToServer()).as("the close carries only the remainder")
          .isLessThan(connection.clientSent());
      assertThat(reports).allSatisfy(report -> {
        assertThat(report.bytesClientToServer() + report.bytesServerToClient()).as("a report has new bytes")
            .isPositive();
        assertThat(report.openBootNs()).isEqualTo(close.openBootNs());
        assertThat(report.closeEpochNs()).isLessThan(close.closeEpochNs());
      });
      assertThat(reports.get(0).closeEpochNs()).as("first report while the connection was open")
          .isLessThan(openUntilNs);
      assertThat(reports).extracting(TcpConnection::closeEpochNs).isSorted();
    }
    assertThat(probe.counters().get(KernelCounters.REPORTS)).isGreaterThanOrEqualTo(6);
    assertThat(probe.counters().get(KernelCounters.RINGBUF_DROPS)).isZero();
  }

  private static List<TcpConnection> reports(Traffic.Result r, Observer observer) {
    return matching(r, observer).stream().filter(c -> c.closeKind() == CloseKind.OPEN).toList();
  }

  private static List<TcpConnection> closes(Traffic.Result r) {
    return SINK.received().stream().filter(c -> c.closeKind() != CloseKind.OPEN && same(r, c)).toList();
  }

  private static List<TcpConnection> matching(Traffic.Result r, Observer observer) {
    return SINK.received().stream().filter(c -> c.observer() == observer && same(r, c)).toList();
  }

  private static boolean same(Traffic.Result r, TcpConnection c) {
    return r.client().getAddress().equals(c.client()) && r.client().getPort() == c.clientPort()
        && r.server().getAddress().equals(c.server()) && r.server().getPort() == c.serverPort();
  }
}
