package io.k8spacket.query.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestGuardsTest {
  @ParameterizedTest
  @ValueSource(strings = {"a=1", "include=web%7Capi&from=1", "x=%C3%A9", "x=%F0%9F%98%80", "x=+%2B", "x=\u00e9",
      "x=%25", "=&&="})
  void well_formed_query_strings_pass(String raw) {
    assertThatCode(() -> RequestGuards.requireWellFormed(raw)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x=%zz", "x=%", "x=%4", "x=%4g", "%%"})
  void broken_escapes_are_refused_with_their_position(String raw) {
    assertThatThrownBy(() -> RequestGuards.requireWellFormed(raw)).isInstanceOf(BadRequestException.class)
        .hasMessageStartingWith("the query string has a malformed percent-escape at character ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"x=%E0%A4", "x=%C0%AF", "x=%FF", "x=%ED%A0%80", "x=%80"})
  void bytes_that_are_not_utf_8_are_refused(String raw) {
    assertThatThrownBy(() -> RequestGuards.requireWellFormed(raw)).isInstanceOf(BadRequestException.class)
        .hasMessage("the query string does not decode to UTF-8");
  }
}
