package io.k8spacket.streams.topology;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.schema.AvroSerde;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serde of the edge stores: writes {@link EdgeStats} as {@link AvroSerde} does, and also reads values
 * written before the {@code serverPorts} field existed, and before {@code service} existed (their single-object
 * fingerprints are those schemas), resolved with the fields' defaults ({@link CompatibleSerde}). Without this, an
 * upgraded instance could not read the windows its changelog restores, and the aggregator would fail on the first
 * connection of an existing edge.
 */
public final class EdgeStatsSerde {
  /** The schema before {@code serverPorts} was appended. */
  static final Schema BEFORE_PORTS = CompatibleSerde.without(EdgeStats.getClassSchema(), "serverPorts");
  /** The schema before {@code service} was appended (its fingerprint is what the oldest values carry). */
  static final Schema BEFORE_SERVICE = CompatibleSerde.without(EdgeStats.getClassSchema(), "service", "serverPorts");

  private EdgeStatsSerde() {}

  /** The serde; encodes the current schema, decodes the current and the earlier ones. */
  public static Serde<EdgeStats> create() {
    return CompatibleSerde.of(EdgeStats.class, BEFORE_PORTS, BEFORE_SERVICE);
  }
}
