package io.k8spacket.dashboards;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grafana's template-variable syntax, as far as these dashboards use it: {@code $name}, {@code ${name}},
 * {@code ${name:format}} and {@code ${name.path}}, with the same pattern Grafana's template service uses. A
 * single value is inserted raw (the default "glob" format); {@code percentencode} encodes like
 * {@code encodeURIComponent}. Example: with {@code include = "web-.+"},
 * {@code "include=${include:percentencode}&from=${__from}"} becomes {@code "include=web-.%2B&from=1717000000000"}.
 */
final class GrafanaVariables {
  /** Grafana's variable pattern (public/app/features/variables/utils.ts, variableRegex). */
  static final Pattern REFERENCE =
      Pattern.compile("\\$(\\w+)|\\[\\[(\\w+?)(?::(\\w+))?]]|\\$\\{(\\w+)(?:\\.([^:^}]+))?(?::([^}]+))?}");

  /** Grafana's global variables (docs: "Global variables"), always defined. */
  static final List<String> GLOBALS = List.of("__from", "__to", "__interval", "__interval_ms", "__range",
      "__range_s", "__range_ms", "__rate_interval", "__rate_interval_ms", "__dashboard", "__data", "__field",
      "__series", "__value", "__org", "__user", "__timeFrom", "__timeTo", "__timezone", "__url_time_range",
      "__all_variables", "__name");

  private GrafanaVariables() {}

  /** The variable names a text refers to, in order. */
  static List<String> references(String text) {
    List<String> names = new ArrayList<>();
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) {
      names.add(name(m));
    }
    return names;
  }

  /** The text with every reference replaced by its value; a reference without a value fails. */
  static String interpolate(String text, Map<String, String> values) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = name(m);
      String value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException("no value for $" + name + " in: " + text);
      }
      String format = m.group(6) != null ? m.group(6) : m.group(3);
      m.appendReplacement(out, Matcher.quoteReplacement(format(value, format, text)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String name(Matcher m) {
    for (int g : new int[] {1, 2, 4}) {
      if (m.group(g) != null) {
        return m.group(g);
      }
    }
    throw new IllegalStateException("no name in " + m.group());
  }

  private static String format(String value, String format, String text) {
    if (format == null || format.equals("raw") || format.equals("glob")) {
      return value;
    }
    if (format.equals("percentencode")) {
      return percentEncode(value);
    }
    throw new IllegalArgumentException("format :" + format + " not handled by the test, in: " + text);
  }

  /** JavaScript's {@code encodeURIComponent}: everything but {@code A-Z a-z 0-9 - _ . ! ~ * ' ( )}. */
  static String percentEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%21", "!")
        .replace("%7E", "~").replace("%27", "'").replace("%28", "(").replace("%29", ")");
  }
}
