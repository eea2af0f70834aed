package io.k8spacket.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.event.TcpEventDecoder;
import io.k8spacket.agent.metrics.AgentMetrics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventPumpTest {
  private final ListEventSource source = new ListEventSource();
  private final CollectingSink sink = new CollectingSink();
  private final AgentMetrics metrics = new AgentMetrics();

  /** A valid IPv4 event with {@code bytesC2s} client-to-server bytes. */
  static byte[] event(long bytesC2s, int observer) {
    ByteBuffer b = ByteBuffer.allocate(TcpEventDecoder.SIZE).order(ByteOrder.nativeOrder());
    b.putLong(TcpEventDecoder.OFFSET_OPEN_NS, 100);
    b.putLong(TcpEventDecoder.OFFSET_CLOSE_NS, 200);
    b.putLong(TcpEventDecoder.OFFSET_BYTES_C2S, bytesC2s);
    b.put(TcpEventDecoder.OFFSET_CLIENT_ADDR, new byte[] {10, (byte) 231, 9, 1});
    b.put(TcpEventDecoder.OFFSET_SERVER_ADDR, new byte[] {10, (byte) 231, 9, 2});
    b.putShort(TcpEventDecoder.OFFSET_CLIENT_PORT, (short) 50000);
    b.putShort(TcpEventDecoder.OFFSET_SERVER_PORT, (short) 80);
    b.putShort(TcpEventDecoder.OFFSET_FAMILY, (short) 2);
    b.put(TcpEventDecoder.OFFSET_OBSERVER, (byte) observer);
    b.put(TcpEventDecoder.OFFSET_CLOSE_KIND, (byte) 1);
    return b.array();
  }

  @Test
  void records_are_decoded_in_order_and_bad_ones_counted_and_skipped() {
    source.offer(event(1, 1));
    source.offer(event(2, 9)); // unknown observer
    source.offer(event(3, 2));
    source.offer(new byte[40]); // short record

    try (EventPump pump = new EventPump(source, BootClock.fixed(1_000), sink, metrics, Duration.ofMillis(5), 2)
        .start()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> metrics.value("k8spacket.agent.decode.errors") == 2);
      assertThat(pump.healthy()).isTrue();
    }

    assertThat(sink.received()).extracting(TcpConnection::bytesClientToServer).containsExactly(1L, 3L);
    assertThat(sink.received()).extracting(TcpConnection::observer)
        .containsExactly(TcpConnection.Observer.CLIENT, TcpConnection.Observer.SERVER);
    assertThat(sink.received().get(0).openEpochNs()).isEqualTo(1_100);
    assertThat(metrics.value("k8spacket.agent.events.read")).isEqualTo(4);
  }

  @Test
  void close_hands_over_what_arrived_before_the_stop() {
    EventPump pump = new EventPump(source, BootClock.fixed(0), sink, metrics, Duration.ofSeconds(5), 1000);
    pump.start();
    await().until(pump::healthy);
    source.offer(event(7, 1)); // the pump sleeps 5 s: only the final drain on close can see this

    pump.close();

    assertThat(sink.received()).extracting(TcpConnection::bytesClientToServer).containsExactly(7L);
    assertThat(pump.healthy()).isFalse();
  }

  @Test
  void an_idle_pump_backs_off_and_still_reads_what_comes_later() {
    CountingSource counting = new CountingSource(source);
    try (EventPump pump = new EventPump(counting, new TcpRecords(BootClock.fixed(0), sink, metrics), BootClock.fixed(0),
        Duration.ofMillis(1), Duration.ofMillis(64), 100, "test-pump").start()) {
      await().until(() -> counting.drains() >= 12); // 1 + 2 + 4 + ... + 64 ms: at least 7 empty drains to reach 64
      long before = counting.drains();
      long t0 = System.nanoTime();
      await().until(() -> counting.drains() >= before + 3);
      long perDrainMs = (System.nanoTime() - t0) / 3 / 1_000_000;
      source.offer(event(9, 1));

      await().atMost(Duration.ofSeconds(2)).until(() -> sink.received().size() == 1);
      assertThat(perDrainMs).as("idle drains are about 64 ms apart, not 1 ms").isGreaterThanOrEqualTo(30);
      assertThat(pump.healthy()).isTrue();
    }
    assertThat(sink.received()).extracting(TcpConnection::bytesClientToServer).containsExactly(9L);
  }

  @Test
  void max_idle_interval_shorter_than_the_interval_is_refused() {
    assertThatThrownBy(() -> new EventPump(source, new TcpRecords(BootClock.fixed(0), sink, metrics),
        BootClock.fixed(0), Duration.ofMillis(10), Duration.ofMillis(5), 100, "test-pump"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIdleInterval");
  }

  /** A source that counts its drains. */
  private static final class CountingSource implements EventSource {
    private final EventSource inner;
    private final AtomicLong drains = new AtomicLong();

    CountingSource(EventSource inner) {
      this.inner = inner;
    }

    long drains() {
      return drains.get();
    }

    @Override
    public int drain(RecordHandler handler, int maxRecords) {
      drains.incrementAndGet();
      return inner.drain(handler, maxRecords);
    }

    @Override
    public long pendingBytes() {
      return inner.pendingBytes();
    }

    @Override
    public long capacityBytes() {
      return inner.capacityBytes();
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
