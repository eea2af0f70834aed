package io.k8spacket.query.http;

import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.k8spacket.query.QueryExecutor;
import io.k8spacket.query.cluster.LocalPartitions;
import io.k8spacket.query.cluster.PeerWire;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The internal endpoints peers call ({@code /internal/v1/edges}, {@code /internal/v1/tls-sessions},
 * {@code /internal/v1/certificates}): this instance's share of a store, read
 * from the named partitions of its local stores only, as a JSON array of the reader contract's records
 * ({@link PeerWire}). They sit behind the same guards as every route (read-only, bearer token when configured),
 * and run within the query deadline. A partition that is not active here answers 503, so the asking instance
 * leaves this share out instead of reading a partition twice.
 *
 * <p>Parameters: {@code partitions} (required, comma-separated, e.g. {@code 0,3}), {@code from} and {@code to}
 * (required for edges and sessions, epoch ms, exact: no defaults and no rounding here), {@code key} (optional,
 * certificates: one entry).
 */
public final class InternalHandlers {
  /** More partitions than any store has; bounds what a request can make this instance do. */
  static final int MAX_PARTITIONS = 10_000;

  private final LocalPartitions local;
  private final QueryExecutor executor;

  public InternalHandlers(LocalPartitions local, QueryExecutor executor) {
    this.local = Objects.requireNonNull(local, "local");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** {@code /internal/v1/edges}: edge samples of the partitions in the range. */
  public void edges(Context ctx) {
    inRange(ctx, local::edges);
  }

  /** {@code /internal/v1/tls-sessions}: TLS session samples of the partitions in the range. */
  public void sessions(Context ctx) {
    inRange(ctx, local::sessions);
  }

  /** A read of the given partitions over {@code [from, to)}. */
  private interface RangeRead {
    List<?> read(long from, long to, Set<Integer> partitions);
  }

  /** Parses {@code partitions}, {@code from} and {@code to} (400 when bad), runs {@code read}, writes its items. */
  private void inRange(Context ctx, RangeRead read) {
    Set<Integer> partitions = partitions(ctx);
    long from = epochMs(ctx, "from");
    long to = epochMs(ctx, "to");
    requireOrdered(from, to);
    write(ctx, executor.call(() -> read.read(from, to, partitions)));
  }

  /** {@code /internal/v1/certificates}: certificate entries of the partitions, or the one with {@code key}. */
  public void certificates(Context ctx) {
    Set<Integer> partitions = partitions(ctx);
    String key = ctx.queryParam("key");
    write(ctx, executor.call(() -> local.certificates(partitions, key == null || key.isEmpty() ? null : key)));
  }

  private static void write(Context ctx, List<?> items) {
    ctx.contentType(ContentType.APPLICATION_JSON).result(PeerWire.write(items));
  }

  static Set<Integer> partitions(Context ctx) {
    return parsePartitions(ctx.queryParam("partitions"));
  }

  /** {@code 0,2,5} as a set; 400 when absent, empty, not integers, negative or too many. */
  static Set<Integer> parsePartitions(String value) {
    if (value == null || value.isEmpty()) {
      throw new BadRequestException("parameter 'partitions' is required (comma-separated partition numbers)");
    }
    String[] parts = value.split(",", -1);
    if (parts.length > MAX_PARTITIONS) {
      throw new BadRequestException("parameter 'partitions' names more than " + MAX_PARTITIONS + " partitions");
    }
    Set<Integer> partitions = new TreeSet<>();
    for (String part : parts) {
      try {
        int p = Integer.parseInt(part.trim());
        if (p < 0) {
          throw new NumberFormatException("negative");
        }
        partitions.add(p);
      } catch (NumberFormatException e) {
        throw new BadRequestException("parameter 'partitions' must be comma-separated non-negative integers");
      }
    }
    return partitions;
  }

  private static long epochMs(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty()) {
      throw new BadRequestException("parameter '" + name + "' is required (epoch milliseconds)");
    }
    try {
      long ms = Long.parseLong(value);
      if (ms < 0) {
        throw new NumberFormatException("negative");
      }
      return ms;
    } catch (NumberFormatException e) {
      throw new BadRequestException("parameter '" + name + "' must be a non-negative integer (epoch milliseconds)");
    }
  }

  private static void requireOrdered(long from, long to) {
    if (from > to) {
      throw new BadRequestException("parameter 'from' (" + from + ") must not be after parameter 'to' (" + to + ")");
    }
  }
}
