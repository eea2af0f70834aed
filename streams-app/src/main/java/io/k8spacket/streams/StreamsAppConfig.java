package io.k8spacket.streams;

import static io.k8spacket.streams.Settings.bad;
import static io.k8spacket.streams.Settings.bool;
import static io.k8spacket.streams.Settings.duration;
import static io.k8spacket.streams.Settings.hostPort;
import static io.k8spacket.streams.Settings.hostPorts;
import static io.k8spacket.streams.Settings.intAtLeast;
import static io.k8spacket.streams.Settings.nonBlank;
import static io.k8spacket.streams.Settings.positiveDuration;
import static io.k8spacket.streams.Settings.raw;
import static io.k8spacket.streams.Settings.setting;

import io.k8spacket.schema.Topics;
import io.k8spacket.streams.state.BoundedRocksDbMemory;
import io.k8spacket.streams.topology.LogAndCountDeserializationHandler;
import io.k8spacket.streams.topology.OversizedRecordGuard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Typed configuration of the streams process, built from environment variables {@code K8SPACKET_STREAMS_*}
 * (production passes {@code System.getenv()}, tests a literal map). A blank value means the default.
 *
 * <p>Durations are written {@code 500ms}, {@code 10s}, {@code 1m}, {@code 2h}, {@code 1d} or ISO-8601
 * ({@code PT1M}). A bad value throws {@link IllegalArgumentException} naming the variable.
 */
public final class StreamsAppConfig {
  /** One setting: its environment variable, default (empty = unset) and a one-line doc. */
  public record Setting(String env, String defaultValue, String doc) {
    public Setting {
      Objects.requireNonNull(env, "env");
      Objects.requireNonNull(defaultValue, "defaultValue");
      Objects.requireNonNull(doc, "doc");
    }
  }

  /** Where endpoint metadata comes from. */
  public enum MetadataSourceKind {
    /** The YAML file {@code METADATA_FILE} (standalone). */
    FILE,
    /** The Kubernetes API (informers, one publisher elected by a Lease). */
    KUBERNETES,
    /** No metadata source in this process: every endpoint is named by its IP. */
    NONE
  }

  public static final String PREFIX = "K8SPACKET_STREAMS_";

  public static final Setting BOOTSTRAP_SERVERS = setting("BOOTSTRAP_SERVERS", "127.0.0.1:9092",
      "Kafka bootstrap servers, host:port[,host:port...].");
  public static final Setting APPLICATION_ID = setting("APPLICATION_ID", "k8spacket-streams",
      "Kafka Streams application id: consumer group and prefix of internal topics; every instance shares it.");
  public static final Setting STATE_DIR = setting("STATE_DIR", ".k8spacket/streams-state",
      "Directory of the local state stores (RocksDB); restored from changelogs when lost.");
  public static final Setting TCP_TOPIC = setting("TCP_TOPIC", Topics.TCP,
      "Input topic of TCP connection events from the agents (key = client IP).");
  public static final Setting METADATA_TOPIC = setting("METADATA_TOPIC", Topics.METADATA,
      "Compacted topic of IP -> endpoint metadata; must have as many partitions as the TCP topic.");
  public static final Setting CONNECTIONS_TOPIC = setting("CONNECTIONS_TOPIC", Topics.CONNECTIONS,
      "Output topic of enriched connections, counted once (key = client workload).");
  public static final Setting TLS_TOPIC = setting("TLS_TOPIC", Topics.TLS,
      "Input topic of TLS handshakes and actively fetched chains from the agents (key = client IP); must have "
          + "as many partitions as the metadata topic.");
  public static final Setting TLS_SESSIONS_TOPIC = setting("TLS_SESSIONS_TOPIC", Topics.TLS_SESSIONS,
      "Output topic of TLS handshakes with both ends named (key = client workload).");
  public static final Setting CERTIFICATES_TOPIC = setting("CERTIFICATES_TOPIC", Topics.CERTIFICATES,
      "Compacted output topic of the latest chain per server IP:port|SNI, with its client workloads.");
  public static final Setting DEAD_LETTER_TOPIC = setting("DEAD_LETTER_TOPIC", Topics.DEAD_LETTERS,
      "Topic that receives every input record that cannot be decoded (original key and value, headers with source "
          + "topic, partition, offset and reason); must exist; none = such records are only logged and counted.");
  public static final Setting WINDOW_SIZE = setting("WINDOW_SIZE", "1m",
      "Size of the tumbling event-time windows of the edge store.");
  public static final Setting WINDOW_GRACE = setting("WINDOW_GRACE", "2m",
      "How late (in event time) a connection may arrive and still be counted in its window; covers agent "
          + "batching and a producer retrying through a short broker outage.");
  public static final Setting EDGE_RETENTION = setting("EDGE_RETENTION", "24h",
      "How long closed windows of the edge store stay queryable; at least window size + grace.");
  public static final Setting TLS_RETENTION = setting("TLS_RETENTION", "24h",
      "How long closed windows of the TLS-session store stay queryable; at least window size + grace.");
  public static final Setting ROLLUP_WINDOW_SIZE = setting("ROLLUP_WINDOW_SIZE", "1h",
      "Size of the coarse windows kept beside the fine ones (edges and TLS sessions), which answer the whole "
          + "periods of long ranges; a multiple of WINDOW_SIZE; 0s = none.");
  public static final Setting ROLLUP_RETENTION = setting("ROLLUP_RETENTION", "7d",
      "How long the coarse windows stay queryable: how far back queries reach; at least rollup size + grace.");
  public static final Setting CERTIFICATE_MAX_CLIENTS = setting("CERTIFICATE_MAX_CLIENTS", "200",
      "Most distinct client workloads kept per certificate (the most recent ones).");
  public static final Setting PERSISTENT_THRESHOLD = setting("PERSISTENT_THRESHOLD", "10s",
      "A connection that lasted longer than this counts as persistent (the original's "
          + "K8S_PACKET_TCP_PERSISTENT_DURATION).");
  public static final Setting METADATA_HISTORY_RETENTION = setting("METADATA_HISTORY_RETENTION", "24h",
      "How far back in event time endpoint names are kept; older connections are named by IP.");
  public static final Setting MATCH_RETENTION = setting("MATCH_RETENTION", "10m",
      "How long (in event time) a socket's count-once entry is remembered after its latest report or close, so "
          + "that the other socket of its connection is not counted again.");
  public static final Setting TWIN_WAIT = setting("TWIN_WAIT", "30s",
      "How long (in event time) a server-side observation of an in-cluster client, or a client-side one to a "
          + "Service, waits for its twin before it counts alone; 0 = no wait; at most WINDOW_GRACE.");
  public static final Setting REVERSE_DNS = setting("REVERSE_DNS", "false",
      "true = name public server IPs that have neither metadata nor an SNI by their PTR record, looked up "
          + "asynchronously (the name shows on later connections); private ranges are never looked up.");
  public static final Setting REVERSE_DNS_CACHE_SIZE = setting("REVERSE_DNS_CACHE_SIZE", "10000",
      "Most IPs whose reverse-DNS answer is cached (least recently used evicted).");
  public static final Setting REVERSE_DNS_TTL = setting("REVERSE_DNS_TTL", "1h",
      "How long a reverse-DNS answer (a name, none, or a failure) is kept before it is looked up again.");
  public static final Setting METADATA_FILE = setting("METADATA_FILE", "",
      "Standalone only: YAML file of endpoints (ip, name, namespace, workload, workloadKind, kind, node); "
          + "empty = no file source.");
  public static final Setting METADATA_FILE_POLL = setting("METADATA_FILE_POLL", "1s",
      "How often the metadata file is checked for changes.");
  public static final Setting METADATA_SOURCE = setting("METADATA_SOURCE", "",
      "Where endpoint metadata comes from: file, kubernetes or none; empty = file when METADATA_FILE is set, "
          + "else none.");
  public static final Setting LEASE_NAMESPACE = setting("LEASE_NAMESPACE", "",
      "Namespace of the Lease that elects the one Kubernetes metadata publisher; empty = $POD_NAMESPACE, "
          + "else default.");
  public static final Setting LEASE_NAME = setting("LEASE_NAME", "k8spacket-metadata-publisher",
      "Name of that Lease; every instance of one deployment must use the same.");
  public static final Setting INFORMER_RESYNC = setting("INFORMER_RESYNC", "10m",
      "How often the Kubernetes informers replay their caches, which re-resolves owners and republishes "
          + "whatever failed to publish; 0 = never.");
  public static final Setting APPLICATION_SERVER = setting("APPLICATION_SERVER", "",
      "host:port where this instance's query API is reachable by its peers; empty = single instance.");
  public static final Setting NUM_STREAM_THREADS = setting("NUM_STREAM_THREADS", "1",
      "Stream threads of this instance.");
  public static final Setting REPLICATION_FACTOR = setting("REPLICATION_FACTOR", "-1",
      "Replication factor of internal topics (changelogs, repartition); -1 = the broker's default.");
  public static final Setting NUM_STANDBY_REPLICAS = setting("NUM_STANDBY_REPLICAS", "0",
      "Warm copies of each state store on other instances, for fast failover.");
  public static final Setting KAFKA_CONFIG_FILE = setting("KAFKA_CONFIG_FILE", "",
      "Properties file of extra Kafka client settings (security.protocol, ssl.*, sasl.*; Kafka config providers "
          + "such as FileConfigProvider work) for Kafka Streams and the metadata publisher; empty = none.");
  public static final Setting ROCKSDB_MEMORY_MIB = setting("ROCKSDB_MEMORY_MIB", "256",
      "MiB of memory every RocksDB instance of this process shares (block cache, index and filter blocks, and "
          + "memtables), off the Java heap; at least 16.");
  public static final Setting METRICS_POD_LABELS = setting("METRICS_POD_LABELS", "false",
      "true = traffic metrics also carry client_pod, server_pod and server_port (many more series); false = "
          + "namespace and workload labels only.");

  private static final List<Setting> SETTINGS = List.of(BOOTSTRAP_SERVERS, APPLICATION_ID, STATE_DIR, TCP_TOPIC,
      METADATA_TOPIC, CONNECTIONS_TOPIC, TLS_TOPIC, TLS_SESSIONS_TOPIC, CERTIFICATES_TOPIC, DEAD_LETTER_TOPIC,
      WINDOW_SIZE,
      WINDOW_GRACE, EDGE_RETENTION, TLS_RETENTION, ROLLUP_WINDOW_SIZE, ROLLUP_RETENTION, ROCKSDB_MEMORY_MIB,
      CERTIFICATE_MAX_CLIENTS, PERSISTENT_THRESHOLD,
      METADATA_HISTORY_RETENTION, MATCH_RETENTION, TWIN_WAIT, REVERSE_DNS, REVERSE_DNS_CACHE_SIZE, REVERSE_DNS_TTL,
      METADATA_FILE, METADATA_FILE_POLL, METADATA_SOURCE, LEASE_NAMESPACE,
      LEASE_NAME, INFORMER_RESYNC, APPLICATION_SERVER,
      NUM_STREAM_THREADS, REPLICATION_FACTOR, NUM_STANDBY_REPLICAS, KAFKA_CONFIG_FILE, METRICS_POD_LABELS);

  private final String bootstrapServers;
  private final String applicationId;
  private final Path stateDir;
  private final String tcpTopic;
  private final String metadataTopic;
  private final String connectionsTopic;
  private final String tlsTopic;
  private final String tlsSessionsTopic;
  private final String certificatesTopic;
  private final Optional<String> deadLetterTopic;
  private final Duration windowSize;
  private final Duration windowGrace;
  private final Duration edgeRetention;
  private final Duration tlsRetention;
  private final Duration rollupWindowSize;
  private final Duration rollupRetention;
  private final int certificateMaxClients;
  private final Duration persistentThreshold;
  private final Duration metadataHistoryRetention;
  private final Duration matchRetention;
  private final Duration twinWait;
  private final boolean reverseDns;
  private final int reverseDnsCacheSize;
  private final Duration reverseDnsTtl;
  private final Optional<Path> metadataFile;
  private final Duration metadataFilePoll;
  private final MetadataSourceKind metadataSource;
  private final String leaseNamespace;
  private final String leaseName;
  private final Duration informerResync;
  private final Optional<String> leaseIdentity;
  private final Optional<String> applicationServer;
  private final int numStreamThreads;
  private final int replicationFactor;
  private final int numStandbyReplicas;
  private final int rocksDbMemoryMib;
  private final Properties kafkaClientConfig;
  private final boolean metricsPodLabels;

  private StreamsAppConfig(Map<String, String> env) {
    bootstrapServers = hostPorts(env, BOOTSTRAP_SERVERS);
    applicationId = nonBlank(env, APPLICATION_ID);
    stateDir = Path.of(nonBlank(env, STATE_DIR));
    tcpTopic = nonBlank(env, TCP_TOPIC);
    metadataTopic = nonBlank(env, METADATA_TOPIC);
    connectionsTopic = nonBlank(env, CONNECTIONS_TOPIC);
    tlsTopic = nonBlank(env, TLS_TOPIC);
    tlsSessionsTopic = nonBlank(env, TLS_SESSIONS_TOPIC);
    certificatesTopic = nonBlank(env, CERTIFICATES_TOPIC);
    deadLetterTopic = Optional.of(raw(env, DEAD_LETTER_TOPIC)).filter(t -> !t.equalsIgnoreCase("none"));
    windowSize = positiveDuration(env, WINDOW_SIZE);
    windowGrace = duration(env, WINDOW_GRACE);
    edgeRetention = positiveDuration(env, EDGE_RETENTION);
    tlsRetention = positiveDuration(env, TLS_RETENTION);
    rollupWindowSize = duration(env, ROLLUP_WINDOW_SIZE);
    rollupRetention = positiveDuration(env, ROLLUP_RETENTION);
    certificateMaxClients = intAtLeast(env, CERTIFICATE_MAX_CLIENTS, 1);
    persistentThreshold = duration(env, PERSISTENT_THRESHOLD);
    metadataHistoryRetention = positiveDuration(env, METADATA_HISTORY_RETENTION);
    matchRetention = positiveDuration(env, MATCH_RETENTION);
    twinWait = duration(env, TWIN_WAIT);
    reverseDns = bool(env, REVERSE_DNS);
    reverseDnsCacheSize = intAtLeast(env, REVERSE_DNS_CACHE_SIZE, 1);
    reverseDnsTtl = positiveDuration(env, REVERSE_DNS_TTL);
    metadataFile = Optional.of(raw(env, METADATA_FILE)).filter(s -> !s.isEmpty()).map(Path::of);
    metadataFilePoll = positiveDuration(env, METADATA_FILE_POLL);
    metadataSource = metadataSource(env, metadataFile.isPresent());
    String podNamespace = env.getOrDefault("POD_NAMESPACE", "").trim();
    leaseNamespace = raw(env, LEASE_NAMESPACE).isEmpty() ? (podNamespace.isEmpty() ? "default" : podNamespace)
        : raw(env, LEASE_NAMESPACE);
    leaseName = nonBlank(env, LEASE_NAME);
    informerResync = duration(env, INFORMER_RESYNC);
    leaseIdentity = Optional.ofNullable(env.get("POD_NAME")).filter(s -> !s.isBlank())
        .or(() -> Optional.ofNullable(env.get("HOSTNAME")).filter(s -> !s.isBlank())).map(String::trim);
    applicationServer = Optional.of(raw(env, APPLICATION_SERVER)).filter(s -> !s.isEmpty())
        .map(s -> hostPort(APPLICATION_SERVER, s));
    numStreamThreads = intAtLeast(env, NUM_STREAM_THREADS, 1);
    replicationFactor = replicationFactor(env);
    numStandbyReplicas = intAtLeast(env, NUM_STANDBY_REPLICAS, 0);
    rocksDbMemoryMib = intAtLeast(env, ROCKSDB_MEMORY_MIB, 16);
    kafkaClientConfig = kafkaClientConfig(raw(env, KAFKA_CONFIG_FILE));
    metricsPodLabels = bool(env, METRICS_POD_LABELS);
    if (edgeRetention.compareTo(windowSize.plus(windowGrace)) < 0) {
      throw new IllegalArgumentException(EDGE_RETENTION.env() + " must be at least " + WINDOW_SIZE.env()
          + " + " + WINDOW_GRACE.env() + " (" + windowSize.plus(windowGrace) + ")");
    }
    if (twinWait.compareTo(windowGrace) > 0 || twinWait.compareTo(matchRetention) > 0) {
      throw new IllegalArgumentException(TWIN_WAIT.env() + " must be at most " + WINDOW_GRACE.env() + " ("
          + windowGrace + ") and " + MATCH_RETENTION.env() + " (" + matchRetention + ")");
    }
    if (!rollupWindowSize.isZero() && (rollupWindowSize.toMillis() % windowSize.toMillis() != 0
        || rollupWindowSize.compareTo(windowSize) <= 0)) {
      throw new IllegalArgumentException(ROLLUP_WINDOW_SIZE.env() + " must be 0 or a multiple of "
          + WINDOW_SIZE.env() + " (" + windowSize + ") larger than it, got " + rollupWindowSize);
    }
    if (!rollupWindowSize.isZero() && rollupRetention.compareTo(rollupWindowSize.plus(windowGrace)) < 0) {
      throw new IllegalArgumentException(ROLLUP_RETENTION.env() + " must be at least " + ROLLUP_WINDOW_SIZE.env()
          + " + " + WINDOW_GRACE.env() + " (" + rollupWindowSize.plus(windowGrace) + ")");
    }
    if (tlsRetention.compareTo(windowSize.plus(windowGrace)) < 0) {
      throw new IllegalArgumentException(TLS_RETENTION.env() + " must be at least " + WINDOW_SIZE.env()
          + " + " + WINDOW_GRACE.env() + " (" + windowSize.plus(windowGrace) + ")");
    }
  }

  /** Reads every setting from {@code env}; missing or blank variables take their defaults. */
  public static StreamsAppConfig fromEnv(Map<String, String> env) {
    return new StreamsAppConfig(Objects.requireNonNull(env, "env"));
  }

  /** The defaults only. */
  public static StreamsAppConfig defaults() {
    return fromEnv(Map.of());
  }

  /** Every setting, in documentation order; {@link Setting#env()} is the full variable name. */
  public static List<Setting> settings() {
    return SETTINGS;
  }

  /**
   * The {@link Properties} for {@code KafkaStreams}: exactly-once v2, no default serdes (every step of the
   * topology names its serdes, so a forgotten one fails at startup instead of guessing), RocksDB under one memory
   * budget ({@link BoundedRocksDbMemory}), and undecodable input
   * records logged, counted, sent to the dead-letter topic and skipped by
   * {@link LogAndCountDeserializationHandler}.
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.putAll(kafkaClientConfig); // first: the settings below win on a conflict
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(numStreamThreads));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.toString(replicationFactor));
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, Integer.toString(numStandbyReplicas));
    // every RocksDB instance (each store, partition and window segment) under one memory budget
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName());
    p.put(BoundedRocksDbMemory.BUDGET_CONFIG, Long.toString((long) rocksDbMemoryMib << 20));
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndCountDeserializationHandler.class.getName());
    deadLetterTopic.ifPresent(t -> p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, t));
    // records too large to process are held back before they decode, so the handler above takes them
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
        OversizedRecordGuard.class.getName());
    // no global stores here; set only so Kafka Streams does not warn at every start
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    applicationServer.ifPresent(s -> p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, s));
    return p;
  }

  /** The extra Kafka client settings of {@code KAFKA_CONFIG_FILE} (a copy; empty without a file). */
  public Properties kafkaClientConfig() {
    Properties copy = new Properties();
    copy.putAll(kafkaClientConfig);
    return copy;
  }

  public boolean metricsPodLabels() { return metricsPodLabels; }

  /** Reads the properties file {@code path}; empty path = no settings. */
  private static Properties kafkaClientConfig(String path) {
    Properties props = new Properties();
    if (path.isEmpty()) {
      return props;
    }
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      props.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(KAFKA_CONFIG_FILE.env() + ": cannot read " + path + ": " + e.getMessage());
    }
    return props;
  }

  public String bootstrapServers() { return bootstrapServers; }

  public String applicationId() { return applicationId; }

  public Path stateDir() { return stateDir; }

  public String tcpTopic() { return tcpTopic; }

  public String metadataTopic() { return metadataTopic; }

  public String connectionsTopic() { return connectionsTopic; }

  public String tlsTopic() { return tlsTopic; }

  public String tlsSessionsTopic() { return tlsSessionsTopic; }

  public String certificatesTopic() { return certificatesTopic; }

  /** Where undecodable input records go; empty = nowhere (logged and counted only). */
  public Optional<String> deadLetterTopic() { return deadLetterTopic; }

  public Duration windowSize() { return windowSize; }

  public Duration windowGrace() { return windowGrace; }

  public Duration edgeRetention() { return edgeRetention; }

  public Duration tlsRetention() { return tlsRetention; }

  /** Size of the coarse windows; zero when there are none. */
  public Duration rollupWindowSize() { return rollupWindowSize; }

  public Duration rollupRetention() { return rollupRetention; }

  public int certificateMaxClients() { return certificateMaxClients; }

  public Duration persistentThreshold() { return persistentThreshold; }

  public Duration metadataHistoryRetention() { return metadataHistoryRetention; }

  public Duration matchRetention() { return matchRetention; }

  public Duration twinWait() { return twinWait; }

  public boolean reverseDns() { return reverseDns; }

  public int reverseDnsCacheSize() { return reverseDnsCacheSize; }

  public Duration reverseDnsTtl() { return reverseDnsTtl; }

  public Optional<Path> metadataFile() { return metadataFile; }

  public Duration metadataFilePoll() { return metadataFilePoll; }

  public MetadataSourceKind metadataSource() { return metadataSource; }

  public String leaseNamespace() { return leaseNamespace; }

  public String leaseName() { return leaseName; }

  public Duration informerResync() { return informerResync; }

  /** This instance's identity in the Lease: {@code $POD_NAME}, else {@code $HOSTNAME}; empty when neither. */
  public Optional<String> leaseIdentity() { return leaseIdentity; }

  public Optional<String> applicationServer() { return applicationServer; }

  public int numStreamThreads() { return numStreamThreads; }

  public int replicationFactor() { return replicationFactor; }

  public int numStandbyReplicas() { return numStandbyReplicas; }

  public int rocksDbMemoryMib() { return rocksDbMemoryMib; }

  private static MetadataSourceKind metadataSource(Map<String, String> env, boolean fileSet) {
    String v = raw(env, METADATA_SOURCE);
    if (v.isEmpty()) {
      return fileSet ? MetadataSourceKind.FILE : MetadataSourceKind.NONE;
    }
    MetadataSourceKind kind;
    try {
      kind = MetadataSourceKind.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(METADATA_SOURCE, v, "must be file, kubernetes or none");
    }
    if (kind == MetadataSourceKind.FILE && !fileSet) {
      throw bad(METADATA_SOURCE, v, "needs " + METADATA_FILE.env());
    }
    return kind;
  }

  private static int replicationFactor(Map<String, String> env) {
    String v = raw(env, REPLICATION_FACTOR);
    int n = intAtLeast(env, REPLICATION_FACTOR, -1);
    if (n == 0) {
      throw bad(REPLICATION_FACTOR, v, "must be -1 or >= 1");
    }
    return n;
  }
}
