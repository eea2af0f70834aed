package io.k8spacket.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpTextTest {
  @ParameterizedTest
  @CsvSource({
      "10.231.1.1, 10.231.1.1",
      "0.0.0.0, 0.0.0.0",
      "255.255.255.255, 255.255.255.255",
      "fd00:231:1:0:0:0:0:1, fd00:231:1::1",
      "0:0:0:0:0:0:0:1, ::1",
      "0:0:0:0:0:0:0:0, ::",
      "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
      "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
      "fe80:0:0:0:0:0:0:0, fe80::",
      "1:0:0:2:0:0:0:3, 1:0:0:2::3",
      "::ffff:10.231.1.1, 10.231.1.1"
  })
  void formats_rfc_5952(String input, String expected) throws Exception {
    assertThat(IpText.format(InetAddress.getByName(input))).isEqualTo(expected);
  }
}
