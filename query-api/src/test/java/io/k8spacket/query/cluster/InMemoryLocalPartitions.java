package io.k8spacket.query.cluster;

import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsSessionSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A faithful in-memory {@link LocalPartitions}: samples and certificates filed by partition; a partition it does
 * not hold fails the whole call as a real instance does (it is not active here). Remembers the calls.
 */
public final class InMemoryLocalPartitions implements LocalPartitions {
  private final Map<Integer, List<EdgeSample>> edges = new ConcurrentHashMap<>();
  private final Map<Integer, List<TlsSessionSample>> sessions = new ConcurrentHashMap<>();
  private final Map<Integer, List<CertificateView>> certificates = new ConcurrentHashMap<>();
  private final Set<Integer> hosted = ConcurrentHashMap.newKeySet();
  private final List<String> calls = new CopyOnWriteArrayList<>();

  public InMemoryLocalPartitions host(int... partitions) {
    for (int p : partitions) {
      hosted.add(p);
    }
    return this;
  }

  public InMemoryLocalPartitions add(int partition, EdgeSample... samples) {
    host(partition);
    edges.computeIfAbsent(partition, p -> new CopyOnWriteArrayList<>()).addAll(List.of(samples));
    return this;
  }

  public InMemoryLocalPartitions add(int partition, TlsSessionSample... samples) {
    host(partition);
    sessions.computeIfAbsent(partition, p -> new CopyOnWriteArrayList<>()).addAll(List.of(samples));
    return this;
  }

  public InMemoryLocalPartitions add(int partition, CertificateView... entries) {
    host(partition);
    certificates.computeIfAbsent(partition, p -> new CopyOnWriteArrayList<>()).addAll(List.of(entries));
    return this;
  }

  /** The calls so far, as {@code edges [0, 1]}, {@code sessions [1]}, {@code certificates [0] key}. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public List<EdgeSample> edges(long fromMs, long toMs, Set<Integer> partitions) {
    calls.add("edges " + new TreeSet<>(partitions));
    List<EdgeSample> answer = new ArrayList<>();
    for (int p : check(partitions)) {
      edges.getOrDefault(p, List.of()).stream()
          .filter(s -> s.windowStartMs() < toMs && s.windowEndMs() > fromMs)
          .forEach(answer::add);
    }
    return answer;
  }

  @Override
  public List<TlsSessionSample> sessions(long fromMs, long toMs, Set<Integer> partitions) {
    calls.add("sessions " + new TreeSet<>(partitions));
    List<TlsSessionSample> answer = new ArrayList<>();
    for (int p : check(partitions)) {
      sessions.getOrDefault(p, List.of()).stream()
          .filter(s -> s.windowStartMs() < toMs && s.windowEndMs() > fromMs)
          .forEach(answer::add);
    }
    return answer;
  }

  @Override
  public List<CertificateView> certificates(Set<Integer> partitions, String key) {
    calls.add("certificates " + new TreeSet<>(partitions) + (key == null ? "" : " " + key));
    List<CertificateView> answer = new ArrayList<>();
    for (int p : check(partitions)) {
      certificates.getOrDefault(p, List.of()).stream()
          .filter(c -> key == null || c.key().equals(key))
          .forEach(answer::add);
    }
    return answer;
  }

  private Set<Integer> check(Set<Integer> partitions) {
    for (int p : partitions) {
      if (!hosted.contains(p)) {
        throw new StoreUnavailableException("partition " + p + " is not active here", null);
      }
    }
    return new TreeSet<>(partitions);
  }
}
