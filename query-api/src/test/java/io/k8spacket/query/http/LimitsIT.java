package io.k8spacket.query.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.tls.TlsReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/** The configured server bounds: request-line and header size, connections, worker threads. */
class LimitsIT {
  private static ApiServer server(String... settings) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    return new ApiServer(new InMemoryEdgeReader(), TlsReader.EMPTY, QueryApiConfig.fromMap(env));
  }

  private static void request(Socket socket) throws IOException {
    socket.getOutputStream().write(("GET " + QueryApp.HEALTH + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  @Test
  void the_header_limit_bounds_the_request_line_and_the_headers() {
    try (ApiServer api = server(QueryApiConfig.MAX_HEADER_BYTES, "2048")) {
      assertThat(RawHttp.send(api.port(), "GET " + QueryApp.HEALTH + "?x=" + "a".repeat(1500) + " HTTP/1.1")
          .status()).isEqualTo(200);
      RawHttp.Response uri = RawHttp.send(api.port(), "GET " + QueryApp.HEALTH + "?x=" + "a".repeat(3000)
          + " HTTP/1.1");
      assertThat(uri.status()).isEqualTo(414);
      assertThat(uri.body()).isEqualTo("{\"error\":\"request URI too long\"}");
      RawHttp.Response headers = RawHttp.send(api.port(), "GET " + QueryApp.HEALTH + " HTTP/1.1",
          "X-Pad: " + "p".repeat(3000));
      assertThat(headers.status()).isEqualTo(431);
      assertThat(headers.header("Content-Type")).contains("application/json");
    }
  }

  @Test
  void connections_past_the_limit_wait_until_one_closes() throws Exception {
    try (ApiServer api = server(QueryApiConfig.MAX_CONNECTIONS, "2");
        Socket first = new Socket("localhost", api.port());
        Socket second = new Socket("localhost", api.port())) {
      for (Socket s : new Socket[] {first, second}) {
        s.setSoTimeout(30_000);
        request(s);
        assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(200);
      }
      NetworkConnectionLimit limit = api.app.jettyServer().server().getBean(NetworkConnectionLimit.class);
      assertThat(limit.getMaxNetworkConnectionCount()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(30)).until(() -> limit.getNetworkConnectionCount() == 2);

      try (Socket third = new Socket("localhost", api.port())) {
        request(third);
        third.setSoTimeout(1000);
        InputStream in = third.getInputStream();
        assertThatThrownBy(in::read).as("not served while two connections are open")
            .isInstanceOf(SocketTimeoutException.class);

        first.close();

        third.setSoTimeout(30_000);
        assertThat(RawHttp.read(in, false).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void the_worker_pool_is_bounded_by_the_setting_plus_one_thread_per_cpu() {
    try (ApiServer api = server(QueryApiConfig.MAX_THREADS, "12")) {
      QueuedThreadPool pool = (QueuedThreadPool) api.app.jettyServer().server().getThreadPool();
      assertThat(pool.getMaxThreads()).isEqualTo(12 + Runtime.getRuntime().availableProcessors());
      assertThat(pool.getName()).isEqualTo(JettyLimits.THREAD_NAME);
      assertThat(RawHttp.send(api.port(), "GET " + QueryApp.HEALTH + " HTTP/1.1").status()).isEqualTo(200);
    }
  }
}
