package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The real fetch: the JDK's SSLSocket against a TLS 1.3 server on loopback, and against a silent one. */
class CertificateFetcherIT {
  static {
    TestHandshakes.pinJdkTlsDefaults();
  }

  final DemoPki pki = DemoPki.get();
  final List<String> sniSeen = new CopyOnWriteArrayList<>();

  /** A TLS 1.3-only server with the test chain that records each client's SNI; serves until closed. */
  SSLServerSocket tls13Server() throws Exception {
    SSLServerSocket server = (SSLServerSocket) TestHandshakes.serverContext().getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    SSLParameters parameters = server.getSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3"});
    parameters.setSNIMatchers(List.of(new SNIMatcher(0) {
      @Override
      public boolean matches(SNIServerName name) {
        sniSeen.add(((SNIHostName) name).getAsciiName());
        return true;
      }
    }));
    server.setSSLParameters(parameters);
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try (SSLSocket client = (SSLSocket) server.accept()) {
          client.startHandshake();
        } catch (IOException e) {
          // closed, or the client went away after the handshake
        }
      }
    }, "tls13-test-server");
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }

  @Test
  void the_fetch_returns_the_servers_chain_exactly_and_sends_the_sni() throws Exception {
    try (SSLServerSocket server = tls13Server()) {
      List<X509Certificate> chain = CertificateFetcher.tlsHandshake(
          new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
          "demo.example.test", Duration.ofSeconds(5));

      assertThat(chain).extracting(X509Certificate::getEncoded)
          .containsExactly(pki.leaf.der(), pki.intermediate.der());
      assertThat(sniSeen).containsExactly("demo.example.test");
    }
  }

  @Test
  void through_the_fetcher_one_fetch_per_period_and_the_summaries_match() throws Exception {
    try (SSLServerSocket server = tls13Server();
         CertificateFetcher fetcher = CertificateFetcher.create(Duration.ofHours(1), Duration.ofSeconds(5))) {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      assertThat(fetcher.request(loopback, server.getLocalPort(), "demo.example.test", 0)).isTrue();
      assertThat(fetcher.request(loopback, server.getLocalPort(), "demo.example.test", 1)).isFalse();
      await().atMost(Duration.ofSeconds(20)).until(() -> fetcher.succeeded() == 1);

      List<CertificateFetcher.Result> results = new ArrayList<>();
      fetcher.drain(results::add);

      assertThat(results).hasSize(1);
      assertThat(results.get(0).port()).isEqualTo(server.getLocalPort());
      CertificateSummary leaf = results.get(0).chain().get(0);
      assertThat(leaf.subject()).isEqualTo(DemoPki.LEAF_SUBJECT);
      assertThat(leaf.subjectAltNames()).isEqualTo(DemoPki.LEAF_SANS);
      assertThat(leaf.serialHex()).isEqualTo(pki.leaf.serialHex());
      assertThat(results.get(0).chain()).extracting(CertificateSummary::sha256)
          .containsExactly(pki.leaf.sha256(), pki.intermediate.sha256());
      assertThat(sniSeen).containsExactly("demo.example.test");
    }
  }

  @Test
  void a_silent_server_times_out_and_is_counted_as_failed() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         CertificateFetcher fetcher = CertificateFetcher.create(Duration.ofHours(1), Duration.ofMillis(300))) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          held.add(silent.accept()); // accept, then never answer
        } catch (IOException e) {
          // closed
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      long started = System.nanoTime();

      fetcher.request(InetAddress.getLoopbackAddress(), silent.getLocalPort(), "silent.example", 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> fetcher.failed() == 1);

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(fetcher.succeeded()).isZero();
      assertThat(fetcher.drain(result -> { })).isZero();
      for (Socket socket : held) {
        socket.close();
      }
    }
  }
}
