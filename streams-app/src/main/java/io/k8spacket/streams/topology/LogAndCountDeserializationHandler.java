package io.k8spacket.streams.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be decoded is logged in one line, counted in
 * {@code k8spacket_streams_records_skipped_total{topic}} and skipped, so one bad producer cannot stop the app.
 * Dead-letter topics are a later step.
 *
 * <p>The meter registry comes from the streams properties under {@link #METER_REGISTRY_CONFIG} (an object
 * value); without one the counter goes to Micrometer's global registry.
 */
public final class LogAndCountDeserializationHandler implements DeserializationExceptionHandler {
  /** Streams property holding the {@link MeterRegistry} instance to count in. */
  public static final String METER_REGISTRY_CONFIG = "k8spacket.meter.registry";
  /** Name of the counter (Prometheus adds {@code _total}). */
  public static final String SKIPPED_METRIC = "k8spacket.streams.records.skipped";

  private static final Logger LOG = LoggerFactory.getLogger(LogAndCountDeserializationHandler.class);

  private MeterRegistry registry = Metrics.globalRegistry;

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(METER_REGISTRY_CONFIG) instanceof MeterRegistry r) {
      registry = r;
    }
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    LOG.warn("skipping undecodable record topic={} partition={} offset={}: {}", context.topic(),
        context.partition(), context.offset(), exception.getMessage());
    registry.counter(SKIPPED_METRIC, "topic", String.valueOf(context.topic()), "reason", "undecodable")
        .increment();
    return Response.resume();
  }
}
