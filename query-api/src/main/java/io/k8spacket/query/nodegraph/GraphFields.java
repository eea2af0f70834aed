package io.k8spacket.query.nodegraph;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The Node Graph API fields answer, {@code {"edges_fields":[…],"nodes_fields":[…]}}: the original's for each
 * stats type (including the trailing spaces in two display names), followed in each list by the
 * {@code detail__*} fields this API adds ({@link #NODE_DETAILS}, {@link #EDGE_DETAILS}): Grafana's node graph
 * reads only declared fields, and shows detail fields, labelled by their display name, when a node or edge is
 * clicked. Without the detail fields the answer equals the original's.
 */
public record GraphFields(@JsonProperty("edges_fields") List<Field> edgesFields,
    @JsonProperty("nodes_fields") List<Field> nodesFields) {

  /** One frame field; {@code displayName} and {@code color} are left out when absent, as in the original. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Field(@JsonProperty("field_name") String fieldName, String type, String displayName,
      String color) {
    static Field string(String name) {
      return new Field(name, "string", null, null);
    }
  }

  /** The node details added to the original's fields, in every stats type (see {@link NodeGraph.Node}). */
  public static final List<Field> NODE_DETAILS = List.of(detail("namespace", "Namespace"),
      detail("kind", "Kind"), detail("ports", "Server ports"), detail("tls", "TLS share of connections"));
  /** The edge details added to the original's fields, in every stats type (see {@link NodeGraph.Edge}). */
  public static final List<Field> EDGE_DETAILS = List.of(detail("service", "Service"),
      detail("ports", "Server ports"), detail("tls", "TLS share of connections"));

  private static final List<Field> EDGE_FIELDS = concat(List.of(Field.string("id"), Field.string("source"),
      Field.string("target"), Field.string("mainStat"), Field.string("secondaryStat")), EDGE_DETAILS);

  /** The fields for a stats type. */
  public static GraphFields of(StatsType type) {
    return switch (type) {
      case CONNECTION -> nodes("All connections", "Persistent connections", "green",
          "Persistent connections", "red", "Short-lived connections");
      case BYTES -> nodes("Bytes received", "Bytes responded", "blue", "Bytes received", "yellow",
          "Bytes responded");
      case DURATION -> nodes("Average duration", "Max duration", "purple", "Average duration", "white",
          "Max duration");
    };
  }

  private static GraphFields nodes(String mainStat, String secondaryStat, String arc1Color, String arc1Name,
      String arc2Color, String arc2Name) {
    return new GraphFields(EDGE_FIELDS, concat(List.of(Field.string("id"), Field.string("title"),
        Field.string("subTitle"),
        new Field("mainStat", "string", mainStat + " ", null),
        new Field("secondaryStat", "string", secondaryStat + " ", null),
        new Field("arc__1", "number", arc1Name, arc1Color),
        new Field("arc__2", "number", arc2Name, arc2Color)), NODE_DETAILS));
  }

  private static Field detail(String name, String displayName) {
    return new Field("detail__" + name, "string", displayName, null);
  }

  private static List<Field> concat(List<Field> original, List<Field> details) {
    List<Field> all = new ArrayList<>(original);
    all.addAll(details);
    return List.copyOf(all);
  }
}
