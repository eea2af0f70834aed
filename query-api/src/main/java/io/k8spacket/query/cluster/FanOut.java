package io.k8spacket.query.cluster;

import io.k8spacket.query.QueryContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Reads one store across the instances that share it, and concatenates their answers: each instance owns
 * disjoint partitions (the plan's {@link Share}s), so samples of different instances are different windows of
 * different edges, and the query service sums them as if one store had answered. Nothing is merged by key here,
 * so nothing is ever "last one wins".
 *
 * <p>Peers are asked first (in parallel, each bounded by the peer client's timeout), then this instance reads
 * its own share on the calling thread. A peer that fails is left out and named in the query's context
 * ({@link QueryContext#peerMissing}); a peer that already failed earlier in the same query (a graph reads edges,
 * then TLS sessions) is not asked again, so a query waits for a hung peer once. A local failure fails the whole
 * read, as it would on a single instance.
 *
 * <p>Example: plan {@code [local {0}, 10.0.0.2:6676 {1}, 10.0.0.3:6676 {2}]}, the third peer hangs: the answer
 * is partitions 0 and 1, and the context says {@code peer 10.0.0.3:6676 timed out after 2000 ms}.
 */
public final class FanOut {
  private FanOut() {}

  /**
   * The concatenated answers of every share of {@code plan}.
   *
   * @param local reads this instance's partitions
   * @param remote asks a peer for its partitions; fails with {@link PeerUnavailableException} when it cannot
   * @throws CancellationException when the calling thread is interrupted (the query is past its deadline)
   */
  public static <T> List<T> gather(List<Share> plan, Function<Set<Integer>, List<T>> local,
      BiFunction<Share, QueryContext, CompletableFuture<List<T>>> remote, QueryContext context) {
    Map<Share, CompletableFuture<List<T>>> asked = new LinkedHashMap<>();
    for (Share share : plan) {
      if (!share.local() && !context.peerFailed(share.peer())) {
        asked.put(share, remote.apply(share, context));
      }
    }
    List<T> all = new ArrayList<>();
    try {
      for (Share share : plan) {
        if (share.local()) {
          all.addAll(local.apply(share.partitions()));
        }
      }
      for (Map.Entry<Share, CompletableFuture<List<T>>> e : asked.entrySet()) {
        all.addAll(answer(e.getKey(), e.getValue(), context));
      }
    } catch (RuntimeException | Error e) {
      asked.values().forEach(f -> f.cancel(true));
      throw e;
    }
    return all;
  }

  private static <T> List<T> answer(Share share, CompletableFuture<List<T>> future, QueryContext context) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("query interrupted while waiting for peer " + share.peer());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      context.peerMissing(share.peer(), cause instanceof PeerUnavailableException p ? p.getMessage()
          : "peer " + share.peer() + " failed: " + cause);
      return List.of();
    } catch (CancellationException e) {
      context.peerMissing(share.peer(), "peer " + share.peer() + " was cancelled");
      return List.of();
    }
  }
}
