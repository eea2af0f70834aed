package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.TlsFixtures.API_LEAF;
import static io.k8spacket.streams.topology.TlsFixtures.API_LEAF_ROTATED;
import static io.k8spacket.streams.topology.TlsFixtures.SHOP_CA;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.Certificate;
import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAggregatorTest {
  static final String KEY = "10.0.0.2:443|api.shop";
  static final Endpoint API = pod("10.0.0.2", "api-0", "api");

  final CertificateAggregator aggregator = new CertificateAggregator(2);

  static Endpoint pod(String ip, String name, String workload) {
    return new Endpoint(ip, name, "shop", workload, "Deployment", EndpointKind.POD, "node-1");
  }

  static Certificate seen(long atMs, List<CertificateInfo> chain, CertificateSource source, Endpoint... clients) {
    return new Certificate("10.0.0.2", 443, "api.shop", clients.length == 0 ? null : API, source, chain, atMs, atMs,
        List.of(clients));
  }

  Certificate fold(Certificate... observations) {
    Certificate entry = CertificateAggregator.empty();
    for (Certificate c : observations) {
      entry = aggregator.apply(KEY, c, entry);
    }
    return entry;
  }

  @Test
  void clients_are_distinct_by_workload_most_recent_last_and_bounded() {
    Certificate entry = fold(
        seen(T0, List.of(API_LEAF), CertificateSource.HANDSHAKE, pod("10.0.0.1", "web-1", "web")),
        seen(T0 + 1, List.of(), CertificateSource.NONE, pod("10.0.0.5", "web-2", "web")),
        seen(T0 + 2, List.of(), CertificateSource.NONE, pod("10.0.0.6", "cart-1", "cart")),
        seen(T0 + 3, List.of(), CertificateSource.NONE, pod("10.0.0.7", "pay-1", "pay")));

    assertThat(entry.getClients()).extracting(Endpoint::getName).containsExactly("cart-1", "pay-1");
  }

  @Test
  void a_newer_leaf_restarts_first_seen_and_the_same_leaf_keeps_it() {
    Certificate same = fold(
        seen(T0 + 10, List.of(API_LEAF, SHOP_CA), CertificateSource.HANDSHAKE, pod("10.0.0.1", "web-1", "web")),
        seen(T0 + 20, List.of(API_LEAF, SHOP_CA), CertificateSource.ACTIVE_FETCH));
    Certificate rotated = fold(
        seen(T0 + 10, List.of(API_LEAF, SHOP_CA), CertificateSource.HANDSHAKE, pod("10.0.0.1", "web-1", "web")),
        seen(T0 + 20, List.of(API_LEAF_ROTATED, SHOP_CA), CertificateSource.HANDSHAKE,
            pod("10.0.0.1", "web-1", "web")));

    assertThat(same.getFirstSeenMs()).isEqualTo(T0 + 10);
    assertThat(same.getSource()).isEqualTo(CertificateSource.ACTIVE_FETCH);
    assertThat(same.getServer()).as("a fetch names nobody; the handshake's name stays").isEqualTo(API);
    assertThat(rotated.getFirstSeenMs()).isEqualTo(T0 + 20);
    assertThat(rotated.getChain().get(0)).isEqualTo(API_LEAF_ROTATED);
  }

  @Test
  void an_older_chain_arriving_late_does_not_replace_the_newer_one() {
    Certificate entry = fold(
        seen(T0 + 20, List.of(API_LEAF_ROTATED), CertificateSource.HANDSHAKE, pod("10.0.0.1", "web-1", "web")),
        seen(T0 + 10, List.of(API_LEAF), CertificateSource.HANDSHAKE, pod("10.0.0.1", "web-1", "web")));

    assertThat(entry.getChain()).containsExactly(API_LEAF_ROTATED);
    assertThat(entry.getFirstSeenMs()).isEqualTo(T0 + 20);
    assertThat(entry.getLastSeenMs()).isEqualTo(T0 + 20);
  }

  @Test
  void a_handshake_without_a_chain_never_removes_one() {
    Certificate entry = fold(
        seen(T0 + 10, List.of(API_LEAF), CertificateSource.HANDSHAKE, pod("10.0.0.1", "web-1", "web")),
        seen(T0 + 20, List.of(), CertificateSource.NONE, pod("10.0.0.1", "web-1", "web")));

    assertThat(entry.getChain()).containsExactly(API_LEAF);
    assertThat(entry.getSource()).isEqualTo(CertificateSource.HANDSHAKE);
    assertThat(entry.getLastSeenMs()).isEqualTo(T0 + 20);
  }
}
