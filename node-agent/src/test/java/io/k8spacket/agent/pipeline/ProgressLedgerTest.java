package io.k8spacket.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.event.TcpConnection.AddressFamily;
import io.k8spacket.agent.event.TcpConnection.CloseKind;
import io.k8spacket.agent.event.TcpConnection.Observer;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ProgressLedgerTest {
  private final ProgressLedger ledger = new ProgressLedger(16);

  @Test
  void reports_become_deltas_and_the_close_the_remainder() throws Exception {
    TcpConnection first = ledger.account(socket(1, CloseKind.OPEN, 1000, 20, 5, 3));
    TcpConnection second = ledger.account(socket(1, CloseKind.OPEN, 5000, 20, 9, 4));
    TcpConnection close = ledger.account(socket(1, CloseKind.NORMAL, 5200, 20, 12, 6));

    assertThat(counters(first)).containsExactly(1000L, 20L, 5L, 3L);
    assertThat(counters(second)).containsExactly(4000L, 0L, 4L, 1L);
    assertThat(counters(close)).containsExactly(200L, 0L, 3L, 2L);
    assertThat(close.closeKind()).isEqualTo(CloseKind.NORMAL);
    assertThat(ledger.openSockets()).isZero();
  }

  @Test
  void a_close_without_reports_carries_the_totals() throws Exception {
    TcpConnection c = socket(1, CloseKind.RESET, 300, 400, 7, 8);

    assertThat(ledger.account(c)).isSameAs(c);
  }

  @Test
  void a_report_without_new_bytes_is_not_published_and_its_segments_carry_over() throws Exception {
    ledger.account(socket(1, CloseKind.OPEN, 100, 0, 2, 1));

    assertThat(ledger.account(socket(1, CloseKind.OPEN, 100, 0, 4, 3))).isNull();
    assertThat(counters(ledger.account(socket(1, CloseKind.NORMAL, 150, 0, 6, 4)))).containsExactly(50L, 0L, 4L, 3L);
  }

  @Test
  void a_report_arriving_after_its_close_is_dropped() throws Exception {
    ledger.account(socket(1, CloseKind.OPEN, 100, 10, 1, 1));
    ledger.account(socket(1, CloseKind.NORMAL, 300, 30, 3, 3));

    assertThat(ledger.account(socket(1, CloseKind.OPEN, 250, 30, 2, 2))).isNull();
    assertThat(ledger.openSockets()).isZero();
  }

  @Test
  void a_port_reused_by_a_later_socket_is_another_socket() throws Exception {
    ledger.account(socket(1, CloseKind.OPEN, 100, 0, 1, 1));

    TcpConnection reused = ledger.account(socket(2, CloseKind.OPEN, 70, 0, 1, 1));

    assertThat(reused.bytesClientToServer()).isEqualTo(70);
    assertThat(ledger.openSockets()).isEqualTo(2);
  }

  @Test
  void beyond_the_bound_the_oldest_reporter_is_forgotten_and_counted() throws Exception {
    ProgressLedger small = new ProgressLedger(2);
    small.account(socket(1, CloseKind.OPEN, 10, 0, 1, 1));
    small.account(socket(2, CloseKind.OPEN, 10, 0, 1, 1));
    small.account(socket(3, CloseKind.OPEN, 10, 0, 1, 1));

    assertThat(small.openSockets()).isEqualTo(2);
    assertThat(small.evictions()).isEqualTo(1);
    // the forgotten socket's close counts its totals again: the documented cost of the bound
    assertThat(small.account(socket(1, CloseKind.NORMAL, 15, 0, 2, 2)).bytesClientToServer()).isEqualTo(15);
  }

  private static Long[] counters(TcpConnection c) {
    return new Long[] {c.bytesClientToServer(), c.bytesServerToClient(), c.segmentsClientToServer(),
        c.segmentsServerToClient()};
  }

  /** The client socket of 10.0.0.1:40000 -> 10.0.0.2:80 opened at boot time {@code openBootNs}. */
  private static TcpConnection socket(long openBootNs, CloseKind kind, long c2s, long s2c, long segsC2s,
      long segsS2c) throws Exception {
    return new TcpConnection(AddressFamily.IPV4, InetAddress.getByName("10.0.0.1"), 40000,
        InetAddress.getByName("10.0.0.2"), 80, Observer.CLIENT, kind, c2s, s2c, segsC2s, segsS2c, 0, 50, 7, 4026531840L,
        1_000L + openBootNs, 9_000L, openBootNs);
  }
}
