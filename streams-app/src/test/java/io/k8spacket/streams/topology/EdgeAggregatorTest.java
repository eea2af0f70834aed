package io.k8spacket.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EdgeAggregatorTest {
  @Test
  void a_port_is_added_once_in_ascending_order() {
    assertThat(EdgeAggregator.withPort(List.of(), 443)).containsExactly(443);
    assertThat(EdgeAggregator.withPort(List.of(80, 8443), 443)).containsExactly(80, 443, 8443);
    assertThat(EdgeAggregator.withPort(List.of(80, 443), 443)).containsExactly(80, 443);
  }

  @Test
  void a_full_list_keeps_the_smallest_ports() {
    List<Integer> full = IntStream.rangeClosed(1, EdgeAggregator.MAX_SERVER_PORTS).map(i -> i * 100).boxed().toList();

    assertThat(EdgeAggregator.withPort(full, 5000)).isSameAs(full);
    List<Integer> withSmaller = EdgeAggregator.withPort(full, 50);
    assertThat(withSmaller).hasSize(EdgeAggregator.MAX_SERVER_PORTS).startsWith(50, 100)
        .endsWith((EdgeAggregator.MAX_SERVER_PORTS - 1) * 100);
  }
}
