package io.k8spacket.streams;

import io.k8spacket.query.QueryApiConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Main of the streams process in a cluster: settings from the environment ({@code K8SPACKET_STREAMS_*},
 * {@code K8SPACKET_API_*}, docs/config.md), runs until SIGTERM.
 */
public final class StreamsMain {
  private StreamsMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    StreamsAppConfig config;
    QueryApiConfig apiConfig;
    try {
      config = StreamsAppConfig.fromEnv(env);
      apiConfig = QueryApiConfig.fromMap(env);
    } catch (IllegalArgumentException e) {
      System.err.println("k8spacket-streams: " + e.getMessage());
      System.exit(2);
      return;
    }
    StreamsProcess process = StreamsProcess.start(config, apiConfig,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      process.close();
      stopped.countDown();
    }, "k8spacket-shutdown"));
    stopped.await();
  }
}
