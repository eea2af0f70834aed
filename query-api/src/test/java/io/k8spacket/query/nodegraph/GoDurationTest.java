package io.k8spacket.query.nodegraph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {
  @ParameterizedTest(name = "{0} ns is {1}")
  @CsvSource({
      "0, 0s",
      "1, 1ns",
      "999, 999ns",
      "1000, 1µs",
      "1500, 1.5µs",
      "999999, 999.999µs",
      "1000000, 1ms",
      "50000000, 50ms",
      "200000000, 200ms",
      "18750000, 18.75ms",
      "333333333, 333.333333ms",
      "1000000000, 1s",
      "1500000000, 1.5s",
      "15000000000, 15s",
      "59999999999, 59.999999999s",
      "60000000000, 1m0s",
      "90000000000, 1m30s",
      "3600000000000, 1h0m0s",
      "7384005000000, 2h3m4.005s",
      "360000000000001, 100h0m0.000000001s",
      "-1500000, -1.5ms",
      "-61000000000, -1m1s",
      "9223372036854775807, 2562047h47m16.854775807s",
      "-9223372036854775808, -2562047h47m16.854775808s"
  })
  void formats_like_go_time_duration_string(long nanos, String expected) {
    assertThat(GoDuration.format(nanos)).isEqualTo(expected);
  }
}
