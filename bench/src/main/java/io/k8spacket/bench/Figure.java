package io.k8spacket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One headline figure of a benchmark: its value against a goal, and what it was measured against in the same
 * run (the baseline) with their ratio. Example: {@code agent_vs_c_ratio = 0.93 (goal >= 0.9)}, measured
 * {@code 1.1e7 events/s (Java)}, baseline {@code 1.2e7 events/s (C)}, ratio 0.93.
 *
 * @param name key in the runner's JSON line, e.g. {@code probe_overhead_pct}
 * @param value the figure itself; null when it could not be measured (then {@code note} says why)
 * @param goalOp {@code <=} or {@code >=}, or null without a goal
 */
public record Figure(String name, Double value, String unit, String goalOp, Double goal, Double measured,
                     Double baseline, String measuredText, String baselineText, String note, JsonNode details) {
  static final ObjectMapper JSON = new ObjectMapper();

  public Figure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    if (goalOp != null && !goalOp.equals("<=") && !goalOp.equals(">=")) {
      throw new IllegalArgumentException("goalOp must be <= or >=, got " + goalOp);
    }
  }

  /** A figure that could not be measured. */
  public static Figure missing(String name, String unit, String goalOp, Double goal, String why) {
    return new Figure(name, null, unit, goalOp, goal, null, null, null, null, why, JSON.createObjectNode());
  }

  /** Measured ÷ baseline, or null when either is missing or the baseline is zero. */
  public Double ratio() {
    return measured == null || baseline == null || baseline == 0 ? null : measured / baseline;
  }

  /** Whether the value meets the goal; null without a goal or a value. */
  public Boolean met() {
    if (goalOp == null || goal == null || value == null) {
      return null;
    }
    return goalOp.equals("<=") ? value <= goal : value >= goal;
  }

  public ObjectNode toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", name);
    putNumber(n, "value", value);
    n.put("unit", unit);
    n.put("goal_op", goalOp);
    putNumber(n, "goal", goal);
    putNumber(n, "measured", measured);
    putNumber(n, "baseline", baseline);
    n.put("measured_text", measuredText);
    n.put("baseline_text", baselineText);
    putNumber(n, "ratio", ratio());
    Boolean met = met();
    if (met == null) {
      n.putNull("met");
    } else {
      n.put("met", met);
    }
    n.put("note", note);
    n.set("details", details == null ? JSON.createObjectNode() : details);
    return n;
  }

  public static Figure fromJson(JsonNode n) {
    return new Figure(n.path("name").asText(), number(n, "value"), n.path("unit").asText(""), text(n, "goal_op"),
        number(n, "goal"), number(n, "measured"), number(n, "baseline"), text(n, "measured_text"),
        text(n, "baseline_text"), text(n, "note"), n.path("details"));
  }

  private static void putNumber(ObjectNode n, String key, Double v) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      n.putNull(key);
    } else {
      n.put(key, v);
    }
  }

  private static Double number(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? null : v.asDouble();
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }
}
