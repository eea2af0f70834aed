package io.k8spacket.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.Resources;
import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.event.TcpConnection.AddressFamily;
import io.k8spacket.agent.event.TcpConnection.CloseKind;
import io.k8spacket.agent.event.TcpConnection.Observer;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.pipeline.CollectingSink;
import io.k8spacket.agent.pipeline.EventPump;
import io.k8spacket.testsupport.net.TestHost;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.net.Traffic;
import io.k8spacket.testsupport.net.Traffic.CloseOrder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real TCP probe in this kernel, read through the real ring-buffer reader, against real connections between
 * two test hosts (network namespaces on this machine, so both the client and the server socket are observed).
 * Every number asserted is exact: the traffic sends known byte counts.
 */
class TcpProbeIT {
  private static final Logger LOG = LoggerFactory.getLogger(TcpProbeIT.class);
  private static final int NETWORK = 1;
  private static TestNetwork net;
  private static TcpProbe probe;
  private static RingBufferReader ring;
  private static EventPump pump;
  private static final CollectingSink SINK = new CollectingSink();

  @BeforeAll
  static void attach() {
    TestNetwork.assumeRoot("loads a BPF program into the kernel and creates network namespaces");
    net = TestNetwork.create(NETWORK, 2);
    probe = TcpProbe.attach(new TcpProbe.Options(1 << 20, true, false));
    ring = new RingBufferReader(probe.ringFd(), probe.ringBytes());
    pump = new EventPump(ring, BootClock.system(), SINK, new AgentMetrics(), Duration.ofMillis(5), 1024).start();
  }

  @AfterAll
  static void detach() throws Exception {
    Resources.closeAll(pump, ring, probe, net);
  }


  @ParameterizedTest(name = "{0} {1}/{2} bytes, {3}")
  @CsvSource({
      "IPV4, 123457, 765433, CLIENT_FIRST, NORMAL",
      "IPV4, 1, 0, SERVER_FIRST, NORMAL",
      "IPV4, 0, 5, CLIENT_FIRST, NORMAL",
      "IPV4, 70000, 3, SERVER_FIRST, NORMAL",
      "IPV4, 3000, 4000, CLIENT_RESET, RESET",
      "IPV6, 123457, 765433, SERVER_FIRST, NORMAL",
      "IPV6, 1, 0, CLIENT_FIRST, NORMAL",
      "IPV6, 0, 5, SERVER_FIRST, NORMAL",
      "IPV6, 70000, 3, CLIENT_FIRST, NORMAL",
      "IPV6, 100, 2000, SERVER_RESET, RESET",
  })
  void both_sockets_report_exact_bytes_endpoints_and_close_kind(AddressFamily family, long request, long response,
      CloseOrder order, CloseKind expectedKind) throws Exception {
    TestHost client = net.host(1);
    TestHost server = net.host(2);
    InetAddress serverAddress = family == AddressFamily.IPV4 ? server.ipv4() : server.ipv6();
    long before = System.currentTimeMillis() * 1_000_000;

    Traffic.Result r = Traffic.exchange(client, server, serverAddress, request, response, order);

    List<TcpConnection> seen = awaitBothSides(r);
    for (TcpConnection c : seen) {
      LOG.info("{} {} {}->{}: c2s={} s2c={} segs={}/{} kind={} srtt={}us", family, c.observer(), r.client(),
          r.server(), c.bytesClientToServer(), c.bytesServerToClient(), c.segmentsClientToServer(),
          c.segmentsServerToClient(), c.closeKind(), c.srttMicros());
      assertThat(c.family()).isEqualTo(family);
      assertThat(c.bytesClientToServer()).as("bytes client->server seen by %s", c.observer()).isEqualTo(request);
      assertThat(c.bytesServerToClient()).as("bytes server->client seen by %s", c.observer()).isEqualTo(response);
      assertThat(c.closeKind()).as("close kind seen by %s", c.observer()).isEqualTo(expectedKind);
      assertThat(c.segmentsClientToServer()).isPositive();
      assertThat(c.segmentsServerToClient()).isPositive();
      assertThat(c.openEpochNs()).isGreaterThan(before - 1_000_000_000L).isLessThan(c.closeEpochNs());
      assertThat(c.closeEpochNs()).isLessThan(System.currentTimeMillis() * 1_000_000 + 1_000_000_000L);
      assertThat(c.netnsCookie()).isPositive();
    }
    TcpConnection clientSide = only(seen, Observer.CLIENT);
    TcpConnection serverSide = only(seen, Observer.SERVER);
    assertThat(clientSide.netnsInode()).isEqualTo(namespaceInode(client));
    assertThat(serverSide.netnsInode()).isEqualTo(namespaceInode(server));
    assertThat(clientSide.netnsCookie()).isNotEqualTo(serverSide.netnsCookie());
  }

  @Test
  void a_dual_stack_socket_with_ipv4_mapped_addresses_is_reported_as_ipv4() throws Exception {
    TestHost client = net.host(1);
    TestHost server = net.host(2);

    Traffic.Result r = Traffic.exchange(client, client.ipv4(), server, server.ipv4(), 4321, 1234,
        CloseOrder.CLIENT_FIRST, true);

    for (TcpConnection c : awaitBothSides(r)) {
      assertThat(c.family()).isEqualTo(AddressFamily.IPV4);
      assertThat(c.bytesClientToServer()).isEqualTo(4321);
      assertThat(c.bytesServerToClient()).isEqualTo(1234);
      assertThat(c.closeKind()).isEqualTo(CloseKind.NORMAL);
    }
  }

  @ParameterizedTest
  @CsvSource({"IPV4", "IPV6"})
  void a_refused_connection_is_never_established_and_has_no_server_side(AddressFamily family) throws Exception {
    TestHost client = net.host(1);
    TestHost server = net.host(2);
    InetAddress serverAddress = family == AddressFamily.IPV4 ? server.ipv4() : server.ipv6();
    int port = Traffic.closedPort(server, serverAddress);

    Traffic.Result r = Traffic.refused(client, serverAddress, port);

    await().atMost(10, TimeUnit.SECONDS).until(() -> matching(r).size() == 1);
    TcpConnection c = matching(r).get(0);
    LOG.info("{} refused {}->{}: c2s={} s2c={} segs={}/{} kind={}", family, r.client(), r.server(),
        c.bytesClientToServer(), c.bytesServerToClient(), c.segmentsClientToServer(), c.segmentsServerToClient(),
        c.closeKind());
    assertThat(c.observer()).isEqualTo(Observer.CLIENT);
    assertThat(c.closeKind()).isEqualTo(CloseKind.NEVER_ESTABLISHED);
    assertThat(c.bytesClientToServer()).isZero();
    assertThat(c.bytesServerToClient()).isZero();
    assertThat(c.segmentsClientToServer()).isPositive(); // the SYN
    assertThat(c.family()).isEqualTo(family);
  }

  @Test
  void loopback_connections_are_ignored_by_default() throws Exception {
    TestHost host = net.host(1);
    InetAddress v4 = InetAddress.getByName("127.0.0.1");
    InetAddress v6 = InetAddress.getByName("::1");
    Traffic.Result loop4 = Traffic.exchange(host, v4, host, v4, 10, 20, CloseOrder.CLIENT_FIRST, false);
    Traffic.Result loop6 = Traffic.exchange(host, v6, host, v6, 10, 20, CloseOrder.CLIENT_FIRST, false);
    Traffic.Result mapped = Traffic.exchange(host, v4, host, v4, 10, 20, CloseOrder.SERVER_FIRST, true);

    // events arrive in close order: once a later marker connection is seen, the loopback ones would have been
    Traffic.Result marker = Traffic.exchange(host, net.host(2), net.host(2).ipv4(), 1, 1, CloseOrder.CLIENT_FIRST);
    awaitBothSides(marker);

    assertThat(SINK.received()).noneMatch(c -> c.client().isLoopbackAddress() || c.server().isLoopbackAddress());
    assertThat(matching(loop4)).isEmpty();
    assertThat(matching(loop6)).isEmpty();
    assertThat(matching(mapped)).isEmpty();
  }

  @Test
  void loopback_connections_are_reported_when_the_knob_is_off() throws Exception {
    CollectingSink all = new CollectingSink();
    try (TcpProbe second = TcpProbe.attach(new TcpProbe.Options(1 << 16, false, false));
        RingBufferReader secondRing = new RingBufferReader(second.ringFd(), second.ringBytes());
        EventPump secondPump = new EventPump(secondRing, BootClock.system(), all, new AgentMetrics(),
            Duration.ofMillis(5), 1024).start()) {
      InetAddress v4 = InetAddress.getByName("127.0.0.1");
      Traffic.Result r = Traffic.exchange(net.host(1), v4, net.host(1), v4, 10, 20, CloseOrder.CLIENT_FIRST, false);

      await().atMost(10, TimeUnit.SECONDS).until(() -> all.received().stream()
          .filter(c -> c.clientPort() == r.client().getPort() && c.serverPort() == r.server().getPort()
              && c.client().equals(v4) && c.bytesClientToServer() == 10 && c.bytesServerToClient() == 20)
          .count() == 2);
    }
  }

  @Test
  void kernel_counters_count_events_and_no_drops() throws Exception {
    long events = probe.counters().get(KernelCounters.EVENTS);
    Traffic.Result r = Traffic.exchange(net.host(1), net.host(2), net.host(2).ipv4(), 5, 5, CloseOrder.CLIENT_FIRST);
    awaitBothSides(r);

    assertThat(probe.counters().get(KernelCounters.EVENTS)).isGreaterThanOrEqualTo(events + 2);
    assertThat(probe.counters().get(KernelCounters.RINGBUF_DROPS)).isZero();
  }

  private static List<TcpConnection> awaitBothSides(Traffic.Result r) {
    await().atMost(10, TimeUnit.SECONDS).alias("both sides of " + r + " among " + SINK.received())
        .until(() -> matching(r).size() >= 2);
    List<TcpConnection> seen = matching(r);
    assertThat(seen).extracting(TcpConnection::observer).containsExactlyInAnyOrder(Observer.CLIENT, Observer.SERVER);
    return seen;
  }

  private static List<TcpConnection> matching(Traffic.Result r) {
    return SINK.received().stream()
        .filter(c -> same(r.client(), c.client(), c.clientPort()) && same(r.server(), c.server(), c.serverPort()))
        .toList();
  }

  private static boolean same(InetSocketAddress expected, InetAddress address, int port) {
    return expected.getAddress().equals(address) && expected.getPort() == port;
  }

  private static TcpConnection only(List<TcpConnection> seen, Observer observer) {
    return seen.stream().filter(c -> c.observer() == observer).findFirst().orElseThrow();
  }

  private static long namespaceInode(TestHost host) throws Exception {
    return ((Number) Files.getAttribute(Path.of("/var/run/netns", host.namespace()), "unix:ino")).longValue();
  }
}
