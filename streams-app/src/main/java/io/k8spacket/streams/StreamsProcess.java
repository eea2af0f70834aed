package io.k8spacket.streams;

import io.javalin.Javalin;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.streams.metadata.FileMetadataSource;
import io.k8spacket.streams.metadata.KafkaMetadataPublisher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams process: the metadata file source (standalone only), the Kafka Streams topology and the query
 * API in one JVM. Cluster mode runs it from {@link StreamsMain}; standalone mode runs it next to the broker
 * and the agent.
 */
public final class StreamsProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsProcess.class);

  private final Optional<KafkaMetadataPublisher> publisher;
  private final Optional<FileMetadataSource> metadata;
  private final StreamsRunner streams;
  private final Javalin api;
  private boolean closed;

  private StreamsProcess(Optional<KafkaMetadataPublisher> publisher, Optional<FileMetadataSource> metadata,
      StreamsRunner streams, Javalin api) {
    this.publisher = publisher;
    this.metadata = metadata;
    this.streams = streams;
    this.api = api;
  }

  /**
   * Starts the metadata file source (if configured), the topology and the API, in that order, and returns
   * without waiting for the topology to be RUNNING (the API answers health while state restores).
   */
  public static StreamsProcess start(StreamsAppConfig config, QueryApiConfig apiConfig,
      PrometheusMeterRegistry registry) {
    Optional<KafkaMetadataPublisher> publisher = config.metadataFile()
        .map(file -> new KafkaMetadataPublisher(config.bootstrapServers(), config.metadataTopic()));
    Optional<FileMetadataSource> metadata = config.metadataFile()
        .map(file -> new FileMetadataSource(file, config.metadataFilePoll()));
    metadata.ifPresent(source -> source.start(publisher.orElseThrow()));
    StreamsRunner streams = new StreamsRunner(config, registry);
    streams.start();
    Javalin api = QueryApp.create(streams.edgeReader(), streams.tlsReader(), registry, apiConfig)
        .start(apiConfig.port());
    LOG.info("query API listening on port {}", api.port());
    return new StreamsProcess(publisher, metadata, streams, api);
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
    metadata.ifPresent(FileMetadataSource::stop);
    publisher.ifPresent(KafkaMetadataPublisher::close);
  }
}
