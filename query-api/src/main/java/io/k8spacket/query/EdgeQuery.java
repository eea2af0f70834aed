package io.k8spacket.query;

import java.util.Objects;

/** What a caller asks for: a time range, the filters, and how to group endpoints. */
public record EdgeQuery(TimeRange range, SampleFilter filter, GroupBy groupBy) {
  public EdgeQuery {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(groupBy, "groupBy");
  }
}
