package io.k8spacket.query;

import java.util.Objects;

/**
 * One end of an edge as the query layer sees it: named as of the event time, independent of Avro and Kafka.
 * An IP without metadata has {@code name = ip}, {@code kind = "unknown"} and null namespace/workload.
 *
 * @param kind one of {@code pod}, {@code service}, {@code node}, {@code unknown}
 */
public record EndpointView(String ip, String name, String namespace, String workload, String workloadKind,
    String kind) {
  public EndpointView {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }
}
