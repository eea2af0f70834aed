package io.k8spacket.streams.metadata.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.k8spacket.streams.metadata.k8s.ServiceBackends.Backend;
import org.junit.jupiter.api.Test;

class ServiceBackendsTest {
  private final ServiceBackends index = new ServiceBackends();

  @Test
  void a_service_port_leads_to_the_ready_and_unready_endpoints_of_its_slices_at_the_target_port() {
    index.putService(web());
    index.putSlice(slice("web-abc12", "http", 8080, endpoint("10.0.0.5", true), endpoint("10.0.0.6", false)));
    index.putSlice(slice("web-def34", "http", 8080, endpoint("10.0.0.7", null)));

    assertThat(index.backendsOf("10.96.0.20", 80)).containsExactly(
        new Backend("10.0.0.5", 8080, true), new Backend("10.0.0.6", 8080, false),
        new Backend("10.0.0.7", 8080, true));
    assertThat(index.backendsOf("10.96.0.20", 9090)).extracting(Backend::port).containsOnly(9091);
    assertThat(index.backendsOf("10.96.0.20", 53)).as("UDP ports are not looked up").isEmpty();
    assertThat(index.backendsOf("fd00:96:0:0:0:0:0:20", 80)).as("IPv6 cluster IP, any spelling").hasSize(3);
  }

  @Test
  void unknown_ips_ports_and_removed_objects_have_no_backends() {
    index.putService(web());
    EndpointSlice slice = slice("web-abc12", "http", 8080, endpoint("10.0.0.5", true));
    index.putSlice(slice);

    assertThat(index.backendsOf("10.96.0.99", 80)).isEmpty();
    assertThat(index.backendsOf("10.96.0.20", 443)).isEmpty();
    assertThat(index.backendsOf("not-an-ip", 80)).isEmpty();
    index.removeSlice(slice);
    assertThat(index.backendsOf("10.96.0.20", 80)).isEmpty();
    index.putSlice(slice);
    index.removeService(web());
    assertThat(index.backendsOf("10.96.0.20", 80)).isEmpty();
  }

  @Test
  void a_changed_cluster_ip_forgets_the_old_one() {
    index.putService(web());
    index.putSlice(slice("web-abc12", "http", 8080, endpoint("10.0.0.5", true)));
    index.putService(new ServiceBuilder(web()).editSpec().withClusterIP("10.96.0.21")
        .withClusterIPs("10.96.0.21").endSpec().build());

    assertThat(index.backendsOf("10.96.0.20", 80)).isEmpty();
    assertThat(index.backendsOf("10.96.0.21", 80)).containsExactly(new Backend("10.0.0.5", 8080, true));
  }

  private static Service web() {
    return new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web").endMetadata()
        .withNewSpec().withClusterIP("10.96.0.20").withClusterIPs("10.96.0.20", "fd00:96::20")
        .addNewPort().withName("http").withPort(80).withNewTargetPort("http").endPort()
        .addNewPort().withName("metrics").withPort(9090).withNewTargetPort(9091).endPort()
        .addNewPort().withName("dns").withProtocol("UDP").withPort(53).withNewTargetPort(53).endPort()
        .endSpec().build();
  }

  private static EndpointSlice slice(String name, String portName, int port,
      io.fabric8.kubernetes.api.model.discovery.v1.Endpoint... endpoints) {
    return new EndpointSliceBuilder().withNewMetadata().withNamespace("shop").withName(name)
        .addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort()
        .addNewPort().withName("metrics").withPort(9091).withProtocol("TCP").endPort()
        .withEndpoints(endpoints).build();
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String ip, Boolean ready) {
    return new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(ready).endConditions().build();
  }
}
