package io.k8spacket.streams.metadata;

import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import java.util.Objects;

/** One endpoint as a source knows it, without the time it was seen; equal entries mean "no change". */
public record EndpointEntry(String ip, String name, String namespace, String workload, String workloadKind,
    EndpointKind kind, String node) {
  public EndpointEntry {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  /** The Avro value of the metadata topic, stamped with the time the change was seen. */
  public EndpointMetadata toAvro(long changedAtMs) {
    return new EndpointMetadata(ip, name, namespace, workload, workloadKind, kind, node, changedAtMs);
  }
}
