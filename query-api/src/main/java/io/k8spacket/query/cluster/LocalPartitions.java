package io.k8spacket.query.cluster;

import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsSessionSample;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This instance's share of the stores, read partition by partition: what a peer asks for over the internal
 * endpoints ({@code /internal/v1/...}), and what a cluster reader reads for its own share. Only partitions this
 * instance hosts as an active, running task can be read: any other one fails the whole call, so a partition
 * that moved during a rebalance is never read twice (once here, once at its new owner).
 *
 * <p>Partitions are the store's task partitions (the partitions of its sub-topology's input topics), as
 * Kafka Streams' metadata assigns them to instances.
 */
public interface LocalPartitions {
  /**
   * The edge samples of these partitions whose window overlaps {@code [fromMs, toMs)}, as
   * {@link io.k8spacket.query.EdgeReader#edges} reads them.
   *
   * @throws io.k8spacket.query.StoreUnavailableException when one of the partitions is not active and running here
   */
  List<EdgeSample> edges(long fromMs, long toMs, Set<Integer> partitions);

  /**
   * The TLS session samples of these partitions whose window overlaps {@code [fromMs, toMs)}.
   *
   * @throws io.k8spacket.query.StoreUnavailableException when one of the partitions is not active and running here
   */
  List<TlsSessionSample> sessions(long fromMs, long toMs, Set<Integer> partitions);

  /**
   * The certificate entries of these partitions; with a {@code key}, only that entry if one of them holds it.
   *
   * @param key a {@link io.k8spacket.query.tls.CertificateKey}, or null for every entry
   * @throws io.k8spacket.query.StoreUnavailableException when one of the partitions is not active and running here
   */
  List<CertificateView> certificates(Set<Integer> partitions, String key);

  /** Convenience for {@link #certificates(Set, String)} with one key. */
  default Optional<CertificateView> certificate(String key, Set<Integer> partitions) {
    return certificates(partitions, key).stream().findFirst();
  }
}
