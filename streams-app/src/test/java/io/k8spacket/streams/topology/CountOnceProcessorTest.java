package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.Connection;
import io.k8spacket.avro.CountOnceState;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.SeenObservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The count-once processor on real stores, started as after a restore: its deadline index is not changelogged, so a
 * task starts with the entries and an empty index, and must rebuild it.
 */
class CountOnceProcessorTest {
  static final Duration TWIN_WAIT = Duration.ofSeconds(30);

  final MockProcessorContext<String, Connection> context = new MockProcessorContext<>();
  final KeyValueStore<String, SeenObservation> seen = store("seen", SeenObservationSerde.create(TWIN_WAIT));
  final KeyValueStore<String, String> due = store("due", Serdes.String());

  @Test
  void a_hold_restored_without_its_index_still_ends_at_its_deadline() {
    // the server side of web-1 → db-0, held for its client side since its close at T0 + 1 s
    Connection held = Enrichment.withClient(
        event(Observer.SERVER, "10.0.0.1", 40000, "10.0.0.2", 5432, T0, T0 + 1_000, 100, 2000), null);
    String key = CountOnceProcessor.seenKey(held);
    long holdUntil = T0 + 1_000 + TWIN_WAIT.toMillis();
    seen.put(key, SeenObservation.newBuilder().setObserver(Observer.SERVER).setOpenTimeNs(held.getOpenTimeNs())
        .setCloseTimeNs(held.getCloseTimeNs()).setServerIp("10.0.0.2").setServerPort(5432)
        .setServerKind(EndpointKind.UNKNOWN).setHeld(held).setState(CountOnceState.HELD).setHoldUntilMs(holdUntil)
        .setClosed(true).build());

    new CountOnceProcessor("seen", "due", Duration.ofMinutes(10), TWIN_WAIT).init(context);

    assertThat(entries(due)).extracting(e -> e.value).containsExactly(key);
    CapturedPunctuator endDeadlines = context.scheduledPunctuators().get(0);
    endDeadlines.getPunctuator().punctuate(holdUntil - 1);
    assertThat(context.forwarded()).isEmpty();
    endDeadlines.getPunctuator().punctuate(holdUntil);
    assertThat(context.forwarded()).singleElement().satisfies(f -> {
      assertThat(f.record().value()).isEqualTo(held);
      assertThat(f.record().timestamp()).isEqualTo(T0 + 1_000);
    });
    assertThat(seen.get(key).getState()).isEqualTo(CountOnceState.COUNTING);
  }

  /** An in-memory store, registered with the context as the task would. */
  private <V> KeyValueStore<String, V> store(String name, org.apache.kafka.common.serialization.Serde<V> values) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
        Serdes.String(), values).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  private static <V> List<KeyValue<String, V>> entries(KeyValueStore<String, V> store) {
    List<KeyValue<String, V>> all = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(all::add);
    }
    return all;
  }
}
