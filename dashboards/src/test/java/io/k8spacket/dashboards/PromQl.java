package io.k8spacket.dashboards;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading to find the metric names and label names a dashboard query uses: strings, range
 * selectors and numbers are dropped, label matchers and {@code by/without/on/ignoring/group_*} lists give
 * label names, and an identifier not followed by {@code (} that is not a keyword is a metric name. Example:
 * {@code sum by (le) (rate(x_bucket{a=~"$a"}[$__rate_interval]))} uses metric {@code x_bucket}, labels
 * {@code le, a}.
 */
final class PromQl {
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
  /** Numbers and durations: {@code 0.95}, {@code 1e3}, {@code 86400}, {@code 5m}. */
  private static final Pattern NUMBER = Pattern.compile("(?<![\\w:$])\\d[\\w.+-]*");
  private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
  private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_]\\w*)\\s*(=~|!~|!=|=)");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][\\w:]*");
  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*(\\w+)\\s*\\)\\s*$");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
      "on", "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");

  private PromQl() {}

  /** The metric names and label names of a query (or of a {@code label_values(selector, label)} variable). */
  record Names(Set<String> metrics, Set<String> labels) {}

  static Names read(String query) {
    Set<String> metrics = new LinkedHashSet<>();
    Set<String> labels = new LinkedHashSet<>();
    Matcher values = LABEL_VALUES.matcher(query);
    if (values.matches()) {
      labels.add(values.group(2));
      query = values.group(1);
    }
    String text = STRING.matcher(query).replaceAll("\"\"");
    text = RANGE.matcher(text).replaceAll(" ");
    Matcher m = MATCHERS.matcher(text);
    while (m.find()) {
      Matcher label = MATCHER_LABEL.matcher(m.group(1));
      while (label.find()) {
        labels.add(label.group(1));
      }
    }
    text = MATCHERS.matcher(text).replaceAll(" ");
    Matcher g = GROUPING.matcher(text);
    while (g.find()) {
      for (String label : g.group(2).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.trim());
        }
      }
    }
    text = GROUPING.matcher(text).replaceAll(" ");
    text = NUMBER.matcher(text).replaceAll(" ");
    Matcher id = IDENTIFIER.matcher(text);
    while (id.find()) {
      String name = id.group();
      boolean call = text.substring(id.end()).stripLeading().startsWith("(");
      boolean grafanaVariable = id.start() > 0 && text.charAt(id.start() - 1) == '$';
      if (!call && !grafanaVariable && !KEYWORDS.contains(name)) {
        metrics.add(name);
      }
    }
    return new Names(metrics, labels);
  }

  /** Every PromQL text of a dashboard: target expressions and Prometheus query-variable queries. */
  static List<Dashboards.Text> queries(tools.jackson.databind.JsonNode dashboard) {
    return Dashboards.queryTexts(dashboard).stream()
        .filter(t -> t.where().endsWith(" expr") || t.where().startsWith("variable ")).toList();
  }
}
