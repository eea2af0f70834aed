package io.k8spacket.streams.query;

import static io.k8spacket.streams.query.ClusterEdgeReader.requireComplete;

import io.k8spacket.query.QueryContext;
import io.k8spacket.query.cluster.FanOut;
import io.k8spacket.query.cluster.LocalPartitions;
import io.k8spacket.query.cluster.PeerClient;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsReader;
import io.k8spacket.query.tls.TlsSessionSample;
import io.k8spacket.streams.topology.TlsTopology;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link TlsReader} over the TLS-session and certificate stores of every instance, as {@link ClusterEdgeReader}
 * reads the edge stores: own partitions locally, peers' over HTTP, answers concatenated. A certificate key lives
 * in one partition, so at most one instance has it; every owner is asked and the one entry found is returned.
 */
public final class ClusterTlsReader implements TlsReader {
  private final StoreOwners owners;
  private final LocalPartitions local;
  private final PeerClient peers;

  public ClusterTlsReader(StoreOwners owners, LocalPartitions local, PeerClient peers) {
    this.owners = Objects.requireNonNull(owners, "owners");
    this.local = Objects.requireNonNull(local, "local");
    this.peers = Objects.requireNonNull(peers, "peers");
  }

  @Override
  public List<TlsSessionSample> sessions(long fromMs, long toMs) {
    QueryContext context = QueryContext.anonymous();
    return requireComplete(sessions(fromMs, toMs, context), context);
  }

  @Override
  public Optional<CertificateView> certificate(String key) {
    QueryContext context = QueryContext.anonymous();
    return requireComplete(certificate(key, context), context);
  }

  @Override
  public List<CertificateView> certificates() {
    QueryContext context = QueryContext.anonymous();
    return requireComplete(certificates(context), context);
  }

  @Override
  public List<TlsSessionSample> sessions(long fromMs, long toMs, QueryContext context) {
    return FanOut.gather(owners.plan(TlsTopology.SESSION_STORE), parts -> local.sessions(fromMs, toMs, parts),
        (share, ctx) -> peers.sessions(share, fromMs, toMs, ctx.authorization()), context);
  }

  @Override
  public Optional<CertificateView> certificate(String key, QueryContext context) {
    Objects.requireNonNull(key, "key");
    return certificates(key, context).stream().findFirst();
  }

  @Override
  public List<CertificateView> certificates(QueryContext context) {
    return certificates(null, context);
  }

  private List<CertificateView> certificates(String key, QueryContext context) {
    return FanOut.gather(owners.plan(TlsTopology.CERTIFICATE_STORE), parts -> local.certificates(parts, key),
        (share, ctx) -> peers.certificates(share, key, ctx.authorization()), context);
  }
}
