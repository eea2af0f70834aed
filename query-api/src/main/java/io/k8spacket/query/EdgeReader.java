package io.k8spacket.query;

import java.util.List;

/**
 * Read access to the windowed edge store. The streams app implements it over Kafka Streams interactive
 * queries; tests use an in-memory list.
 */
public interface EdgeReader {
  /**
   * The samples whose windows overlap {@code [fromMs, toMs)} (windows are whole: a range is rounded out to
   * window boundaries), in no particular order. A reader may sum the windows of one edge into one sample whose
   * window spans them (first start to last end, the endpoints of the latest), as the streams app's reader does:
   * the sums a query makes are the same.
   *
   * @throws StoreUnavailableException when the store cannot be queried now (rebalancing, starting)
   */
  List<EdgeSample> edges(long fromMs, long toMs);

  /**
   * The same samples on behalf of a query: a reader that asks other instances forwards the context's credentials
   * to them and reports in it the instances that did not answer, returning what the others did. Local readers
   * keep this default.
   *
   * @throws StoreUnavailableException when the store cannot be queried now
   */
  default List<EdgeSample> edges(long fromMs, long toMs, QueryContext context) {
    return edges(fromMs, toMs);
  }
}
