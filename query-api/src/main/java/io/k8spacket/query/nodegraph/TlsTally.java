package io.k8spacket.query.nodegraph;

import io.k8spacket.query.EdgeQuery;
import io.k8spacket.query.GroupBy;
import io.k8spacket.query.GroupedEdge;
import io.k8spacket.query.tls.TlsSessionSample;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The TLS handshakes counted against a graph edge or node, and the server ports of its connections and
 * handshakes: what its {@code detail__tls} and {@code detail__ports} show. Handshakes are a {@code double} because a pair of groups
 * reached over more than one grouped edge shares its handshakes out (see {@link #perEdge}).
 */
record TlsTally(double handshakes, SortedSet<Integer> ports) {
  static final TlsTally NONE = new TlsTally(0, new TreeSet<>());

  TlsTally {
    ports = new TreeSet<>(ports);
  }

  TlsTally plus(TlsTally other) {
    TreeSet<Integer> all = new TreeSet<>(ports);
    all.addAll(other.ports);
    return new TlsTally(handshakes + other.handshakes, all);
  }

  /** The same handshakes with {@code more} server ports. */
  TlsTally withPorts(Collection<Integer> more) {
    if (more.isEmpty()) {
      return this;
    }
    TreeSet<Integer> all = new TreeSet<>(ports);
    all.addAll(more);
    return new TlsTally(handshakes, all);
  }

  /** The ports as {@code 443, 8443}, at most the smallest {@value GroupedEdge#MAX_PORTS}; null when none. */
  String portsText() {
    return ports.isEmpty() ? null
        : ports.stream().limit(GroupedEdge.MAX_PORTS).map(String::valueOf).collect(Collectors.joining(", "));
  }

  /**
   * The share of {@code connections} that had a handshake, in percent with at most one decimal ({@code 75%},
   * {@code 33.3%}), capped at 100%; null without connections. Handshakes are counted when they happen and
   * connections when they close, so over a range that cuts long connections the ratio can pass 1.
   */
  String shareOf(long connections) {
    if (connections <= 0) {
      return null;
    }
    double percent = Math.min(1.0, handshakes / connections) * 100;
    return BigDecimal.valueOf(percent).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%";
  }

  /**
   * The tally of each grouped edge (same order as {@code edges}). A TLS session sample in the query's range that
   * passes its filters counts for its client group and server group under the query's grouping; those
   * handshakes go to the grouped edges from that client group to that server group, or through that server when
   * it is a Service (its ClusterIP was dialled), shared in proportion to their connections (equally when none
   * closed). So a handshake to a Service's ClusterIP counts for the connections through that Service, and one to
   * a pod for the connections that reached its group. Under {@code group-by=service} a handshake addressed to a
   * backend pod counts only for direct edges to its workload: the grouped edges there no longer name the backend.
   */
  static List<TlsTally> perEdge(List<GroupedEdge> edges, Collection<TlsSessionSample> sessions, EdgeQuery query) {
    GroupBy groupBy = query.groupBy();
    Map<Pair, TlsTally> pairs = new HashMap<>();
    for (TlsSessionSample s : sessions) {
      if (query.range().overlaps(s.windowStartMs(), s.windowEndMs())
          && query.filter().test(s.client(), s.server(), null)) {
        pairs.merge(Pair.of(s, groupBy), new TlsTally(s.count(), new TreeSet<>(List.of(s.serverPort()))),
            TlsTally::plus);
      }
    }
    Map<String, List<Integer>> bySource = new HashMap<>();
    for (int i = 0; i < edges.size(); i++) {
      bySource.computeIfAbsent(edges.get(i).src().key(), k -> new ArrayList<>()).add(i);
    }
    List<TlsTally> tallies = new ArrayList<>(Collections.nCopies(edges.size(), NONE));
    pairs.forEach((pair, tally) -> {
      List<Integer> matching = bySource.getOrDefault(pair.client(), List.of()).stream()
          .filter(i -> pair.reaches(edges.get(i)))
          .toList();
      long connections = matching.stream().mapToLong(i -> edges.get(i).totals().connCount()).sum();
      for (int i : matching) {
        double share = connections == 0 ? 1.0 / matching.size()
            : (double) edges.get(i).totals().connCount() / connections;
        tallies.set(i, tallies.get(i).plus(new TlsTally(tally.handshakes() * share, tally.ports())));
      }
    });
    return tallies;
  }

  /**
   * The groups of a TLS session's ends: client and server under the query's grouping, and the server's Service
   * group when the server is a Service (null otherwise).
   */
  private record Pair(String client, String server, String service) {
    static Pair of(TlsSessionSample s, GroupBy groupBy) {
      boolean isService = "service".equals(s.server().kind().toLowerCase(Locale.ROOT));
      return new Pair(groupBy.group(s.client()).key(), groupBy.group(s.server()).key(),
          isService ? GroupBy.service(s.server()).key() : null);
    }

    boolean reaches(GroupedEdge e) {
      return e.dst().key().equals(server) || (service != null && e.service() != null
          && e.service().key().equals(service));
    }
  }
}
