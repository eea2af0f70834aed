package io.k8spacket.streams.query;

import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.QueryContext;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.query.cluster.FanOut;
import io.k8spacket.query.cluster.LocalPartitions;
import io.k8spacket.query.cluster.PeerClient;
import io.k8spacket.streams.topology.ConnectionsTopology;
import java.util.List;
import java.util.Objects;

/**
 * {@link EdgeReader} over the edge stores of every instance of the application: this instance's partitions read
 * locally, each peer's asked for over HTTP ({@link PeerClient}), as {@link StoreOwners} plans them, and the
 * samples concatenated ({@link FanOut}); the query service then sums them. Each partition is read once, by its
 * active owner, so nothing is counted twice; a peer that fails is named in the query's context and its share is
 * missing from the answer.
 */
public final class ClusterEdgeReader implements EdgeReader {
  private final StoreOwners owners;
  private final LocalPartitions local;
  private final PeerClient peers;

  public ClusterEdgeReader(StoreOwners owners, LocalPartitions local, PeerClient peers) {
    this.owners = Objects.requireNonNull(owners, "owners");
    this.local = Objects.requireNonNull(local, "local");
    this.peers = Objects.requireNonNull(peers, "peers");
  }

  /** Without a query context: an answer missing a peer's share is refused (503) rather than returned short. */
  @Override
  public List<EdgeSample> edges(long fromMs, long toMs) {
    QueryContext context = QueryContext.anonymous();
    return requireComplete(edges(fromMs, toMs, context), context);
  }

  @Override
  public List<EdgeSample> edges(long fromMs, long toMs, QueryContext context) {
    return FanOut.gather(owners.plan(ConnectionsTopology.EDGE_STORE), parts -> local.edges(fromMs, toMs, parts),
        (share, ctx) -> peers.edges(share, fromMs, toMs, ctx.authorization()), context);
  }

  /** {@code answer} when {@code context} misses nothing, else a {@link StoreUnavailableException} naming what. */
  static <T> T requireComplete(T answer, QueryContext context) {
    if (!context.complete()) {
      throw new StoreUnavailableException("answer incomplete: " + String.join("; ", context.missingParts()), null);
    }
    return answer;
  }
}
