package io.k8spacket.streams.metadata.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.k8spacket.streams.metadata.IpLiterals;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Index of Services and their EndpointSlices (discovery.k8s.io/v1): which backend IP and port a connection to
 * a Service's cluster IP and port can reach. Fed by the informers; thread-safe.
 *
 * <p>Example: Service {@code shop/web} with cluster IP 10.96.0.20, port 80 (name {@code http}) → targetPort
 * 8080, and a slice with port {@code http}: 8080 and endpoints 10.0.0.5 (ready), 10.0.0.6 (not ready):
 * {@code backendsOf("10.96.0.20", 80)} = [10.0.0.5:8080 ready, 10.0.0.6:8080 not ready].
 */
public final class ServiceBackends {
  /** One backend of a Service port: the pod IP and the port the traffic reaches there. */
  public record Backend(String ip, int port, boolean ready) {
    public Backend {
      Objects.requireNonNull(ip, "ip");
    }
  }

  private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final Map<String, String> serviceByIp = new HashMap<>();           // cluster IP → ns/name
  private final Map<String, Service> services = new HashMap<>();             // ns/name → Service
  private final Map<String, Map<String, EndpointSlice>> slices = new HashMap<>(); // ns/service → name → slice

  /** Backends of {@code serviceIp:port} (TCP), in IP order; empty when the IP is no known Service's. */
  public synchronized List<Backend> backendsOf(String serviceIp, int port) {
    String key;
    try {
      key = serviceByIp.get(IpLiterals.canonical(serviceIp));
    } catch (IllegalArgumentException e) {
      return List.of();
    }
    Service service = key == null ? null : services.get(key);
    if (service == null || service.getSpec().getPorts() == null) {
      return List.of();
    }
    ServicePort servicePort = service.getSpec().getPorts().stream()
        .filter(p -> p.getPort() != null && p.getPort() == port && isTcp(p.getProtocol()))
        .findFirst().orElse(null);
    if (servicePort == null) {
      return List.of();
    }
    String portName = nameOf(servicePort.getName());
    List<Backend> backends = new ArrayList<>();
    for (EndpointSlice slice : slices.getOrDefault(key, Map.of()).values()) {
      Integer target = slice.getPorts() == null ? null : slice.getPorts().stream()
          .filter(p -> nameOf(p.getName()).equals(portName) && isTcp(p.getProtocol()) && p.getPort() != null)
          .map(EndpointPort::getPort).findFirst().orElse(null);
      if (target == null || slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        boolean ready = endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
            || endpoint.getConditions().getReady();
        for (String address : endpoint.getAddresses() == null ? List.<String>of() : endpoint.getAddresses()) {
          canonical(address).ifPresent(ip -> backends.add(new Backend(ip, target, ready)));
        }
      }
    }
    backends.sort(Comparator.comparing(Backend::ip).thenComparingInt(Backend::port));
    return List.copyOf(backends);
  }

  synchronized void putService(Service service) {
    removeService(service);
    String key = keyOf(service.getMetadata().getNamespace(), service.getMetadata().getName());
    services.put(key, service);
    for (String ip : Claims.ofService(service).keySet()) {
      serviceByIp.put(ip, key);
    }
  }

  synchronized void removeService(Service service) {
    String key = keyOf(service.getMetadata().getNamespace(), service.getMetadata().getName());
    services.remove(key);
    serviceByIp.values().removeIf(key::equals);
  }

  synchronized void putSlice(EndpointSlice slice) {
    String service = serviceOf(slice);
    if (service != null) {
      slices.computeIfAbsent(service, k -> new HashMap<>()).put(slice.getMetadata().getName(), slice);
    }
  }

  synchronized void removeSlice(EndpointSlice slice) {
    String service = serviceOf(slice);
    Map<String, EndpointSlice> ofService = service == null ? null : slices.get(service);
    if (ofService != null) {
      ofService.remove(slice.getMetadata().getName());
      if (ofService.isEmpty()) {
        slices.remove(service);
      }
    }
  }

  synchronized int sliceCount() {
    return slices.values().stream().mapToInt(Map::size).sum();
  }

  private static String serviceOf(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
    return name == null ? null : keyOf(slice.getMetadata().getNamespace(), name);
  }

  private static String keyOf(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String nameOf(String portName) {
    return portName == null ? "" : portName;
  }

  private static boolean isTcp(String protocol) {
    return protocol == null || "TCP".equals(protocol);
  }

  private static Optional<String> canonical(String ip) {
    try {
      return Optional.of(IpLiterals.canonical(ip));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
