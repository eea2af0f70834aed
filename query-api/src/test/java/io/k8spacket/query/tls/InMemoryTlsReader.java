package io.k8spacket.query.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A faithful in-memory {@link TlsReader}: sessions whose window overlaps the asked range, in reverse insertion
 * order (the contract promises no order), certificates by key, or what it was told to throw.
 */
public final class InMemoryTlsReader implements TlsReader {
  private final List<TlsSessionSample> sessions = new CopyOnWriteArrayList<>();
  private final List<CertificateView> certificates = new CopyOnWriteArrayList<>();
  private volatile RuntimeException failure;

  public InMemoryTlsReader add(TlsSessionSample... more) {
    sessions.addAll(List.of(more));
    return this;
  }

  public InMemoryTlsReader add(CertificateView... more) {
    certificates.addAll(List.of(more));
    return this;
  }

  /** From now on every call throws {@code e}; null to answer again. */
  public void failWith(RuntimeException e) {
    failure = e;
  }

  @Override
  public List<TlsSessionSample> sessions(long fromMs, long toMs) {
    check();
    List<TlsSessionSample> answer = new ArrayList<>();
    for (TlsSessionSample s : sessions) {
      if (s.windowStartMs() < toMs && s.windowEndMs() > fromMs) {
        answer.add(0, s);
      }
    }
    return answer;
  }

  @Override
  public Optional<CertificateView> certificate(String key) {
    check();
    return certificates.stream().filter(c -> c.key().equals(key)).findFirst();
  }

  @Override
  public List<CertificateView> certificates() {
    check();
    List<CertificateView> answer = new ArrayList<>(certificates);
    java.util.Collections.reverse(answer);
    return answer;
  }

  private void check() {
    if (failure != null) {
      throw failure;
    }
  }
}
