package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** 100,000 mutated handshakes on every build; {@link TlsAssemblerFuzzIT} runs the full million. */
class TlsAssemblerFuzzTest {
  static {
    TestHandshakes.pinJdkTlsDefaults();
  }


  @Test
  void mutated_handshakes_never_throw_and_stay_within_the_memory_bound() throws Exception {
    TlsFuzzer.Result result = new TlsFuzzer().run(100_000, 20_260_101L);

    System.out.println("fuzz: " + result.summary());
    assertThat(result.maxBytesHeld()).isLessThanOrEqualTo(TlsFuzzer.CONFIG.maxTotalBytes());
    assertThat(result.stats().parseErrors(ParseErrorKind.INTERNAL)).isZero();
    assertThat(result.events()).as("unmutated and lightly mutated handshakes still come out").isPositive();
    assertThat(result.stats().bytesHeld()).as("everything expired at the end").isZero();
  }
}
