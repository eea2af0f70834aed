package io.k8spacket.agent;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One environment setting of the agent: full variable name, default as text, one-line doc (what docs/config.md
 * lists) and the parser that turns the text into a typed value. A missing or blank variable takes the default; a
 * value the parser refuses fails with the variable, the text and the parser's reason:
 * {@code K8SPACKET_AGENT_HTTP_PORT: 'http' is not an integer}.
 */
public record Setting<T>(String name, String defaultValue, String doc, Function<String, T> parser) {
  /** The value of this setting in {@code env}. */
  public T parse(Map<String, String> env) {
    String raw = env.get(name);
    String text = raw == null || raw.isBlank() ? defaultValue : raw.trim();
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' " + e.getMessage(), e);
    }
  }

  /** Parser helper: an integer in {@code [min, max]}. */
  public static long longIn(String text, long min, long max) {
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not an integer");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("is not in [" + min + ", " + max + "]");
    }
    return value;
  }

  /** Parser helper: {@code true} or {@code false} in any case. */
  public static boolean bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("is not true or false");
    };
  }
}
