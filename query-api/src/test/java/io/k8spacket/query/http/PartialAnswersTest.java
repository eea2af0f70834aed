package io.k8spacket.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartialAnswersTest {
  @Test
  void parts_are_joined_on_one_printable_ascii_line() {
    assertThat(PartialAnswers.headerValue(List.of("peer a:1 timed out after 2000 ms", "peer b:2 answered HTTP 503")))
        .isEqualTo("peer a:1 timed out after 2000 ms; peer b:2 answered HTTP 503");
    assertThat(PartialAnswers.headerValue(List.of("peer a:1 failed: x\r\nSet-Cookie: y", "peer ü:1 is unreachable")))
        .isEqualTo("peer a:1 failed: x??Set-Cookie: y; peer ?:1 is unreachable");
  }

  @Test
  void a_long_list_is_cut() {
    String value = PartialAnswers.headerValue(List.of("x".repeat(5000)));

    assertThat(value).hasSize(PartialAnswers.MAX_LENGTH).endsWith("...");
  }
}
