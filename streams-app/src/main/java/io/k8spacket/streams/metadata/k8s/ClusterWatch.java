package io.k8spacket.streams.metadata.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8spacket.streams.metadata.EndpointEntry;
import io.k8spacket.streams.metadata.MetadataChange;
import io.k8spacket.streams.metadata.MetadataPublisher;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leader runs: informers on ReplicaSets and Jobs (owner lookups only), then on pods, services,
 * EndpointSlices and nodes in all namespaces, and one worker thread that publishes what changed. Informer
 * handlers only record claims in {@link IpOwnership}; the worker takes the changes in batches and publishes
 * them, so a slow broker never blocks an informer. A failed publish is retried with backoff (and the next
 * resync would find it again, as it diffs against what was published).
 *
 * <p>Once all informers have listed, the full state is computed from their caches and published as one
 * batch; later events publish only real changes. Closed when leadership is lost: nothing is published after
 * {@link #close} returns.
 */
final class ClusterWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
  private static final long MAX_BACKOFF_MS = 30_000;

  private final KubernetesClient client;
  private final MetadataPublisher publisher;
  private final KubernetesSourceOptions options;
  private final Clock clock;
  private final Thread worker;
  private final Object lock = new Object();
  private final List<SharedIndexInformer<?>> informers = new CopyOnWriteArrayList<>();
  private final ServiceBackends backends = new ServiceBackends();
  private IpOwnership ownership = new IpOwnership();
  private OwnerResolver owners;
  private long events;
  private boolean closed;

  ClusterWatch(KubernetesClient client, MetadataPublisher publisher, KubernetesSourceOptions options,
      Clock clock) {
    this.client = client;
    this.publisher = publisher;
    this.options = options;
    this.clock = clock;
    this.worker = new Thread(this::run, "k8s-metadata-publisher");
    worker.setDaemon(true);
  }

  void start() {
    worker.start();
  }

  ServiceBackends backends() {
    return backends;
  }

  /** Informer events handled so far (adds, updates including resyncs, deletes). */
  long events() {
    synchronized (lock) {
      return events;
    }
  }

  /** Stops the informers and the worker, waiting for it to end. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    stopInformers();
    worker.interrupt();
    if (Thread.currentThread() != worker) {
      try {
        worker.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long backoffMs = 1_000;
    try {
      while (!isClosed()) {
        try {
          startInformers();
          publishLoop();
          return;
        } catch (ExecutionException | RuntimeException e) {
          Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
          if (isClosed()) {
            return;
          }
          LOG.error("kubernetes metadata: cannot start the informers (check the RBAC in streams-app/README.md), "
              + "retrying in {} ms: {}", backoffMs, cause.toString());
          stopInformers();
          synchronized (lock) {
            ownership = new IpOwnership();
          }
          waitUnlessClosed(backoffMs);
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  private void startInformers() throws InterruptedException, ExecutionException {
    SharedIndexInformer<ReplicaSet> replicaSets = informer(
        client.apps().replicaSets().inAnyNamespace().runnableInformer(0), null);
    SharedIndexInformer<Job> jobs = informer(client.batch().v1().jobs().inAnyNamespace().runnableInformer(0), null);
    await(replicaSets, jobs);
    owners = new OwnerResolver((ns, name) -> replicaSets.getStore().getByKey(ns + "/" + name),
        (ns, name) -> jobs.getStore().getByKey(ns + "/" + name));
    long resyncMs = options.resync().toMillis();
    SharedIndexInformer<Pod> pods = informer(client.pods().inAnyNamespace().runnableInformer(resyncMs),
        handler(this::onPod, this::onPodDeleted));
    SharedIndexInformer<Service> services = informer(
        client.services().inAnyNamespace().runnableInformer(resyncMs),
        handler(this::onService, this::onServiceDeleted));
    SharedIndexInformer<EndpointSlice> slices = informer(
        client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(resyncMs),
        handler(backends::putSlice, backends::removeSlice));
    SharedIndexInformer<Node> nodes = informer(client.nodes().runnableInformer(resyncMs),
        handler(this::onNode, this::onNodeDeleted));
    await(pods, services, slices, nodes);
    synchronized (lock) {
      // the handlers may still be behind the caches: apply the caches so the first batch is the full state
      services.getStore().list().forEach(this::onService);
      nodes.getStore().list().forEach(this::onNode);
      pods.getStore().list().forEach(this::onPod);
      slices.getStore().list().forEach(backends::putSlice);
      LOG.info("kubernetes metadata: informers synced: {} pods, {} services, {} endpointslices, {} nodes, "
              + "{} replicasets, {} jobs; {} IPs held", pods.getStore().list().size(),
          services.getStore().list().size(), slices.getStore().list().size(), nodes.getStore().list().size(),
          replicaSets.getStore().list().size(), jobs.getStore().list().size(), ownership.heldIps());
    }
  }

  private void publishLoop() throws InterruptedException {
    long backoffMs = 0;
    while (true) {
      List<MetadataChange> changes;
      synchronized (lock) {
        while (!closed && !ownership.hasDirty()) {
          lock.wait();
        }
        if (closed) {
          return;
        }
        changes = ownership.takeChanges(clock.millis(), options.maxBackdate().toMillis());
      }
      if (changes.isEmpty()) {
        continue;
      }
      try {
        publisher.publish(changes);
      } catch (RuntimeException e) {
        synchronized (lock) {
          ownership.restore(changes);
        }
        if (isClosed()) {
          return;
        }
        if (backoffMs == 0) {
          LOG.warn("kubernetes metadata: cannot publish {} changes, retrying: {}", changes.size(), e.toString());
        }
        backoffMs = Math.min(Math.max(backoffMs * 2, 500), MAX_BACKOFF_MS);
        if (!waitUnlessClosed(backoffMs)) {
          return;
        }
        continue;
      }
      synchronized (lock) {
        ownership.published(changes);
      }
      if (backoffMs > 0) {
        LOG.info("kubernetes metadata: publishing again");
        backoffMs = 0;
      }
      LOG.debug("kubernetes metadata: published {} changes", changes.size());
    }
  }

  private void onPod(Pod pod) {
    long now = clock.millis();
    Map<String, EndpointEntry> entries = Claims.isHostNetwork(pod) || Claims.isTerminated(pod) ? Map.of()
        : Claims.ofPod(pod, owners.resolve(pod));
    long since = Claims.ipAssignedAt(pod).orElse(now);
    long released = Claims.isTerminated(pod) ? Claims.releasedAt(pod, now) : now;
    ownership.update(key("pod", pod), entries, Claims.POD_PRIORITY, since, released, now);
  }

  private void onPodDeleted(Pod pod) {
    ownership.remove(key("pod", pod), Claims.releasedAt(pod, clock.millis()));
  }

  private void onService(Service service) {
    long now = clock.millis();
    ownership.update(key("service", service), Claims.ofService(service), Claims.SERVICE_PRIORITY, now, now, now);
    backends.putService(service);
  }

  private void onServiceDeleted(Service service) {
    ownership.remove(key("service", service), clock.millis());
    backends.removeService(service);
  }

  private void onNode(Node node) {
    long now = clock.millis();
    ownership.update(key("node", node), Claims.ofNode(node), Claims.NODE_PRIORITY, now, now, now);
  }

  private void onNodeDeleted(Node node) {
    ownership.remove(key("node", node), clock.millis());
  }

  /** Runs {@code upsert} or {@code delete} under the lock, logging (not throwing) a bad object. */
  private <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> upsert, Consumer<T> delete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        handle(object, upsert);
      }

      @Override
      public void onUpdate(T old, T object) {
        handle(object, upsert);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        handle(object, delete);
      }
    };
  }

  private <T extends HasMetadata> void handle(T object, Consumer<T> action) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      events++;
      try {
        action.accept(object);
      } catch (RuntimeException e) {
        LOG.warn("kubernetes metadata: skipping {} {}/{}: {}", object.getKind(),
            object.getMetadata().getNamespace(), object.getMetadata().getName(), e.toString());
      }
      if (ownership.hasDirty()) {
        lock.notifyAll();
      }
    }
  }

  private <T> SharedIndexInformer<T> informer(SharedIndexInformer<T> informer, ResourceEventHandler<T> handler) {
    if (handler != null) {
      informer.addEventHandler(handler);
    }
    informers.add(informer);
    if (isClosed()) {
      throw new IllegalStateException("closed");
    }
    return informer;
  }

  private static void await(SharedIndexInformer<?>... informers) throws InterruptedException, ExecutionException {
    CompletableFuture<?>[] started = new CompletableFuture<?>[informers.length];
    for (int i = 0; i < informers.length; i++) {
      started[i] = informers[i].start().toCompletableFuture();
    }
    CompletableFuture.allOf(started).get();
  }

  private void stopInformers() {
    for (SharedIndexInformer<?> informer : informers) {
      try {
        informer.stop();
      } catch (RuntimeException e) {
        LOG.debug("stopping an informer", e);
      }
    }
    informers.clear();
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Waits {@code ms} or until closed; false when closed. */
  private boolean waitUnlessClosed(long ms) throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000;
    synchronized (lock) {
      long left;
      while (!closed && (left = deadline - System.nanoTime()) > 0) {
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return !closed;
    }
  }

  private static String key(String kind, HasMetadata object) {
    String ns = object.getMetadata().getNamespace();
    return kind + "/" + (ns == null ? "" : ns + "/") + object.getMetadata().getName();
  }
}
