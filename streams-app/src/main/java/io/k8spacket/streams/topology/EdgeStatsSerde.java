package io.k8spacket.streams.topology;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.schema.AvroSerde;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serde of the edge stores: writes {@link EdgeStats} as {@link AvroSerde} does, and also reads values
 * written before the {@code service} field existed (their single-object fingerprint is the schema without it),
 * resolved with {@code service = null} ({@link CompatibleSerde}). Without this, an upgraded instance could not read
 * the windows its changelog restores, and the aggregator would fail on the first connection of an existing edge.
 */
public final class EdgeStatsSerde {
  /** The schema before {@code service} was appended (its fingerprint is what old values carry). */
  static final Schema BEFORE_SERVICE = CompatibleSerde.without(EdgeStats.getClassSchema(), "service");

  private EdgeStatsSerde() {}

  /** The serde; encodes the current schema, decodes the current and the earlier one. */
  public static Serde<EdgeStats> create() {
    return CompatibleSerde.of(EdgeStats.class, BEFORE_SERVICE);
  }
}
