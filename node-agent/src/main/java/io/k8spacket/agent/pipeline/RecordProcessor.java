package io.k8spacket.agent.pipeline;

/**
 * What the reader thread does with the records of one ring: decode each and pass it on ({@link TcpRecords},
 * {@link TlsRecords}), plus housekeeping once per drain. Runs on the reader thread only; must not throw for
 * anything a record holds.
 */
public interface RecordProcessor extends EventSource.RecordHandler {
  /** Called after every drain, whether it read anything or not. */
  default void afterDrain() {}
}
