package io.k8spacket.query.nodegraph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GraphFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @EnumSource(StatsType.class)
  void fields_equal_the_original_as_json(StatsType type) throws IOException {
    JsonNode actual = JSON.valueToTree(GraphFields.of(type));
    assertThat(actual).isEqualTo(GraphFixtures.originalFields(type));
  }
}
