package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.TlsEventKind;
import io.k8spacket.avro.TlsHandshakeEvent;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Rate limiting, hand-back and emission with a fake chain source; {@link CertificateFetcherIT} does real TLS. */
class CertificateFetcherTest {
  static {
    TestHandshakes.pinJdkTlsDefaults();
  }

  static final long HOUR_NS = Duration.ofHours(1).toNanos();
  final List<String> asked = new CopyOnWriteArrayList<>();
  final DemoPki pki = DemoPki.get();

  CertificateFetcher fetcher() {
    return new CertificateFetcher(Duration.ofHours(1), Duration.ofSeconds(2), (server, sni, timeout) -> {
      asked.add(server.getAddress().getHostAddress() + ":" + server.getPort() + " " + sni);
      if (sni.startsWith("fail")) {
        throw new java.io.IOException("connection refused");
      }
      return List.of(pki.leaf.certificate(), pki.intermediate.certificate());
    });
  }

  @Test
  void one_fetch_per_server_port_and_sni_per_period() throws Exception {
    InetAddress server = InetAddress.getByName("10.0.0.2");
    try (CertificateFetcher fetcher = fetcher()) {
      assertThat(fetcher.request(server, 443, "a.example", 0)).isTrue();
      assertThat(fetcher.request(server, 443, "A.EXAMPLE", HOUR_NS - 1)).as("same SNI, any case").isFalse();
      assertThat(fetcher.request(server, 8443, "a.example", 1)).as("other port").isTrue();
      assertThat(fetcher.request(server, 443, "b.example", 1)).as("other SNI").isTrue();
      assertThat(fetcher.request(InetAddress.getByName("10.0.0.3"), 443, "a.example", 1)).as("other server")
          .isTrue();
      assertThat(fetcher.request(server, 443, "a.example", HOUR_NS)).as("a period later").isTrue();

      await().atMost(Duration.ofSeconds(10)).until(() -> fetcher.succeeded() == 5);
      assertThat(fetcher.started()).isEqualTo(5);
      assertThat(fetcher.skipped()).isEqualTo(1);
      assertThat(asked).hasSize(5).contains("10.0.0.2:443 a.example", "10.0.0.2:8443 a.example");
    }
  }

  @Test
  void results_are_handed_back_on_the_draining_thread_and_failures_only_counted() throws Exception {
    InetAddress server = InetAddress.getByName("10.0.0.2");
    try (CertificateFetcher fetcher = fetcher()) {
      fetcher.request(server, 443, "a.example", 0);
      fetcher.request(server, 443, "fail.example", 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> fetcher.succeeded() + fetcher.failed() == 2);

      List<CertificateFetcher.Result> results = new ArrayList<>();
      Thread drainer = Thread.currentThread();
      fetcher.drain(result -> {
        assertThat(Thread.currentThread()).isSameAs(drainer);
        results.add(result);
      });

      assertThat(results).hasSize(1);
      assertThat(results.get(0).sni()).isEqualTo("a.example");
      assertThat(results.get(0).chain()).extracting(CertificateSummary::sha256)
          .containsExactly(pki.leaf.sha256(), pki.intermediate.sha256());
      assertThat(fetcher.failed()).isEqualTo(1);
      assertThat(fetcher.drain(result -> { })).isZero();
    }
  }

  @Test
  void a_tls13_handshake_with_sni_leads_to_one_certificate_fetch_event() {
    List<TlsHandshakeEvent> events = new CopyOnWriteArrayList<>();
    CertificateFetcher fetcher = fetcher();
    try (TlsAssembler assembler = new TlsAssembler(TlsAssemblerConfig.defaults(), "node-a", events::add, fetcher)) {
      TestHandshakes.Recorded tls13 = TestHandshakes.tls13();
      TlsAssemblerTest.inOrder(tls13.client(), tls13.server(), TlsAssemblerTest.CLIENT, TlsAssemblerTest.SERVER)
          .forEach(assembler::accept);
      // a second connection to the same server and SNI does not fetch again
      TlsAssemblerTest.inOrder(tls13.client(), tls13.server(), new Chunks.Side(TlsAssemblerTest.CLIENT.address(),
          40001), TlsAssemblerTest.SERVER).forEach(assembler::accept);

      await().atMost(Duration.ofSeconds(10)).until(() -> {
        assembler.expire(TlsAssemblerTest.T0);
        return events.size() == 3;
      });

      TlsHandshakeEvent fetched = events.get(2);
      assertThat(fetched.getKind()).isEqualTo(TlsEventKind.CERTIFICATE_FETCH);
      assertThat(fetched.getCertificateSource()).isEqualTo(CertificateSource.ACTIVE_FETCH);
      assertThat(fetched.getClientIp()).isEmpty();
      assertThat(fetched.getClientPort()).isZero();
      assertThat(fetched.getServerIp()).isEqualTo("10.0.0.2");
      assertThat(fetched.getServerPort()).isEqualTo(443);
      assertThat(fetched.getServerName()).isEqualTo("demo.example.test");
      assertThat(fetched.getNode()).isEqualTo("node-a");
      assertThat(fetched.getClientHello()).isNull();
      assertThat(fetched.getCertificates()).extracting(CertificateInfo::getSha256)
          .containsExactly(pki.leaf.sha256(), pki.intermediate.sha256());
      assertThat(asked).containsExactly("10.0.0.2:443 demo.example.test");
      assertThat(assembler.stats().fetchesStarted()).isEqualTo(1);
      assertThat(assembler.stats().fetchesSkipped()).isEqualTo(1);
    }
  }

  @Test
  void tls12_handshakes_never_fetch() {
    CertificateFetcher fetcher = fetcher();
    try (TlsAssembler assembler = new TlsAssembler(TlsAssemblerConfig.defaults(), "node-a", event -> { },
        fetcher)) {
      TestHandshakes.Recorded tls12 = TestHandshakes.tls12();
      TlsAssemblerTest.inOrder(tls12.client(), tls12.server(), TlsAssemblerTest.CLIENT, TlsAssemblerTest.SERVER)
          .forEach(assembler::accept);

      assertThat(assembler.stats().handshakesEmitted()).isEqualTo(1);
      assertThat(assembler.stats().fetchesStarted()).isZero();
    }
  }
}
