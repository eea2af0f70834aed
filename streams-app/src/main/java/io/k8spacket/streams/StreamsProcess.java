package io.k8spacket.streams;

import io.javalin.Javalin;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.cluster.PeerClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8spacket.streams.metadata.FileMetadataSource;
import io.k8spacket.streams.metadata.KafkaMetadataPublisher;
import io.k8spacket.streams.metadata.MetadataSource;
import io.k8spacket.streams.metadata.k8s.KubernetesMetadataSource;
import io.k8spacket.streams.metadata.k8s.KubernetesSourceOptions;
import io.k8spacket.streams.query.ClusterEdgeReader;
import io.k8spacket.streams.query.ClusterTlsReader;
import io.k8spacket.streams.query.LocalShards;
import io.k8spacket.streams.query.StoreOwners;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams process: the metadata source (the file in standalone mode, the Kubernetes API in a cluster, or
 * none), the Kafka Streams topology and the query API in one JVM. Cluster mode runs it from {@link StreamsMain};
 * standalone mode runs it next to the broker and the agent.
 */
public final class StreamsProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsProcess.class);

  private final Optional<KafkaMetadataPublisher> publisher;
  private final Optional<MetadataSource> metadata;
  private final Optional<KubernetesClient> kubernetes;
  private final StreamsRunner streams;
  private final Javalin api;
  private boolean closed;

  private StreamsProcess(Optional<KafkaMetadataPublisher> publisher, Optional<MetadataSource> metadata,
      Optional<KubernetesClient> kubernetes, StreamsRunner streams, Javalin api) {
    this.publisher = publisher;
    this.metadata = metadata;
    this.kubernetes = kubernetes;
    this.streams = streams;
    this.api = api;
  }

  /**
   * Starts the metadata source (if any: {@code METADATA_SOURCE}), the topology and the API, in that order, and
   * returns without waiting for the topology to be RUNNING (the API answers health while state restores). The
   * file source has published the whole file when this returns; the Kubernetes source publishes once this
   * instance wins the lease.
   */
  public static StreamsProcess start(StreamsAppConfig config, QueryApiConfig apiConfig,
      PrometheusMeterRegistry registry) {
    StreamsAppConfig.MetadataSourceKind kind = config.metadataSource();
    Optional<KafkaMetadataPublisher> publisher = Optional.of(kind)
        .filter(k -> k != StreamsAppConfig.MetadataSourceKind.NONE)
        .map(k -> new KafkaMetadataPublisher(config.bootstrapServers(), config.metadataTopic(),
            config.kafkaClientConfig()));
    Optional<KubernetesClient> kubernetes = Optional.of(kind)
        .filter(k -> k == StreamsAppConfig.MetadataSourceKind.KUBERNETES)
        .map(k -> new KubernetesClientBuilder().build());
    Optional<MetadataSource> metadata = switch (kind) {
      case FILE -> Optional.of(new FileMetadataSource(config.metadataFile().orElseThrow(),
          config.metadataFilePoll()));
      case KUBERNETES -> Optional.of(new KubernetesMetadataSource(kubernetes.orElseThrow(),
          kubernetesOptions(config)));
      case NONE -> Optional.empty();
    };
    metadata.ifPresent(source -> source.start(publisher.orElseThrow()));
    StreamsRunner streams = new StreamsRunner(config, registry);
    streams.start();
    Javalin api = queryApi(config, apiConfig, streams, registry).start(apiConfig.port());
    LOG.info("query API listening on port {}", api.port());
    return new StreamsProcess(publisher, metadata, kubernetes, streams, api);
  }

  /**
   * The query API over this process's stores. A single instance (no {@code APPLICATION_SERVER}) reads its local
   * stores and makes no HTTP hop. One of several reads its own partitions locally and asks its peers for
   * theirs (cluster readers, summed answers), and serves its partitions to them on the internal routes.
   */
  static Javalin queryApi(StreamsAppConfig config, QueryApiConfig apiConfig, StreamsRunner streams,
      PrometheusMeterRegistry registry) {
    if (config.applicationServer().isEmpty()) {
      return QueryApp.create(streams.edgeReader(), streams.tlsReader(), registry, apiConfig);
    }
    HostInfo self = HostInfo.buildFromEndpoint(config.applicationServer().get());
    StoreOwners owners = streams.storeOwners(self);
    LocalShards local = streams.localShards();
    PeerClient peers = new PeerClient(Duration.ofMillis(apiConfig.peerTimeoutMs()), registry);
    LOG.info("query API answers for all instances of {}; this one is {}", config.applicationId(), self);
    return QueryApp.create(new ClusterEdgeReader(owners, local, peers), new ClusterTlsReader(owners, local, peers),
        local, registry, apiConfig, Clock.systemUTC());
  }

  /**
   * Lease and resync from the config; identity {@code $POD_NAME}, else {@code $HOSTNAME}, else the host name.
   * Changes are dated at most 10 minutes back, and at most half the metadata history retention, so that the
   * versioned table never drops them.
   */
  static KubernetesSourceOptions kubernetesOptions(StreamsAppConfig config) {
    String identity = config.leaseIdentity().orElseGet(StreamsProcess::hostName);
    Duration halfHistory = config.metadataHistoryRetention().dividedBy(2);
    Duration maxBackdate = halfHistory.compareTo(KubernetesSourceOptions.DEFAULT_MAX_BACKDATE) < 0 ? halfHistory
        : KubernetesSourceOptions.DEFAULT_MAX_BACKDATE;
    return KubernetesSourceOptions.of(config.informerResync(), config.leaseNamespace(), config.leaseName(), identity)
        .withMaxBackdate(maxBackdate);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("no POD_NAME or HOSTNAME, and the host name is unknown: " + e.getMessage(), e);
    }
  }

  /** Waits until the topology processes records; false on timeout. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return streams.awaitRunning(timeout);
  }

  /** The port the API listens on (useful when started on port 0). */
  public int apiPort() {
    return api.port();
  }

  /** Stops the API, the topology, then the metadata source; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    api.stop();
    streams.close();
    metadata.ifPresent(MetadataSource::stop);
    publisher.ifPresent(KafkaMetadataPublisher::close);
    kubernetes.ifPresent(KubernetesClient::close);
  }
}
