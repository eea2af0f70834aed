package io.k8spacket.streams.topology;

import io.k8spacket.avro.CountOnceState;
import io.k8spacket.avro.SeenObservation;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serde of the count-once store: writes {@link SeenObservation}, and also reads the values of the
 * release before progress reports, so that an upgraded instance can read the entries its changelog restores
 * (otherwise the first record of a known client IP would fail the stream thread, again and again). Those values
 * have no state and were all closes; they read as HELD until close + twin wait when they hold a record, else as
 * COUNTING and not paired (a counted observation, kept to drop a late twin), the defaults of the other fields.
 */
final class SeenObservationSerde {
  /** The previous release's schema: before the per-socket fields, and before {@code CloseKind.OPEN}. */
  static final Schema BEFORE_PROGRESS_REPORTS = CompatibleSerde.beforeOpen(CompatibleSerde.without(
      SeenObservation.getClassSchema(), "state", "holdUntilMs", "paired", "closed", "backend", "backendPort"));

  private SeenObservationSerde() {}

  /** The serde; {@code twinWait} dates the end of the holds read from the previous release. */
  static Serde<SeenObservation> create(Duration twinWait) {
    long twinWaitMs = twinWait.toMillis();
    return CompatibleSerde.of(SeenObservation.class, o -> upgrade(o, twinWaitMs), BEFORE_PROGRESS_REPORTS);
  }

  private static SeenObservation upgrade(SeenObservation o, long twinWaitMs) {
    // only the previous schema gives a held record outside HELD (its state reads as the default, COUNTING)
    if (o.getHeld() != null && o.getState() != CountOnceState.HELD) {
      o.setState(CountOnceState.HELD);
      o.setHoldUntilMs(Math.floorDiv(o.getCloseTimeNs(), 1_000_000L) + twinWaitMs);
    }
    return o;
  }
}
