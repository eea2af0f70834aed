package io.k8spacket.query.cluster;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One instance's share of a store for one query: the partitions it reads, and where it is.
 *
 * @param peer the instance's query API as {@code host:port} (an IPv6 host in brackets); this instance's own
 *     address when {@code local}
 * @param local true for this instance: its share is read from its own stores, without an HTTP hop
 * @param partitions the store partitions it is the active owner of, never empty
 */
public record Share(String peer, boolean local, Set<Integer> partitions) {
  public Share {
    Objects.requireNonNull(peer, "peer");
    partitions = new TreeSet<>(Objects.requireNonNull(partitions, "partitions"));
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("partitions must not be empty");
    }
  }

  /** The partitions as the internal endpoints' {@code partitions} parameter: {@code 0,2,5}. */
  public String partitionList() {
    return String.join(",", partitions.stream().map(String::valueOf).toList());
  }
}
