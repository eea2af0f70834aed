package io.k8spacket.streams.query;

import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.cluster.LocalPartitions;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsSessionSample;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * This instance's stores read partition by partition ({@link LocalPartitions}): what its peers ask for over the
 * internal endpoints, and what its own cluster readers read for its share. Each partition is read with
 * {@code StoreQueryParameters.withPartition} and without stale stores, so only an active, running task answers.
 */
public final class LocalShards implements LocalPartitions {
  private final EdgeStoreReader edges;
  private final TlsStoreReader tls;

  public LocalShards(EdgeStoreReader edges, TlsStoreReader tls) {
    this.edges = Objects.requireNonNull(edges, "edges");
    this.tls = Objects.requireNonNull(tls, "tls");
  }

  @Override
  public List<EdgeSample> edges(long fromMs, long toMs, Set<Integer> partitions) {
    return edges.edgesOf(Objects.requireNonNull(partitions, "partitions"), fromMs, toMs);
  }

  @Override
  public List<TlsSessionSample> sessions(long fromMs, long toMs, Set<Integer> partitions) {
    return tls.sessionsOf(Objects.requireNonNull(partitions, "partitions"), fromMs, toMs);
  }

  @Override
  public List<CertificateView> certificates(Set<Integer> partitions, String key) {
    return tls.certificatesOf(Objects.requireNonNull(partitions, "partitions"), key);
  }
}
