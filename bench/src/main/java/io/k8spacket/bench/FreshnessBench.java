package io.k8spacket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.standalone.StandaloneStack;
import io.k8spacket.standalone.UpOptions;
import io.k8spacket.testsupport.net.TestHost;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.net.Traffic;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Figure {@code freshness_p99_ms}: from a connection's close (the kernel's close time in its event) to its
 * appearance at {@code /nodegraph/connections} of the standalone stack ({@link StandaloneStack}: broker, agent,
 * topology, query API in one JVM), for connections between two network-namespace test hosts, one at a time.
 * The baseline is the same connections' arrival on the raw topic {@code k8spacket.tcp.v1} (agent → Kafka only),
 * read by a consumer in this JVM.
 */
public final class FreshnessBench {
  private static final int NET = 234;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] argv) throws Exception {
    BenchArgs args = BenchArgs.parse(argv);
    long started = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    Path work = Files.createDirectories(args.work().resolve("freshness"));
    try (TestNetwork net = TestNetwork.createBridged(NET, 2)) {
      TestHost client = net.host(1);
      TestHost server = net.host(2);
      Path metadata = work.resolve("metadata.yaml");
      Files.writeString(metadata, "endpoints:\n"
          + "  - {ip: " + client.ipv4().getHostAddress() + ", name: web-7d9f4-abcde, namespace: shop, workload: web,"
          + " workloadKind: Deployment, kind: pod, node: n1}\n"
          + "  - {ip: " + server.ipv4().getHostAddress() + ", name: db-0, namespace: data, workload: db,"
          + " workloadKind: StatefulSet, kind: pod, node: n1}\n");
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      try (StandaloneStack stack = StandaloneStack.start(new UpOptions(Optional.of(metadata), 0, 0,
          work.resolve("data")), Map.of("K8SPACKET_AGENT_TLS_INTERFACES", "^" + net.rootInterfacePrefix()), quiet)) {
        figures.add(measure(args, stack, client, server));
      }
    }
    Results.write(args, "freshness", started, figures);
    System.exit(0);
  }

  private static Figure measure(BenchArgs args, StandaloneStack stack, TestHost client, TestHost server)
      throws Exception {
    int samples = args.pick(40, 8);
    Map<Integer, long[]> raw = new ConcurrentHashMap<>(); // client port -> {close ms, arrival ms}
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread reader = rawReader(stack.bootstrapServers(), client.ipv4().getHostAddress(), raw, stop);
    long from = System.currentTimeMillis() - 60_000;
    String clientIp = client.ipv4().getHostAddress();
    String serverIp = server.ipv4().getHostAddress();
    URI uri = URI.create("http://127.0.0.1:" + stack.apiPort() + "/nodegraph/connections?group-by=ip&from=" + from
        + "&include=" + URLEncoder.encode("^" + clientIp.replace(".", "\\.") + "$", StandardCharsets.UTF_8));
    List<Double> api = new ArrayList<>();
    List<Double> topic = new ArrayList<>();
    long made = 0;
    int warmup = 3;
    try {
      for (int i = 0; i < samples + warmup; i++) {
        Traffic.Result r = Traffic.exchange(client, server, server.ipv4(), 1000, 100, Traffic.CloseOrder.CLIENT_FIRST);
        made++;
        long seen = awaitCount(uri, serverIp, made, Duration.ofSeconds(60));
        int port = r.client().getPort();
        long[] t = awaitRaw(raw, port);
        if (i >= warmup) {
          api.add((double) (seen - t[0]));
          topic.add((double) (t[1] - t[0]));
        }
      }
    } finally {
      stop.set(true);
      reader.join(10_000);
    }
    Stats a = Stats.of(api);
    Stats t = Stats.of(topic);
    System.err.printf("[freshness] close -> API p99 %.0f ms (median %.0f), close -> raw topic p99 %.0f ms%n",
        a.percentile(99), a.median(), t.percentile(99));
    ObjectNode d = Figure.JSON.createObjectNode();
    d.put("method", samples + " connections between two netns hosts, one at a time; close time = the kernel's"
        + " (event closeTimeNs); appearance = first GET /nodegraph/connections (polled every 10 ms) whose"
        + " connCount includes it; raw = arrival of the client socket's event at a consumer of k8spacket.tcp.v1");
    d.put("api_ms_median", a.median());
    d.put("api_ms_max", a.max());
    d.put("raw_topic_ms_median", t.median());
    d.put("raw_topic_ms_p99", t.percentile(99));
    return new Figure("freshness_p99_ms", a.percentile(99), "ms", "<=", 2000.0, a.percentile(99),
        t.percentile(99), String.format("p99 %.0f ms, median %.0f ms: close → /nodegraph/connections",
        a.percentile(99), a.median()),
        String.format("p99 %.0f ms, median %.0f ms: close → raw topic", t.percentile(99), t.median()), null, d);
  }

  /** Wall-clock ms of the first answer whose connCount from the client to {@code serverIp} reaches {@code n}. */
  private static long awaitCount(URI uri, String serverIp, long n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      long now = System.currentTimeMillis();
      if (r.statusCode() == 200) {
        for (JsonNode row : Figure.JSON.readTree(r.body())) {
          if (row.path("dst").asText().equals(serverIp) && row.path("connCount").asLong() >= n) {
            return now;
          }
        }
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("connection " + n + " not at /nodegraph/connections after " + timeout);
  }

  private static long[] awaitRaw(Map<Integer, long[]> raw, int port) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      long[] t = raw.get(port);
      if (t != null) {
        return t;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("client port " + port + " never reached " + Topics.TCP);
  }

  /** Records, per client port of {@code clientIp}'s client-side events, the close ms and the arrival ms. */
  private static Thread rawReader(String bootstrap, String clientIp, Map<Integer, long[]> out,
      java.util.concurrent.atomic.AtomicBoolean stop) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    AvroSerde<TcpConnectionEvent> serde = AvroSerde.of(TcpConnectionEvent.class);
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        new ByteArrayDeserializer());
    List<TopicPartition> parts = consumer.partitionsFor(Topics.TCP).stream()
        .map(i -> new TopicPartition(Topics.TCP, i.partition())).toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // resolve "end" now, before any connection
    Thread t = new Thread(() -> {
      try (consumer) {
        while (!stop.get()) {
          for (var rec : consumer.poll(Duration.ofMillis(5))) {
            long now = System.currentTimeMillis();
            TcpConnectionEvent e = serde.decode(rec.value());
            if (e.getClientIp().equals(clientIp) && e.getObserver() == Observer.CLIENT) {
              out.putIfAbsent(e.getClientPort(), new long[] {e.getCloseTimeNs() / 1_000_000L, now});
            }
          }
        }
      }
    }, "raw-topic-reader");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
