package io.k8spacket.streams.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be decoded is logged in one line, counted in
 * {@code k8spacket_streams_records_skipped_total{topic, reason}} ({@link DeadLetters.Reason}), sent to the
 * dead-letter topic when one is configured ({@code errors.dead.letter.queue.topic.name}, Kafka Streams' built-in
 * mechanism: the dead letter is produced in the same transaction that moves past the record) and skipped, so one
 * bad producer can neither stop the app nor lose the evidence.
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
  private String deadLetterTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(METER_REGISTRY_CONFIG) instanceof MeterRegistry r) {
      registry = r;
    }
    Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    deadLetterTopic = topic == null || topic.toString().isBlank() ? null : topic.toString();
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    DeadLetters.Reason reason = DeadLetters.reason(context, exception);
    LOG.warn("skipping undecodable record topic={} partition={} offset={} reason={}{}: {}", context.topic(),
        context.partition(), context.offset(), reason.label(),
        deadLetterTopic == null ? "" : ", dead letter to " + deadLetterTopic, exception.getMessage());
    registry.counter(SKIPPED_METRIC, "topic", String.valueOf(context.topic()), "reason", reason.label())
        .increment();
    return deadLetterTopic == null ? Response.resume()
        : Response.resume(List.of(DeadLetters.of(deadLetterTopic, context, reason, exception)));
  }
}
