package io.k8spacket.query.nodegraph;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The Node Graph API fields answer, {@code {"edges_fields":[…],"nodes_fields":[…]}}: identical to the
 * original's for each stats type (including the trailing spaces in two display names).
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

  private static final List<Field> EDGE_FIELDS = List.of(Field.string("id"), Field.string("source"),
      Field.string("target"), Field.string("mainStat"), Field.string("secondaryStat"));

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
    return new GraphFields(EDGE_FIELDS, List.of(Field.string("id"), Field.string("title"),
        Field.string("subTitle"),
        new Field("mainStat", "string", mainStat + " ", null),
        new Field("secondaryStat", "string", secondaryStat + " ", null),
        new Field("arc__1", "number", arc1Name, arc1Color),
        new Field("arc__2", "number", arc2Name, arc2Color)));
  }
}
