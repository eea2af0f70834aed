package io.k8spacket.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.EndpointView;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeStoreReaderTest {
  private static final Endpoint SHOP = new Endpoint("10.0.1.5", "shop-1", "shop", "shop", "Deployment",
      EndpointKind.POD, "node-a");
  private static final Endpoint API_1 = new Endpoint("10.0.2.7", "api-1", "shop", "api", "Deployment",
      EndpointKind.POD, "node-b");
  private static final Endpoint API_SVC = new Endpoint("10.96.0.10", "api", "shop", "api", "Service",
      EndpointKind.SERVICE, null);
  private static final EndpointView SHOP_VIEW = new EndpointView("10.0.1.5", "shop-1", "shop", "shop",
      "Deployment", "pod");
  private static final EndpointView API_1_VIEW = new EndpointView("10.0.2.7", "api-1", "shop", "api",
      "Deployment", "pod");

  @Test
  void an_edge_through_a_service_maps_the_service_into_the_sample() {
    EdgeSample s = EdgeStoreReader.sample(60_000, 120_000,
        new EdgeStats(SHOP, API_1, 1L, 0L, 300L, 4000L, 2_000L, 2_000L, 67_000L, API_SVC, List.of(8080, 8443)));

    assertThat(s).isEqualTo(new EdgeSample(60_000, 120_000, SHOP_VIEW, API_1_VIEW,
        new EndpointView("10.96.0.10", "api", "shop", "api", "Service", "service"), 1, 0, 300, 4000, 2_000, 2_000,
        67_000, List.of(8080, 8443)));
  }

  @Test
  void a_direct_edge_has_no_service() {
    EdgeSample s = EdgeStoreReader.sample(60_000, 120_000, new EdgeStats(SHOP, API_1, 1L, 0L, 3L, 4L, 5L, 5L, 67_000L, null, List.of()));

    assertThat(s.service()).isNull();
    assertThat(s).isEqualTo(new EdgeSample(60_000, 120_000, SHOP_VIEW, API_1_VIEW, 1, 0, 3, 4, 5, 5, 67_000));
  }
}
