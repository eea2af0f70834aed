package io.k8spacket.streams.metadata.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.k8spacket.streams.metadata.MetadataPublisher;
import io.k8spacket.streams.metadata.MetadataSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster metadata source: names pod, Service and node IPs from the Kubernetes API, with one publisher per
 * cluster. Every instance runs a leader election on a {@code Lease}; only the leader runs the informers and
 * publishes ({@link ClusterWatch}), and it stops as soon as it loses the lease. A new leader publishes the full
 * current state once its informers have listed, then each change.
 *
 * <p>What is published, with the time the change happened (see streams-app/README.md): a pod's IPs (both
 * families) from when its sandbox got them until it terminates (phase Succeeded/Failed: the latest container
 * {@code finishedAt}) or is deleted, named after its workload (Deployment, CronJob, StatefulSet, DaemonSet,
 * Job, or the pod itself); a Service's cluster IPs; a node's InternalIPs, which win over the hostNetwork pods
 * that share them. A released IP is a tombstone, unless another live pod holds it: then the new holder.
 *
 * <p>Unlike the file source, {@link #start} returns at once: this instance publishes only once it leads.
 */
public final class KubernetesMetadataSource implements MetadataSource {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesMetadataSource.class);

  private final KubernetesClient client;
  private final KubernetesSourceOptions options;
  private final Clock clock;
  private final ScheduledExecutorService elections;
  private MetadataPublisher publisher;
  private CompletableFuture<?> election;
  private ClusterWatch watch;
  private boolean stopped;
  private String lastOtherLeader;

  /** Does not own {@code client}: the caller closes it after {@link #stop}. */
  public KubernetesMetadataSource(KubernetesClient client, KubernetesSourceOptions options) {
    this(client, options, Clock.systemUTC());
  }

  /** As above, with the clock that stamps changes whose time the API does not tell (tests pass a fixed one). */
  public KubernetesMetadataSource(KubernetesClient client, KubernetesSourceOptions options, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.elections = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "k8s-metadata-election");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts campaigning for the lease and returns; publishes to {@code publisher} while leading. */
  @Override
  public synchronized void start(MetadataPublisher publisher) {
    if (this.publisher != null || stopped) {
      throw new IllegalStateException(stopped ? "stopped" : "already started");
    }
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    LOG.info("kubernetes metadata: campaigning for lease {}/{} as {}", options.leaseNamespace(),
        options.leaseName(), options.identity());
    elections.execute(this::elect);
  }

  /**
   * Stops campaigning, releases the lease if held (so another instance takes over at once) and stops the
   * informers; nothing is published after this returns. Idempotent.
   */
  @Override
  public void stop() {
    CompletableFuture<?> running;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      running = election;
    }
    elections.shutdownNow();
    if (running != null) {
      running.cancel(true); // releases the lease and calls onStopLeading when leading
    }
    stopWatch();
  }

  /** Whether this instance leads and runs the informers. */
  public synchronized boolean isLeader() {
    return watch != null;
  }

  /**
   * The backends (EndpointSlice endpoints) of a Service's cluster IP and port; empty when unknown or when this
   * instance is not the leader (only the leader runs the informers).
   */
  public List<ServiceBackends.Backend> backendsOf(String serviceIp, int port) {
    ClusterWatch current;
    synchronized (this) {
      current = watch;
    }
    return current == null ? List.of() : current.backends().backendsOf(serviceIp, port);
  }

  /** Informer events the current leadership has handled; 0 when not leading (for tests). */
  synchronized long events() {
    return watch == null ? 0 : watch.events();
  }

  private void elect() {
    CompletableFuture<?> started;
    synchronized (this) {
      if (stopped) {
        return;
      }
      started = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
          .withName(options.leaseName())
          .withLock(new LeaseLock(options.leaseNamespace(), options.leaseName(), options.identity()))
          .withLeaseDuration(options.leaseDuration())
          .withRenewDeadline(options.renewDeadline())
          .withRetryPeriod(options.retryPeriod())
          .withReleaseOnCancel(true)
          .withLeaderCallbacks(new LeaderCallbacks(this::onStartLeading, this::onStopLeading, this::onNewLeader))
          .build()).build().start();
      election = started;
    }
    started.whenComplete((ignored, failure) -> electionEnded(started, failure));
  }

  /** An election ends when leadership is lost (or never won before an error): campaign again. */
  private void electionEnded(CompletableFuture<?> ended, Throwable failure) {
    synchronized (this) {
      if (stopped || election != ended) {
        return;
      }
    }
    if (failure != null && !(failure instanceof CancellationException)) {
      LOG.warn("kubernetes metadata: leader election failed, campaigning again: {}", failure.toString());
    }
    stopWatch();
    try {
      elections.schedule(this::elect, options.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // stopped meanwhile
    }
  }

  private void onStartLeading() {
    synchronized (this) {
      if (stopped || watch != null) {
        return;
      }
      LOG.info("kubernetes metadata: leading (lease {}/{}, identity {}); starting informers",
          options.leaseNamespace(), options.leaseName(), options.identity());
      watch = new ClusterWatch(client, publisher, options, clock);
      watch.start();
    }
  }

  private void onStopLeading() {
    boolean stopping;
    synchronized (this) {
      stopping = stopped;
    }
    if (stopWatch()) {
      LOG.info("kubernetes metadata: {} the lease {}/{}; stopped publishing", stopping ? "released" : "lost",
          options.leaseNamespace(), options.leaseName());
    }
  }

  private synchronized void onNewLeader(String identity) {
    if (identity != null && !identity.equals(options.identity()) && !identity.equals(lastOtherLeader)) {
      lastOtherLeader = identity;
      LOG.info("kubernetes metadata: lease {}/{} is held by {}", options.leaseNamespace(), options.leaseName(),
          identity);
    }
  }

  /** Closes the informers of this instance's leadership, if any; true when there were some. */
  private boolean stopWatch() {
    ClusterWatch toClose;
    synchronized (this) {
      toClose = watch;
      watch = null;
    }
    if (toClose != null) {
      toClose.close();
    }
    return toClose != null;
  }
}
