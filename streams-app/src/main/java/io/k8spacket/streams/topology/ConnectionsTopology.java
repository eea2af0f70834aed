package io.k8spacket.streams.topology;

import io.k8spacket.avro.Connection;
import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.streams.StreamsAppConfig;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;

/**
 * The TCP topology, on one page: raw events in (progress reports of open connections and closes), each
 * connection counted once, both ends named as of the event time, enriched records out, and windowed statistics
 * per (client, server) edge for the query API.
 *
 * <pre>
 * k8spacket.tcp.v1 (key client IP, event time = close time, or report time for a progress report)
 *   → left join metadata by client IP ─┐   k8spacket.metadata.v1 → versioned table {@value #METADATA_STORE}
 *   → re-key by server IP, repartition {@value #BY_SERVER_IP}
 *   → left join metadata by server IP ─┘   (the same table, so both joins run in one sub-topology)
 *   → no metadata: left join server IP → SNI ({@link TlsTopology#SERVER_NAME_STORE}), else a cached PTR name
 *   → re-key by client IP, repartition {@value #BY_CLIENT_IP}
 *   → count-once per socket, client side preferred, merged (stores {@value #COUNT_ONCE_STORE},
 *     {@value #COUNT_ONCE_DUE_STORE}): one socket's reports and close all count, or none of them
 *   → traffic metrics ({@link ConnectionMetrics}: connections, bytes, durations by workload pair)
 *   ├→ re-key by client workload → k8spacket.connections.v1 (closes and progress reports, closeKind OPEN)
 *   └→ group by edge, repartition {@value #BY_EDGE} → 1-minute windows → {@value #EDGE_STORE}
 *                                                    └→ 1-hour windows → {@value #EDGE_ROLLUP_STORE}
 * </pre>
 *
 * <p>Worked example: pod {@code web-1} (10.0.0.1) opens a connection to pod {@code db-0} (10.0.0.2:5432) on
 * the same node and closes it at 10:00:30.5. Two events arrive, the client socket's and the server socket's;
 * both are named, and the client socket's is counted (the server socket's, if first, waits for it at most
 * the twin wait). The connection is named web-1 → db-0 by the metadata valid at
 * 10:00:30.5, written once to the connections topic, and the edge {@code 10.0.0.1|web-1|shop|web>10.0.0.2|
 * db-0|shop|db} of window [10:00, 10:01) gets connCount 1 and its bytes.
 *
 * <p>Long-lived: the same connection opens at 09:58:10 and each socket reports every 15 s (bytes since its
 * previous report) until the close at 10:00:30.5 (the remainder). The client socket's records are counted, the
 * server socket's dropped; each report adds its bytes to the window of its time (09:58, 09:59, 10:00) and
 * nothing else; the close adds its remainder, connCount 1 and the duration 140.5 s to window 10:00. Summing the
 * windows gives the connection's totals; the connections topic carries every report and the close.
 *
 * <p>Through a Service: pod 10.0.1.5:41000 connects to ClusterIP 10.96.0.10:80 (kind SERVICE); kube-proxy
 * sends it to pod 10.0.2.7:8080 on another node. The client socket reports 10.0.1.5:41000 → 10.96.0.10:80,
 * the server socket 10.0.1.5:41000 → 10.0.2.7:8080; they pair by client IP and port, and one connection is
 * counted: the client side's, with server = the backend pod (port 8080) and service = the Service (port 80).
 * Its edge key ends with the Service's identity ({@code …>10.0.2.7|api-1|shop|api>10.96.0.10|api|shop|api}), so
 * it stays apart from direct connections to the backend, and the edge's {@code service} is set.
 */
public final class ConnectionsTopology {
  /** Windowed store of {@link EdgeStats} per edge key; read by the query API. */
  public static final String EDGE_STORE = "edge-stats";
  /** The same statistics in coarse windows ({@code ROLLUP_WINDOW_SIZE}), for the whole periods of long ranges. */
  public static final String EDGE_ROLLUP_STORE = "edge-stats-rollup";
  /** Versioned store of the metadata table (IP → who held it, over time). */
  public static final String METADATA_STORE = "endpoint-metadata";
  /** Key-value store of observations waiting for their twin (held or already counted). */
  public static final String COUNT_ONCE_STORE = "count-once-pending";
  /** Key-value index of those observations by deadline (end of the hold, end of the match retention). */
  public static final String COUNT_ONCE_DUE_STORE = "count-once-due";
  /** Repartition (by server IP) before the server-side join. */
  public static final String BY_SERVER_IP = "connections-by-server-ip";
  /** Repartition (by client IP) before count-once, so both sockets' observations meet after naming. */
  public static final String BY_CLIENT_IP = "connections-by-client-ip";
  /** Repartition (by edge key) before the windowed aggregation. */
  public static final String BY_EDGE = "connections-by-edge";

  private ConnectionsTopology() {}

  /**
   * Builds the TCP page alone; pure: nothing is started or connected. Without the TLS page there is no SNI
   * table, so external servers are named by IP (or PTR name). The process runs {@link AppTopology#buildTopology},
   * which adds this page and the TLS page to one builder.
   */
  public static Topology buildTopology(StreamsAppConfig config) {
    StreamsBuilder builder = newBuilder(config);
    addTo(builder, metadataTable(builder, config), null, config);
    return builder.build();
  }

  /** A builder with the process's topology settings. */
  static StreamsBuilder newBuilder(StreamsAppConfig config) {
    return new StreamsBuilder(new TopologyConfig(new StreamsConfig(config.streamsProperties())));
  }

  /**
   * IP → metadata as one versioned table (store {@value #METADATA_STORE}), so a join sees who held the IP at
   * the stream record's time. Every page joins this one table: a topic can be the source of one table only.
   */
  static KTable<String, EndpointMetadata> metadataTable(StreamsBuilder builder, StreamsAppConfig config) {
    Serde<EndpointMetadata> metadataSerde = AvroSerde.of(EndpointMetadata.class);
    return builder.table(config.metadataTopic(),
        Consumed.with(Serdes.String(), metadataSerde).withName("metadata"),
        Materialized.<String, EndpointMetadata>as(
                Stores.persistentVersionedKeyValueStore(METADATA_STORE, config.metadataHistoryRetention()))
            .withKeySerde(Serdes.String()).withValueSerde(metadataSerde));
  }

  /**
   * Adds the TCP page to {@code builder}, joining {@code metadata} and, when not null, {@code serverNames}
   * (server IP → SNI, versioned; built by {@link TlsTopology#addTo}); see the class comment.
   */
  static void addTo(StreamsBuilder builder, KTable<String, EndpointMetadata> metadata,
      KTable<String, String> serverNames, StreamsAppConfig config) {
    Serde<String> keys = Serdes.String();
    // both read the previous release's records too: agents not upgraded yet, repartition records in flight
    Serde<TcpConnectionEvent> events = CompatibleSerde.tcpEvents();
    Serde<EndpointMetadata> metadataSerde = AvroSerde.of(EndpointMetadata.class);
    Serde<Connection> connections = CompatibleSerde.connections();

    // a. raw events, event time = close (or report) time; undecodable records are skipped by the handler
    KStream<String, TcpConnectionEvent> raw = builder.stream(config.tcpTopic(), Consumed.with(keys, events)
        .withTimestampExtractor(new CloseTimeExtractor()).withName("tcp-events"));
    // b. name the client as of event time (the stream is keyed by client IP, co-partitioned with metadata)
    KStream<String, Connection> clientNamed = raw.leftJoin(metadata, Enrichment::withClient,
        Joined.with(keys, events, metadataSerde).withName("name-client"));
    // c. re-key by server IP, repartition, and name the server as of event time from the same table
    KStream<String, Connection> serverNamed = clientNamed
        .selectKey(Enrichment::serverIp, Named.as("key-by-server-ip"))
        .repartition(Repartitioned.with(keys, connections).withName(BY_SERVER_IP))
        .leftJoin(metadata, Enrichment::withServer, Joined.with(keys, connections, metadataSerde)
            .withName("name-server"));
    // d. a server without metadata: the SNI its IP was last seen with as of event time, else a cached PTR name
    KStream<String, Connection> named = nameExternalServers(serverNamed, serverNames);
    // e. back by client IP, where both sockets' records meet: count each connection once, per socket (its
    //    reports and close), client side preferred (a server side waits at most the twin wait for it), merged
    //    with the backend behind a Service
    KStream<String, Connection> counted = named
        .selectKey(Enrichment::clientIp, Named.as("key-by-client-ip"))
        .repartition(Repartitioned.with(keys, connections).withName(BY_CLIENT_IP))
        .process(CountOnceProcessor.supplier(COUNT_ONCE_STORE, COUNT_ONCE_DUE_STORE, config.matchRetention(),
            config.twinWait()), Named.as("count-once"))
        .processValues(ConnectionMetrics.count(), Named.as("connection-metrics"));
    // f. enriched connections out, keyed by client workload
    counted.selectKey(Enrichment::clientWorkloadKey, Named.as("key-by-client-workload"))
        .to(config.connectionsTopic(), Produced.with(keys, connections).withName("connections"));
    // g. per edge and tumbling event-time window: counts and durations (closes), bytes (reports and closes);
    //    the same in coarse rollup windows from the same repartition
    KGroupedStream<String, Connection> byEdge = counted.groupBy(Enrichment::edgeKey,
        Grouped.with(BY_EDGE, keys, connections));
    edgeWindows(byEdge, config.windowSize(), EDGE_STORE, config.edgeRetention(), "edges", config);
    if (!config.rollupWindowSize().isZero()) {
      edgeWindows(byEdge, config.rollupWindowSize(), EDGE_ROLLUP_STORE, config.rollupRetention(), "edges-rollup",
          config);
    }
  }

  /** Edge statistics of {@code byEdge} in tumbling windows of {@code size}, materialized as {@code store}. */
  private static void edgeWindows(KGroupedStream<String, Connection> byEdge, Duration size, String store,
      Duration retention, String name, StreamsAppConfig config) {
    byEdge.windowedBy(TimeWindows.ofSizeAndGrace(size, config.windowGrace()))
        .aggregate(EdgeAggregator::empty, new EdgeAggregator(config.persistentThreshold()), Named.as(name),
            Materialized.<String, EdgeStats>as(WindowSegments.store(store, retention, size))
                .withKeySerde(Serdes.String()).withValueSerde(EdgeStatsSerde.create()));
  }

  /**
   * Names servers without metadata: by the SNI of the server IP's latest handshake as of the close time (same
   * key and partitioning as the stream: both come from a repartition by server IP), then, for those still
   * named by IP, by the reverse-DNS cache when it is on ({@link ReverseDnsNaming}).
   */
  private static KStream<String, Connection> nameExternalServers(KStream<String, Connection> connections,
      KTable<String, String> serverNames) {
    KStream<String, Connection> bySni = serverNames == null ? connections
        : connections.leftJoin(serverNames, Enrichment::withServerName,
            Joined.with(Serdes.String(), CompatibleSerde.connections(), Serdes.String())
                .withName("name-server-by-sni"));
    return bySni.processValues(ReverseDnsNaming.connections(), Named.as("name-server-by-reverse-dns"));
  }
}
