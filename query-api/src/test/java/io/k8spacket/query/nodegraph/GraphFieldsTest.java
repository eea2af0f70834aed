package io.k8spacket.query.nodegraph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GraphFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @EnumSource(StatsType.class)
  void fields_without_the_added_details_equal_the_original_as_json(StatsType type) throws IOException {
    JsonNode actual = JSON.valueToTree(GraphFields.of(type));
    assertThat(GraphFixtures.withoutDetails(actual)).isEqualTo(GraphFixtures.originalFields(type));
  }

  @ParameterizedTest
  @EnumSource(StatsType.class)
  void the_details_follow_the_original_fields_as_strings_with_display_names(StatsType type) throws IOException {
    JsonNode actual = JSON.valueToTree(GraphFields.of(type));
    JsonNode original = GraphFixtures.originalFields(type);

    assertThat(GraphFixtures.details(actual, "nodes_fields")).map(JsonNode::toString).containsExactly(
        "{\"field_name\":\"detail__namespace\",\"type\":\"string\",\"displayName\":\"Namespace\"}",
        "{\"field_name\":\"detail__kind\",\"type\":\"string\",\"displayName\":\"Kind\"}",
        "{\"field_name\":\"detail__ports\",\"type\":\"string\",\"displayName\":\"Server ports\"}",
        "{\"field_name\":\"detail__tls\",\"type\":\"string\",\"displayName\":\"TLS share of connections\"}");
    assertThat(GraphFixtures.details(actual, "edges_fields")).map(JsonNode::toString).containsExactly(
        "{\"field_name\":\"detail__service\",\"type\":\"string\",\"displayName\":\"Service\"}",
        "{\"field_name\":\"detail__ports\",\"type\":\"string\",\"displayName\":\"Server ports\"}",
        "{\"field_name\":\"detail__tls\",\"type\":\"string\",\"displayName\":\"TLS share of connections\"}");
    for (String list : List.of("nodes_fields", "edges_fields")) {
      int originals = original.get(list).size();
      for (int i = 0; i < actual.get(list).size(); i++) {
        boolean detail = actual.get(list).get(i).get("field_name").asText().startsWith("detail__");
        assertThat(detail).as("%s[%d]: the original's fields come first, then the details", list, i)
            .isEqualTo(i >= originals);
      }
    }
  }
}
