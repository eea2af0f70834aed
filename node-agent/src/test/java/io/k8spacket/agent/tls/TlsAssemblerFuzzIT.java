package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The full fuzz run: 1,000,000 mutated handshakes through one assembler (about a minute on two cores). */
class TlsAssemblerFuzzIT {
  static {
    TestHandshakes.pinJdkTlsDefaults();
  }


  @Test
  void a_million_mutated_handshakes_never_throw_and_stay_within_the_memory_bound() throws Exception {
    TlsFuzzer.Result result = new TlsFuzzer().run(1_000_000, 19_700_101L);

    System.out.println("fuzz: " + result.summary());
    assertThat(result.handshakes()).isEqualTo(1_000_000);
    assertThat(result.maxBytesHeld()).isLessThanOrEqualTo(TlsFuzzer.CONFIG.maxTotalBytes());
    assertThat(result.stats().parseErrors(ParseErrorKind.INTERNAL)).isZero();
    assertThat(result.stats().bytesHeld()).isZero();
  }
}
