package io.k8spacket.streams.topology;

import io.k8spacket.avro.Certificate;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Folds handshakes and fetched chains of one server IP:port|SNI into its certificate entry.
 *
 * <ul>
 *   <li>A chain replaces the entry's chain when it is the newest observation or the entry has none; a new leaf
 *       (rotation) restarts {@code firstSeenMs}, the same leaf keeps the earliest.
 *   <li>A handshake without a chain (TLS 1.3) never removes a chain; it moves {@code lastSeenMs} and adds its
 *       client. With no entry yet it starts one without a chain (source NONE), so the clients that made the
 *       agent fetch the chain are already there when it arrives; such entries are not published.
 *   <li>The newest handshake names the server; fetched chains name nobody.
 *   <li>Clients are distinct by workload ({@link Enrichment#workloadKey}), most recent last, at most
 *       {@code maxClients} (the oldest are dropped).
 * </ul>
 */
public final class CertificateAggregator implements Aggregator<String, Certificate, Certificate> {
  private final int maxClients;

  public CertificateAggregator(int maxClients) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be >= 1");
    }
    this.maxClients = maxClients;
  }

  /** The aggregate before the first observation: recognised by its empty server IP. */
  public static Certificate empty() {
    return new Certificate("", 0, null, null, CertificateSource.NONE, List.of(), Long.MAX_VALUE, Long.MIN_VALUE,
        List.of());
  }

  @Override
  public Certificate apply(String key, Certificate seen, Certificate entry) {
    if (entry.getServerIp().isEmpty()) {
      return Certificate.newBuilder(seen).setClients(clients(List.of(), seen.getClients())).build();
    }
    boolean newest = seen.getLastSeenMs() >= entry.getLastSeenMs();
    Certificate.Builder next = Certificate.newBuilder(entry)
        .setLastSeenMs(Math.max(entry.getLastSeenMs(), seen.getLastSeenMs()))
        .setClients(clients(entry.getClients(), seen.getClients()));
    if (seen.getServer() != null && (newest || entry.getServer() == null)) {
      next.setServer(seen.getServer());
    }
    if (!seen.getChain().isEmpty()) {
      boolean sameLeaf = !entry.getChain().isEmpty()
          && entry.getChain().get(0).getSha256().equals(seen.getChain().get(0).getSha256());
      if (sameLeaf) {
        next.setFirstSeenMs(Math.min(entry.getFirstSeenMs(), seen.getFirstSeenMs()));
      }
      if (newest || entry.getChain().isEmpty()) {
        next.setChain(seen.getChain()).setSource(seen.getSource());
        if (!sameLeaf) {
          next.setFirstSeenMs(seen.getFirstSeenMs());
        }
      }
    }
    return next.build();
  }

  /** {@code known} with {@code more} moved or appended at the end, distinct by workload, the last maxClients. */
  private List<Endpoint> clients(List<Endpoint> known, List<Endpoint> more) {
    Map<String, Endpoint> byWorkload = new LinkedHashMap<>();
    for (Endpoint e : known) {
      byWorkload.put(Enrichment.workloadKey(e), e);
    }
    for (Endpoint e : more) {
      String workload = Enrichment.workloadKey(e);
      byWorkload.remove(workload);
      byWorkload.put(workload, e);
    }
    List<Endpoint> all = new ArrayList<>(byWorkload.values());
    return all.size() <= maxClients ? all : List.copyOf(all.subList(all.size() - maxClients, all.size()));
  }
}
