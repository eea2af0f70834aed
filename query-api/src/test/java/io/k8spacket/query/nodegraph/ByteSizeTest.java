package io.k8spacket.query.nodegraph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteSizeTest {
  private static final double KB = 1024;

  @ParameterizedTest(name = "{0} bytes is {1}")
  @CsvSource({
      "0, 0.00B",
      "200, 200.00B",
      "600, 600.00B",
      "1023, 1023.00B",
      "1023.999, 1024.00B",
      "1024, 1.00KB",
      "1124, 1.10KB",
      "1536, 1.50KB",
      "1152, 1.12KB",
      "1048576, 1.00MB",
      "1610612736, 1.50GB",
      "1099511627776, 1.00TB",
      "1125899906842624, 1.00PB",
      "0.125, 0.12B",
      "0.375, 0.38B",
      "1.005, 1.00B",
      "2.675, 2.67B"
  })
  void formats_with_two_decimals_and_1024_based_units(double bytes, String expected) {
    assertThat(ByteSize.format(bytes)).isEqualTo(expected);
  }

  @Test
  void units_stop_at_yottabytes() {
    assertThat(ByteSize.format(Math.pow(KB, 8) * 2048)).isEqualTo("2048.00YB");
  }

  @Test
  void exact_ties_round_to_even_like_go_printf() {
    assertThat(ByteSize.format(2.125)).isEqualTo("2.12B");
    assertThat(ByteSize.format(2.375)).isEqualTo("2.38B");
  }
}
