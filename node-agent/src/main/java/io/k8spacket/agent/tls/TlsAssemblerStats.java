package io.k8spacket.agent.tls;

import java.util.Map;

/**
 * A snapshot of the assembler's counters, for metrics. All counters only grow except {@code flows} and
 * {@code bytesHeld}, which are current values.
 *
 * @param segments chunks accepted
 * @param segmentBytes payload bytes accepted
 * @param duplicateBytes bytes already held when they arrived again (retransmissions, two interfaces, overlaps)
 * @param droppedBytes bytes not kept: beyond a direction's bound, or no memory left after eviction
 * @param handshakesEmitted HANDSHAKE events sent to the consumer
 * @param handshakesTimedOut of those, the ones emitted incomplete when the handshake timeout passed
 * @param flowsEvicted connections dropped unfinished to stay within the flow or byte bounds
 * @param flowsAbandoned connections that timed out without a parseable hello
 * @param flows connections tracked now (including finished ones kept to absorb retransmissions)
 * @param bytesHeld bytes held now for reassembly
 * @param parseErrors by kind, every kind present
 * @param emitFailures events the consumer threw on
 * @param fetchesStarted active fetches submitted
 * @param fetchesSucceeded active fetches that returned a chain (each emitted as CERTIFICATE_FETCH)
 * @param fetchesFailed active fetches that failed (connect, timeout, handshake)
 * @param fetchesSkipped fetches not made: rate-limited per (server, port, SNI) or the fetch queue full
 */
public record TlsAssemblerStats(long segments, long segmentBytes, long duplicateBytes, long droppedBytes,
                                long handshakesEmitted, long handshakesTimedOut, long flowsEvicted,
                                long flowsAbandoned, int flows, long bytesHeld, Map<ParseErrorKind, Long> parseErrors,
                                long emitFailures, long fetchesStarted, long fetchesSucceeded, long fetchesFailed,
                                long fetchesSkipped) {

  public TlsAssemblerStats {
    parseErrors = Map.copyOf(parseErrors);
  }

  public long parseErrors(ParseErrorKind kind) {
    return parseErrors.getOrDefault(kind, 0L);
  }

  public long parseErrorsTotal() {
    return parseErrors.values().stream().mapToLong(Long::longValue).sum();
  }
}
