package io.k8spacket.streams.query;

import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.query.cluster.Share;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which instance owns which partitions of a store, from Kafka Streams' metadata (the role of kafka-streams-examples'
 * {@code MetadataService}): each instance's {@code application.server} address and its active input partitions,
 * narrowed to the input topics of the store's sub-topology (its task partitions). A plan names every partition
 * exactly once, with its active owner, or is refused: while the group rebalances, an answer that leaves a
 * partition out or counts one twice is worse than a 503.
 *
 * <p>Example: instances A ({@code 10.0.0.1:6676}, this one) and B ({@code 10.0.0.2:6676}), topic partitions
 * {@code app-connections-by-edge-repartition-0} on A and {@code -1} on B: {@code plan("edge-stats")} is
 * {@code [local 10.0.0.1:6676 {0}, 10.0.0.2:6676 {1}]}.
 */
public final class StoreOwners {
  private final Supplier<KafkaStreams.State> state;
  private final Supplier<Collection<StreamsMetadata>> clients;
  private final TopologyDescription topology;
  private final String applicationId;
  private final HostInfo self;
  private final Map<String, Set<String>> sourceTopics = new ConcurrentHashMap<>();

  /** The owners of this process's stores; {@code self} is this instance's {@code application.server}. */
  public StoreOwners(KafkaStreams streams, TopologyDescription topology, String applicationId, HostInfo self) {
    this(streams::state, streams::metadataForAllStreamsClients, topology, applicationId, self);
  }

  StoreOwners(Supplier<KafkaStreams.State> state, Supplier<Collection<StreamsMetadata>> clients,
      TopologyDescription topology, String applicationId, HostInfo self) {
    this.state = Objects.requireNonNull(state, "state");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.topology = Objects.requireNonNull(topology, "topology");
    this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
    this.self = Objects.requireNonNull(self, "self");
  }

  /**
   * The shares of {@code store}: each instance that actively owns some of its partitions, with those partitions;
   * this instance's share (if any) is marked local. Sorted by address.
   *
   * @throws StoreUnavailableException while this instance is not RUNNING, or when the metadata shows a partition
   *     owned twice or not at all (a rebalance is under way)
   */
  public List<Share> plan(String store) {
    KafkaStreams.State now = state.get();
    if (now != KafkaStreams.State.RUNNING) {
      throw new StoreUnavailableException("this instance is " + now + ", not RUNNING: partition owners may be "
          + "changing", null);
    }
    Set<String> topics = sourceTopics.computeIfAbsent(store, s -> sourceTopics(topology, s));
    Map<HostInfo, Set<Integer>> active = new TreeMap<>(Comparator.comparing(StoreOwners::address));
    Set<Integer> seen = new TreeSet<>();
    int partitions = 0;
    for (StreamsMetadata client : clients.get()) {
      Set<Integer> owned = partitionsOf(client.topicPartitions(), topics);
      for (int p : owned) {
        if (!seen.add(p)) {
          throw new StoreUnavailableException("partition " + p + " of store " + store + " has two active owners "
              + "(rebalancing)", null);
        }
      }
      if (!owned.isEmpty()) {
        active.merge(client.hostInfo(), owned, (a, b) -> {
          Set<Integer> both = new TreeSet<>(a);
          both.addAll(b);
          return both;
        });
      }
      for (int p : partitionsOf(client.standbyTopicPartitions(), topics)) {
        partitions = Math.max(partitions, p + 1);
      }
      for (int p : owned) {
        partitions = Math.max(partitions, p + 1);
      }
    }
    if (seen.isEmpty() || seen.size() != partitions) {
      Set<Integer> missing = new TreeSet<>();
      for (int p = 0; p < Math.max(partitions, 1); p++) {
        if (!seen.contains(p)) {
          missing.add(p);
        }
      }
      throw new StoreUnavailableException("partitions " + missing + " of store " + store + " have no active owner "
          + "(starting or rebalancing)", null);
    }
    List<Share> plan = new ArrayList<>();
    active.forEach((host, owned) -> plan.add(new Share(address(host), host.equals(self), owned)));
    return plan;
  }

  /** {@code host:port}, an IPv6 host in brackets: how a peer's query API is reached. */
  static String address(HostInfo host) {
    String name = host.host();
    return (name.indexOf(':') >= 0 && !name.startsWith("[") ? "[" + name + "]" : name) + ":" + host.port();
  }

  /** The partition numbers among {@code partitions} that belong to {@code topics} (as configured or internal). */
  private Set<Integer> partitionsOf(Set<TopicPartition> partitions, Set<String> topics) {
    Set<Integer> numbers = new TreeSet<>();
    for (TopicPartition tp : partitions) {
      String topic = tp.topic();
      if (topics.contains(topic) || (topic.startsWith(applicationId + "-")
          && topics.contains(topic.substring(applicationId.length() + 1)))) {
        numbers.add(tp.partition());
      }
    }
    return numbers;
  }

  /**
   * The input topics of the sub-topology that holds {@code store}: its task partitions are theirs. Internal
   * topics appear without the application id prefix, as the description names them.
   *
   * @throws IllegalArgumentException when no sub-topology uses the store
   */
  static Set<String> sourceTopics(TopologyDescription topology, String store) {
    for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
      boolean holds = sub.nodes().stream().anyMatch(n -> n instanceof TopologyDescription.Processor p
          && p.stores().contains(store));
      if (holds) {
        return sub.nodes().stream()
            .filter(n -> n instanceof TopologyDescription.Source)
            .map(n -> ((TopologyDescription.Source) n).topicSet())
            .filter(Objects::nonNull)
            .flatMap(Set::stream)
            .collect(Collectors.toCollection(TreeSet::new));
      }
    }
    throw new IllegalArgumentException("no sub-topology uses store " + store);
  }
}
