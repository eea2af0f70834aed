package io.k8spacket.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
  @Test
  void matches_only_the_exact_token() {
    BearerToken token = BearerToken.of("T", "abc.DEF-123");

    assertThat(token.matches("abc.DEF-123")).isTrue();
    assertThat(token.matches("abc.def-123")).isFalse();
    assertThat(token.matches("abc.DEF-12")).isFalse();
    assertThat(token.matches("abc.DEF-1234")).isFalse();
    assertThat(token.matches("")).isFalse();
    assertThat(token.matches(null)).isFalse();
  }

  @Test
  void equal_tokens_are_equal_and_the_text_is_redacted() {
    assertThat(BearerToken.of("A", "abc")).isEqualTo(BearerToken.of("B", "abc"))
        .hasSameHashCodeAs(BearerToken.of("B", "abc"))
        .isNotEqualTo(BearerToken.of("A", "abd"));
    assertThat(BearerToken.of("A", "abc")).hasToString("BearerToken[redacted]");
  }

  @Test
  void refuses_values_that_cannot_travel_in_a_header_without_quoting_them() {
    assertThatThrownBy(() -> BearerToken.of("VAR", "")).hasMessage("VAR is empty");
    assertThatThrownBy(() -> BearerToken.of("VAR", "two words")).hasMessage(
        "VAR must be printable ASCII without spaces");
    assertThatThrownBy(() -> BearerToken.of("VAR", "caf\u00e9")).hasMessage(
        "VAR must be printable ASCII without spaces");
    assertThatThrownBy(() -> BearerToken.of("VAR", "x".repeat(BearerToken.MAX_LENGTH + 1)))
        .hasMessage("VAR is longer than 4096 characters");
  }
}
