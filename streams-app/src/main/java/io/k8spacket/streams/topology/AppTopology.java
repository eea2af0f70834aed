package io.k8spacket.streams.topology;

import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.streams.StreamsAppConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KTable;

/**
 * The process's topology: the TCP page ({@link ConnectionsTopology}) and the TLS page ({@link TlsTopology}) on
 * one builder, both joining the one versioned metadata table (a topic can source one table only, and joins of
 * both pages then run in one sub-topology: the TLS topic needs as many partitions as the metadata topic).
 */
public final class AppTopology {
  private AppTopology() {}

  /** Builds the whole topology; pure: nothing is started or connected. */
  public static Topology buildTopology(StreamsAppConfig config) {
    StreamsBuilder builder = ConnectionsTopology.newBuilder(config);
    KTable<String, EndpointMetadata> metadata = ConnectionsTopology.metadataTable(builder, config);
    ConnectionsTopology.addTo(builder, metadata, config);
    TlsTopology.addTo(builder, metadata, config);
    return builder.build();
  }
}
