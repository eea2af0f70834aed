package io.k8spacket.query.http;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.k8spacket.query.EdgeQuery;
import io.k8spacket.query.GroupBy;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.SampleFilter;
import io.k8spacket.query.TimeRange;
import io.k8spacket.query.nodegraph.StatsType;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Parses and validates the query string shared by the graph and connections endpoints. A parameter that is
 * present but empty counts as absent (Grafana sends {@code namespace=} for an empty textbox). Failures throw
 * {@link BadRequestException} with a message naming the parameter.
 *
 * <p>Rules: {@code from}/{@code to} are integer epoch milliseconds, {@code from} absent = 0, {@code to} absent
 * = now + one window; a value in {@code (0, 10^11)} is refused as epoch seconds (10^11 ms is March 1973, 10^11 s
 * the year 5138, so no real timestamp of either unit is ambiguous); {@code from > to} is refused.
 */
public final class QueryParams {
  public static final String NAMESPACE = "namespace";
  public static final String INCLUDE = "include";
  public static final String EXCLUDE = "exclude";
  public static final String FROM = "from";
  public static final String TO = "to";
  public static final String GROUP_BY = "group-by";
  public static final String STATS_TYPE = "stats-type";

  /** Smallest accepted non-zero epoch-ms value; anything positive below it is taken for seconds. */
  static final long MIN_EPOCH_MS = 100_000_000_000L;

  private final QueryApiConfig config;
  private final Clock clock;

  public QueryParams(QueryApiConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The time range, filters and grouping; {@code param} returns a raw value or null when absent. */
  public EdgeQuery edgeQuery(Function<String, String> param) {
    SampleFilter filter = new SampleFilter(regex(param, NAMESPACE), regex(param, INCLUDE), regex(param, EXCLUDE));
    return new EdgeQuery(range(param), filter, groupBy(param));
  }

  /** The time range alone, by the same rules (the TLS endpoints take no filters). */
  public TimeRange range(Function<String, String> param) {
    String from = value(param, FROM);
    String to = value(param, TO);
    long fromMs = from == null ? 0 : epochMs(FROM, from);
    long toMs = to == null ? clock.millis() + config.windowMs() : epochMs(TO, to);
    if (fromMs > toMs) {
      throw new BadRequestException("parameter 'from' (" + fromMs + ") must not be after parameter 'to' ("
          + toMs + ")");
    }
    return new TimeRange(fromMs, toMs);
  }

  /** The stats mode; unknown or absent is connection, as in the original. */
  public StatsType statsType(Function<String, String> param) {
    return StatsType.parse(value(param, STATS_TYPE));
  }

  private GroupBy groupBy(Function<String, String> param) {
    String value = value(param, GROUP_BY);
    if (value == null) {
      return GroupBy.DEFAULT;
    }
    return GroupBy.parse(value).orElseThrow(() -> new BadRequestException("parameter 'group-by' must be one of "
        + Arrays.stream(GroupBy.values()).map(GroupBy::wireName).collect(Collectors.joining(", "))
        + ", was '" + value + "'"));
  }

  private Pattern regex(Function<String, String> param, String name) {
    String value = value(param, name);
    if (value == null) {
      return null;
    }
    if (RegexSize.estimate(value) > RegexSize.MAX_INSTRUCTIONS) {
      throw new BadRequestException("parameter '" + name + "' is too large a regular expression once its counted "
          + "repetitions are expanded (over " + RegexSize.MAX_INSTRUCTIONS + " instructions)");
    }
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new BadRequestException("parameter '" + name + "' is not a valid RE2 regular expression: "
          + e.getMessage());
    }
  }

  private static long epochMs(String name, String value) {
    long ms;
    try {
      ms = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new BadRequestException("parameter '" + name + "' must be an integer (epoch milliseconds), was '"
          + value + "'");
    }
    if (ms < 0) {
      throw new BadRequestException("parameter '" + name + "' must not be negative, was " + ms);
    }
    if (ms > 0 && ms < MIN_EPOCH_MS) {
      throw new BadRequestException("parameter '" + name + "' looks like epoch seconds (" + ms
          + "); send epoch milliseconds");
    }
    return ms;
  }

  /** The raw value, null when absent or empty; refuses over-long values before anything else reads them. */
  private String value(Function<String, String> param, String name) {
    String value = param.apply(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > config.maxParamLength()) {
      throw new BadRequestException("parameter '" + name + "' is longer than " + config.maxParamLength()
          + " characters");
    }
    return value;
  }
}
