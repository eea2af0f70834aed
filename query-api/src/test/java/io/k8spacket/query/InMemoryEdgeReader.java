package io.k8spacket.query;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A faithful in-memory {@link EdgeReader}: answers every sample whose window overlaps the asked range, in
 * reverse insertion order (the contract promises no order), or throws what it was told to throw.
 */
public final class InMemoryEdgeReader implements EdgeReader {
  private final List<EdgeSample> samples = new CopyOnWriteArrayList<>();
  private volatile RuntimeException failure;
  private final List<long[]> calls = new CopyOnWriteArrayList<>();

  public InMemoryEdgeReader add(EdgeSample... more) {
    samples.addAll(List.of(more));
    return this;
  }

  /** From now on every call throws {@code e}; null to answer again. */
  public void failWith(RuntimeException e) {
    failure = e;
  }

  /** The ranges asked so far, as {@code [fromMs, toMs]}. */
  public List<long[]> calls() {
    return List.copyOf(calls);
  }

  @Override
  public List<EdgeSample> edges(long fromMs, long toMs) {
    calls.add(new long[] {fromMs, toMs});
    if (failure != null) {
      throw failure;
    }
    List<EdgeSample> answer = new ArrayList<>();
    for (EdgeSample s : samples) {
      if (s.windowStartMs() < toMs && s.windowEndMs() > fromMs) {
        answer.add(0, s);
      }
    }
    return answer;
  }
}
