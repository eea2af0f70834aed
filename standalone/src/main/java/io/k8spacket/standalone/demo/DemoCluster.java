package io.k8spacket.standalone.demo;

import io.k8spacket.standalone.demo.DemoNetwork.PodSpec;
import io.k8spacket.standalone.demo.DemoTraffic.Close;
import io.k8spacket.standalone.demo.DemoTraffic.LongLived;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The simulated cluster of {@code ./k8spacket demo}: seven network-namespace pods on a bridge, a metadata file
 * naming them, servers, and traffic generated continuously between them.
 *
 * <pre>
 * shop/frontend ──► shop/api (2 replicas) :8080       plain TCP, one connection per request, IPv4 and IPv6
 * shop/frontend ──► api.payments.example :443          TLS 1.2; its chain expires in {@value #EXPIRING_DAYS} days
 * shop/frontend ──► shop/api :9090                     refused (nothing listens)
 * shop/api      ──► data/redis :6379                   one long-lived connection per replica (progress reports)
 * shop/api      ──► data/postgres :5432                TLS 1.2 (chain valid {@value #POSTGRES_DAYS} days)
 * shop/api      ──► api.payments.example :443          TLS 1.3 (chain hidden on the wire)
 * batch/report  ──► data/postgres :5432, data/redis    a big query, and connections ended by a reset
 *   after the hand-off: the report job's pod IP belongs to shop/mailer, which calls the API and the payments site
 * </pre>
 *
 * "api.payments.example" (198.51.100.7, a documentation address) has no metadata: it shows as an external
 * endpoint named from its SNI. Every address exists only inside the demo's namespaces.
 */
public final class DemoCluster implements AutoCloseable {
  /** The SNI of the external site, whose certificate expires soon. */
  public static final String EXPIRING_DOMAIN = "api.payments.example";
  public static final int EXPIRING_DAYS = 5;
  public static final String POSTGRES_DOMAIN = "postgres.data.svc.cluster.local";
  public static final int POSTGRES_DAYS = 90;
  static final String CLUSTER_CIDR = "10.244.0.0/16";
  static final String EXTERNAL_CIDR = "198.51.100.0/24";
  private static final long LONG_LIVED_REOPEN_MS = Duration.ofMinutes(5).toMillis();

  /** The demo's pods: who they are in the metadata file. */
  public record Pod(String id, String ipv4, String ipv6, String name, String namespace, String workload,
      String workloadKind) {}

  public static final List<Pod> PODS = List.of(
      new Pod("fe", "10.244.1.10", "fd00:244::1:10", "frontend-7d9f4-abcde", "shop", "frontend", "Deployment"),
      new Pod("api1", "10.244.1.21", "fd00:244::1:21", "api-5f6d7-x1b2c", "shop", "api", "Deployment"),
      new Pod("api2", "10.244.1.22", "fd00:244::1:22", "api-5f6d7-q8r9s", "shop", "api", "Deployment"),
      new Pod("pg", "10.244.2.10", "fd00:244::2:10", "postgres-0", "data", "postgres", "StatefulSet"),
      new Pod("redis", "10.244.2.20", "fd00:244::2:20", "redis-0", "data", "redis", "StatefulSet"),
      new Pod("job", "10.244.3.10", "fd00:244::3:10", "report-28815-q7z2k", "batch", "report", "Job"));
  /** Who holds the report job's IP after the hand-off. */
  public static final Pod MAILER =
      new Pod("job", "10.244.3.10", "fd00:244::3:10", "mailer-6c8d9-k2x4p", "shop", "mailer", "Deployment");
  public static final String EXTERNAL_IP = "198.51.100.7";

  private final DemoNetwork network;
  private final Path metadataFile;
  private final DemoPki pki;
  private final DemoPki.ServerIdentity payments;
  private final List<DemoServer> servers = new ArrayList<>();
  private final List<LongLived> longLived = new ArrayList<>();
  private final List<ScheduledFuture<?>> jobLoops = new ArrayList<>();
  private final ScheduledExecutorService timeline = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "demo-timeline");
    thread.setDaemon(true);
    return thread;
  });
  private boolean closed;

  private DemoCluster(DemoNetwork network, Path metadataFile, DemoPki pki, DemoPki.ServerIdentity payments) {
    this.network = network;
    this.metadataFile = metadataFile;
    this.pki = pki;
    this.payments = payments;
  }

  /**
   * Removes leftovers of a previous run, then makes the pods, the certificates (in {@code dir}), the metadata
   * file and the servers; prints what it does to {@code out}. Traffic starts with {@link #startTraffic}.
   */
  public static DemoCluster create(Path dir, PrintStream out) throws Exception {
    List<String> leftovers = DemoNetwork.removeLeftovers();
    if (!leftovers.isEmpty()) {
      out.println("demo     removed " + leftovers.size() + " leftovers of an earlier run: "
          + String.join(", ", leftovers));
    }
    List<PodSpec> specs = new ArrayList<>();
    for (Pod pod : PODS) {
      specs.add(new PodSpec(pod.id(), pod.ipv4() + "/16", pod.ipv6() + "/64", List.of(EXTERNAL_CIDR)));
    }
    specs.add(new PodSpec("ext", EXTERNAL_IP + "/24", null, List.of(CLUSTER_CIDR)));
    DemoNetwork network = DemoNetwork.create(specs);
    try {
      Files.createDirectories(dir);
      Path metadata = dir.resolve("demo-metadata.yaml");
      writeMetadata(metadata, PODS);
      DemoPki pki = DemoPki.create(dir.resolve("demo-pki"));
      DemoPki.ServerIdentity payments = pki.issue("payments", EXPIRING_DOMAIN, List.of("DNS:" + EXPIRING_DOMAIN),
          EXPIRING_DAYS);
      DemoCluster cluster = new DemoCluster(network, metadata, pki, payments);
      cluster.startServers();
      out.println("demo     " + PODS.size() + " pods in namespaces shop, data and batch, and an external site"
          + " on bridge " + DemoNetwork.BRIDGE + " (namespaces and links named " + DemoNetwork.PREFIX + "*)");
      out.println("demo     names from " + metadata.toAbsolutePath() + "; " + EXPIRING_DOMAIN
          + "'s certificate expires in " + EXPIRING_DAYS + " days");
      return cluster;
    } catch (Exception | Error e) {
      network.close();
      throw e;
    }
  }

  private void startServers() throws Exception {
    DemoPki.ServerIdentity postgres = pki.issue("postgres", POSTGRES_DOMAIN,
        List.of("DNS:" + POSTGRES_DOMAIN, "DNS:postgres.data.svc", "IP:" + pod("pg").ipv4().getHostAddress()),
        POSTGRES_DAYS);
    servers.add(DemoServer.plain(pod("api1"), 8080));
    servers.add(DemoServer.plain(pod("api2"), 8080));
    servers.add(DemoServer.plain(pod("redis"), 6379));
    servers.add(DemoServer.tls(pod("pg"), 5432, postgres.context(), "TLSv1.2"));
    servers.add(DemoServer.tls(pod("ext"), 443, payments.context(), "TLSv1.2", "TLSv1.3"));
  }

  /**
   * Starts the traffic loops; after {@code handoffAfter} the report job ends and its IP goes to a new pod
   * (the metadata file is rewritten), whose traffic then starts.
   */
  public void startTraffic(Duration handoffAfter, PrintStream out) {
    SSLContext client = pki.clientContext();
    DemoPod frontend = pod("fe");
    DemoPod api1 = pod("api1");
    DemoPod api2 = pod("api2");
    DemoPod job = pod("job");
    var ext = pod("ext").ipv4();
    var pg = pod("pg").ipv4();
    var redis = pod("redis").ipv4();
    int[] request = {0};
    frontend.every(200, 1000, "-> api:8080", () -> {
      int n = request[0]++;
      DemoPod api = n % 2 == 0 ? api1 : api2;
      DemoTraffic.plain(n % 4 == 3 ? api.ipv6() : api.ipv4(), 8080, 1 + n % 3, 1500, 40_000, Close.NORMAL);
    });
    frontend.every(500, 10_000, "-> payments TLS 1.2", () -> DemoTraffic.tls(client, ext, 443, EXPIRING_DOMAIN,
        "TLSv1.2", 1, 800, 4000, Close.NORMAL));
    frontend.every(3_000, 30_000, "-> api:9090 (refused)", () -> DemoTraffic.refused(api1.ipv4(), 9090));
    for (DemoPod api : List.of(api1, api2)) {
      LongLived cache = new LongLived(redis, 6379, LONG_LIVED_REOPEN_MS);
      longLived.add(cache);
      api.every(300, 2000, "-> redis (long-lived)", () -> cache.round(120, 2400));
      api.every(700, 4000, "-> postgres TLS 1.2", () -> DemoTraffic.tls(client, pg, 5432, POSTGRES_DOMAIN,
          "TLSv1.2", 2, 600, 30_000, Close.NORMAL));
      api.every(1_000, 6000, "-> payments TLS 1.3", () -> DemoTraffic.tls(client, ext, 443, EXPIRING_DOMAIN,
          "TLSv1.3", 1, 1200, 2000, Close.NORMAL));
    }
    jobLoops.add(job.every(1_500, 8000, "-> postgres TLS 1.2 (report query)", () -> DemoTraffic.tls(client, pg,
        5432, POSTGRES_DOMAIN, "TLSv1.2", 1, 2000, 400_000, Close.NORMAL)));
    jobLoops.add(job.every(2_000, 8000, "-> redis (reset)", () -> DemoTraffic.plain(redis, 6379, 1, 300, 900,
        Close.RESET)));
    timeline.schedule(() -> handOff(out), handoffAfter.toMillis(), TimeUnit.MILLISECONDS);
    out.println("demo     traffic started; in " + handoffAfter.toSeconds() + " s the report job ends and its IP "
        + MAILER.ipv4() + " goes to " + MAILER.namespace() + "/" + MAILER.name());
  }

  /** The report job finishes; its pod IP now belongs to the mailer, which starts its own traffic. */
  private void handOff(PrintStream out) {
    jobLoops.forEach(loop -> loop.cancel(false));
    List<Pod> after = new ArrayList<>(PODS.stream().filter(p -> !p.id().equals(MAILER.id())).toList());
    after.add(MAILER);
    writeMetadata(metadataFile, after);
    SSLContext client = pki.clientContext();
    DemoPod mailer = pod(MAILER.id());
    mailer.every(500, 5000, "-> api:8080", () -> DemoTraffic.plain(pod("api2").ipv4(), 8080, 1, 900, 3000,
        Close.NORMAL));
    mailer.every(1_000, 8000, "-> payments TLS 1.3", () -> DemoTraffic.tls(client, pod("ext").ipv4(), 443,
        EXPIRING_DOMAIN, "TLSv1.3", 1, 6000, 1000, Close.NORMAL));
    out.println("demo     batch/report finished: " + MAILER.ipv4() + " now belongs to " + MAILER.namespace() + "/"
        + MAILER.name() + " (metadata file rewritten)");
  }

  /** The metadata file the stack watches ({@code --metadata}). */
  public Path metadataFile() {
    return metadataFile;
  }

  /** The leaf certificate of the external site, the one that expires soon. */
  public X509Certificate expiringCertificate() {
    return payments.leaf();
  }

  /** A client TLS context that trusts the demo's root, for connections made from outside the loops (tests). */
  SSLContext clientContext() {
    return pki.clientContext();
  }

  public DemoNetwork network() {
    return network;
  }

  /** The demo pod with this id (see {@link #PODS}; "ext" is the external site). */
  public DemoPod pod(String id) {
    return network.pod(id);
  }

  /** Stops the traffic and the servers and removes every namespace and link; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timeline.shutdownNow();
    network.pods().forEach(DemoPod::stop);
    longLived.forEach(LongLived::close);
    servers.forEach(DemoServer::close);
    network.close();
  }

  /** Writes the file in one step (a temporary file moved over it), so the watcher never reads half of it. */
  static void writeMetadata(Path file, List<Pod> pods) {
    StringBuilder yaml = new StringBuilder("# written by ./k8spacket demo\nendpoints:\n");
    for (Pod pod : pods) {
      for (String ip : List.of(pod.ipv4(), pod.ipv6())) {
        yaml.append("  - {ip: ").append(ip).append(", name: ").append(pod.name()).append(", namespace: ")
            .append(pod.namespace()).append(", workload: ").append(pod.workload()).append(", workloadKind: ")
            .append(pod.workloadKind()).append(", kind: pod, node: demo-node}\n");
      }
    }
    try {
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temporary, yaml);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
