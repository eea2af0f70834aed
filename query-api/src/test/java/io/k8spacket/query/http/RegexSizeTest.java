package io.k8spacket.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegexSizeTest {
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = ' ', value = {
      "web|api 7",
      "(ab){3} 9",
      "a{1000} 1000",
      "(a{1000}){1000} 1001000",
      "((a{100}){100}){100} 1010100",
      "[a-z]{50} 50",
      "\\x{10FFFF}{5} 5",
      "\\p{Greek}{4} 4",
      "\\pL{4} 4",
      "[]{}]{3} 3",
      "[^]a{]x 2",
      "[[:alpha:]]{7} 7",
      "a{,5} 5",
      "a{ 2",
      "a{1 3",
      "a{2,} 3",
      "a{2,4} 4",
      "(?i)kube 7",
      "(a+)+$ 5",
      "\\Q{1000}\\E 6",
      "(((( 0",
      "a)) 3",
  })
  void estimates_the_expanded_size(String pattern, long expected) {
    assertThat(RegexSize.estimate(pattern)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"(a{1000}){1000}", "((a{100}){100}){100}", "(?:(?:a{1000}){1000}){1000}",
      "(((((((a{4}){4}){4}){4}){4}){4}){4}){4}", "a{999999999999}"})
  void patterns_that_expand_past_the_limit_are_over_it(String pattern) {
    assertThat(RegexSize.estimate(pattern)).isGreaterThan(RegexSize.MAX_INSTRUCTIONS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"^kube-", "web-[0-9a-f]{4,10}-[a-z0-9]{5}$", "(a+)+$", "(x+x+)+y", "\\d{1,3}(\\.\\d{1,3}){3}",
      "(a{100}){99}"})
  void real_filters_and_linear_hostile_ones_stay_under_it(String pattern) {
    assertThat(RegexSize.estimate(pattern)).isLessThanOrEqualTo(RegexSize.MAX_INSTRUCTIONS);
    Pattern.compile(pattern); // and re2j accepts them
  }
}
