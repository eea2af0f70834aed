package io.k8spacket.query.nodegraph;

/**
 * The node graph's {@code stats-type}: which numbers the node and edge stats and arcs show. Unknown or missing
 * values mean {@link #CONNECTION}, as in the original.
 */
public enum StatsType {
  CONNECTION, BYTES, DURATION;

  /** The mode for a query-string value; anything but {@code bytes} or {@code duration} is connection. */
  public static StatsType parse(String value) {
    if ("bytes".equals(value)) {
      return BYTES;
    }
    if ("duration".equals(value)) {
      return DURATION;
    }
    return CONNECTION;
  }
}
