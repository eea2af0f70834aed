package io.k8spacket.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one query carries besides its parameters, and what it learns on the way: the caller's credentials, which
 * a reader that asks peer instances forwards to them, and the parts of the answer that are missing (a peer that
 * did not answer in time). A reader that reads only local stores ignores it. Thread-safe: a fan-out may report
 * from several threads.
 *
 * <p>Example: the handler creates {@code QueryContext.forCaller("Bearer s3cret")}, the query service passes it
 * to the reader, a cluster reader calls {@link #missing missing("peer 10.0.0.2:6676 timed out")} and still
 * returns what the other instances answered; the handler then sees {@link #complete()} false and reports the
 * missing parts in a response header.
 */
public final class QueryContext {
  private final String authorization;
  private final Set<String> missing = new LinkedHashSet<>();
  private final Set<String> failedPeers = new LinkedHashSet<>();

  private QueryContext(String authorization) {
    this.authorization = authorization == null || authorization.isBlank() ? null : authorization;
  }

  /** A query on behalf of a caller whose {@code Authorization} header (null when none) peers must see too. */
  public static QueryContext forCaller(String authorization) {
    return new QueryContext(authorization);
  }

  /** A query without credentials (no token configured, or a caller inside the process). */
  public static QueryContext anonymous() {
    return new QueryContext(null);
  }

  /** The caller's {@code Authorization} header value, to forward to peers; empty when it sent none. */
  public Optional<String> authorization() {
    return Optional.ofNullable(authorization);
  }

  /** Records a part of the answer that is missing, in words ({@code peer 10.0.0.2:6676 timed out}). */
  public synchronized void missing(String part) {
    missing.add(part);
  }

  /**
   * Records that a peer instance failed to give its share, and why ({@code peer 10.0.0.2:6676 timed out after
   * 2000 ms}); later reads of the same query skip that peer instead of waiting for it again.
   */
  public synchronized void peerMissing(String peer, String part) {
    failedPeers.add(peer);
    missing.add(part);
  }

  /** True when {@code peer} already failed in this query. */
  public synchronized boolean peerFailed(String peer) {
    return failedPeers.contains(peer);
  }

  /** The missing parts in the order they were reported, each once. */
  public synchronized List<String> missingParts() {
    return new ArrayList<>(missing);
  }

  /** True when nothing is missing. */
  public synchronized boolean complete() {
    return missing.isEmpty();
  }
}
