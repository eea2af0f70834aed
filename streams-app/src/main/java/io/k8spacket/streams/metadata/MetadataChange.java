package io.k8spacket.streams.metadata;

import io.k8spacket.avro.EndpointMetadata;
import java.util.Objects;

/**
 * One change of who holds an IP, seen at {@code seenAtMs} (wall clock, ms since the epoch): the new holder,
 * or {@code metadata == null} when the IP was released (published as a tombstone).
 */
public record MetadataChange(String ip, EndpointMetadata metadata, long seenAtMs) {
  public MetadataChange {
    Objects.requireNonNull(ip, "ip");
    if (metadata != null && !ip.equals(metadata.getIp())) {
      throw new IllegalArgumentException("metadata.ip " + metadata.getIp() + " differs from ip " + ip);
    }
  }

  /** {@code ip} now belongs to {@code metadata} (its {@code changedAtMs} is the time seen). */
  public static MetadataChange upsert(EndpointMetadata metadata) {
    return new MetadataChange(metadata.getIp(), metadata, metadata.getChangedAtMs());
  }

  /** {@code ip} was released at {@code seenAtMs}. */
  public static MetadataChange removal(String ip, long seenAtMs) {
    return new MetadataChange(ip, null, seenAtMs);
  }

  public boolean isRemoval() {
    return metadata == null;
  }
}
