package io.k8spacket.query;

import java.util.List;

/**
 * The answer of {@link EdgeQueryService#aggregate}: grouped edges sorted by source then target key, and the
 * part of the queried range that the store's windows cover (the denominator of byte rates).
 *
 * @param coveredFromMs start of the queried range clipped to the earliest window returned
 * @param coveredToMs end of the queried range clipped to the latest window returned; equal to
 *     {@code coveredFromMs} when the store returned nothing
 */
public record EdgeAggregate(List<GroupedEdge> edges, long coveredFromMs, long coveredToMs) {
  public EdgeAggregate {
    edges = List.copyOf(edges);
    if (coveredToMs < coveredFromMs) {
      throw new IllegalArgumentException("coveredToMs must be >= coveredFromMs");
    }
  }

  /** Seconds of wall clock the aggregate describes; 0 when nothing is covered. */
  public double coveredSeconds() {
    return (coveredToMs - coveredFromMs) / 1000.0;
  }
}
