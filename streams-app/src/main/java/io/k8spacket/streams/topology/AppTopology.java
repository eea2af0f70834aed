package io.k8spacket.streams.topology;

import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.streams.StreamsAppConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KTable;

/**
 * The process's topology: the TCP page ({@link ConnectionsTopology}) and the TLS page ({@link TlsTopology}) on
 * one builder, both joining the one versioned metadata table (a topic can source one table only, and joins of
 * both pages then run in one sub-topology: the TLS topic needs as many partitions as the metadata topic). The
 * TLS page's first half comes first: it builds the server IP → SNI table that names the TCP page's external
 * servers. Sub-topologies are numbered in the order their nodes are added, so the TCP page then the rest of the
 * TLS page keep the numbers (and task directories) they had before that table.
 */
public final class AppTopology {
  private AppTopology() {}

  /** Builds the whole topology; pure: nothing is started or connected. */
  public static Topology buildTopology(StreamsAppConfig config) {
    StreamsBuilder builder = ConnectionsTopology.newBuilder(config);
    KTable<String, EndpointMetadata> metadata = ConnectionsTopology.metadataTable(builder, config);
    TlsTopology.Handshakes tls = TlsTopology.handshakes(builder, metadata, config);
    ConnectionsTopology.addTo(builder, metadata, tls.serverNames(), config);
    TlsTopology.addTo(tls, metadata, config);
    return builder.build();
  }
}
