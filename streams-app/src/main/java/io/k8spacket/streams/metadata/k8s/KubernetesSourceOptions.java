package io.k8spacket.streams.metadata.k8s;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link KubernetesMetadataSource}: informer resync, the Lease that elects the one publisher and
 * its timings (client-go's defaults: 15 s lease, 10 s renew deadline, 2 s retry), and how far back a change
 * may be dated ({@code maxBackdate}: keep it well inside the metadata table's history retention, or the
 * versioned table drops the version).
 */
public record KubernetesSourceOptions(Duration resync, String leaseNamespace, String leaseName, String identity,
    Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Duration maxBackdate) {
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);
  public static final Duration DEFAULT_MAX_BACKDATE = Duration.ofMinutes(10);

  public KubernetesSourceOptions {
    Objects.requireNonNull(resync, "resync");
    requireText(leaseNamespace, "leaseNamespace");
    requireText(leaseName, "leaseName");
    requireText(identity, "identity");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(renewDeadline, "renewDeadline");
    Objects.requireNonNull(retryPeriod, "retryPeriod");
    Objects.requireNonNull(maxBackdate, "maxBackdate");
    if (resync.isNegative()) {
      throw new IllegalArgumentException("resync must not be negative");
    }
    if (retryPeriod.isNegative() || retryPeriod.isZero()) {
      throw new IllegalArgumentException("retryPeriod must be positive");
    }
    if (renewDeadline.compareTo(retryPeriod) <= 0 || leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException("need leaseDuration > renewDeadline > retryPeriod, got " + leaseDuration
          + ", " + renewDeadline + ", " + retryPeriod);
    }
    if (maxBackdate.isNegative()) {
      throw new IllegalArgumentException("maxBackdate must not be negative");
    }
  }

  /** With the default lease timings and backdating. */
  public static KubernetesSourceOptions of(Duration resync, String leaseNamespace, String leaseName,
      String identity) {
    return new KubernetesSourceOptions(resync, leaseNamespace, leaseName, identity, DEFAULT_LEASE_DURATION,
        DEFAULT_RENEW_DEADLINE, DEFAULT_RETRY_PERIOD, DEFAULT_MAX_BACKDATE);
  }

  public KubernetesSourceOptions withLeaseTimings(Duration leaseDuration, Duration renewDeadline,
      Duration retryPeriod) {
    return new KubernetesSourceOptions(resync, leaseNamespace, leaseName, identity, leaseDuration, renewDeadline,
        retryPeriod, maxBackdate);
  }

  public KubernetesSourceOptions withMaxBackdate(Duration maxBackdate) {
    return new KubernetesSourceOptions(resync, leaseNamespace, leaseName, identity, leaseDuration, renewDeadline,
        retryPeriod, maxBackdate);
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
