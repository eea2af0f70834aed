package io.k8spacket.streams.topology;

import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import java.util.Objects;

/**
 * Label values of the streams metrics for an endpoint, the same for every metric: endpoints without metadata
 * are {@value #EXTERNAL} (so external IPs do not multiply series), a workload falls back to the name (service,
 * node, bare pod).
 */
final class MetricLabels {
  static final String EXTERNAL = "external";

  private MetricLabels() {}

  /** The namespace, {@code ""} when none or unknown. */
  static String namespace(Endpoint e) {
    return e.getKind() == EndpointKind.UNKNOWN ? "" : Objects.toString(e.getNamespace(), "");
  }

  /** The workload, else the name; {@value #EXTERNAL} without metadata. */
  static String workload(Endpoint e) {
    return e.getKind() == EndpointKind.UNKNOWN ? EXTERNAL : Objects.requireNonNullElse(e.getWorkload(), e.getName());
  }

  /** The pod (or other) name; {@value #EXTERNAL} without metadata. */
  static String pod(Endpoint e) {
    return e.getKind() == EndpointKind.UNKNOWN ? EXTERNAL : Objects.toString(e.getName(), "");
  }
}
