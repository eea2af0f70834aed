package io.k8spacket.streams.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMetadataSourceTest {
  static final long T1 = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();
  static final long T2 = T1 + 5_000;

  static final String TWO_PODS_AND_A_SERVICE = """
      endpoints:
        - {ip: 10.0.0.1, name: web-5d9c7-abcde, namespace: shop, workload: web, workloadKind: Deployment, kind: pod, node: node-1}
        - {ip: 10.0.0.2, name: db-0, namespace: shop, kind: pod}
        - ip: 10.96.0.10
          name: kube-dns
          namespace: kube-system
          kind: service
      """;

  @TempDir
  Path dir;
  final MutableClock clock = new MutableClock(T1);
  final RecordingPublisher publisher = new RecordingPublisher();
  FileMetadataSource source;

  @AfterEach
  void stop() {
    if (source != null) {
      source.stop();
    }
  }

  @Test
  void start_publishes_every_endpoint_once_stamped_with_the_time_it_was_seen() throws IOException {
    Path file = write(TWO_PODS_AND_A_SERVICE);
    start(file);

    assertThat(publisher.published).containsExactly(
        MetadataChange.upsert(new EndpointMetadata("10.0.0.1", "web-5d9c7-abcde", "shop", "web", "Deployment",
            EndpointKind.POD, "node-1", T1)),
        MetadataChange.upsert(new EndpointMetadata("10.0.0.2", "db-0", "shop", "db-0", null, EndpointKind.POD,
            null, T1)),
        MetadataChange.upsert(new EndpointMetadata("10.96.0.10", "kube-dns", "kube-system", "kube-dns", null,
            EndpointKind.SERVICE, null, T1)));
  }

  @Test
  void an_ip_moving_to_another_pod_publishes_only_that_ip() throws IOException {
    Path file = write(TWO_PODS_AND_A_SERVICE);
    start(file);
    publisher.published.clear();
    clock.set(T2);
    write(TWO_PODS_AND_A_SERVICE.replace("name: db-0", "name: cache-0"));

    assertThat(source.pollNow()).isEqualTo(1);
    assertThat(publisher.published).containsExactly(MetadataChange.upsert(new EndpointMetadata("10.0.0.2",
        "cache-0", "shop", "cache-0", null, EndpointKind.POD, null, T2)));
  }

  @Test
  void an_ip_that_disappears_is_published_as_a_removal() throws IOException {
    Path file = write(TWO_PODS_AND_A_SERVICE);
    start(file);
    publisher.published.clear();
    clock.set(T2);
    write(TWO_PODS_AND_A_SERVICE.replace("  - {ip: 10.0.0.2, name: db-0, namespace: shop, kind: pod}\n", ""));

    assertThat(source.pollNow()).isEqualTo(1);
    assertThat(publisher.published).containsExactly(MetadataChange.removal("10.0.0.2", T2));
    assertThat(publisher.published.get(0).metadata()).isNull();
    assertThat(source.current()).containsOnlyKeys("10.0.0.1", "10.96.0.10");
  }

  @Test
  void an_unchanged_file_publishes_nothing() throws IOException {
    start(write(TWO_PODS_AND_A_SERVICE));
    publisher.published.clear();

    assertThat(source.pollNow()).isZero();
    assertThat(publisher.published).isEmpty();
  }

  @Test
  void an_invalid_file_keeps_the_previous_state_until_it_is_fixed() throws IOException {
    Path file = write(TWO_PODS_AND_A_SERVICE);
    start(file);
    publisher.published.clear();
    var before = source.current();

    for (String invalid : List.of(
        "endpoints: [ {ip: 10.0.0.1, name: web",                                   // broken YAML
        "endpoints:\n  - {ip: 10.0.0.1, name: web, kind: deployment}\n",           // unknown kind
        "endpoints:\n  - {ip: 10.0.0.1, name: web, kind: pod, namspace: shop}\n",  // typo in a key
        "endpoints:\n  - {ip: 10.0.0.1, name: a, kind: pod}\n  - {ip: 10.0.0.1, name: b, kind: pod}\n",
        "endpoints:\n  - {ip: 10.0.0.300, name: web, kind: pod}\n",
        "endpoints:\n  - {name: web, kind: pod}\n",
        "pods: []\n")) {
      write(invalid);
      assertThat(source.pollNow()).as(invalid).isZero();
      assertThat(source.current()).as(invalid).isEqualTo(before);
    }
    assertThat(publisher.published).isEmpty();

    clock.set(T2);
    write("endpoints: []\n");
    assertThat(source.pollNow()).isEqualTo(3);
    assertThat(publisher.published).containsExactly(MetadataChange.removal("10.0.0.1", T2),
        MetadataChange.removal("10.0.0.2", T2), MetadataChange.removal("10.96.0.10", T2));
  }

  @Test
  void a_failed_publish_keeps_the_state_and_is_retried_on_the_next_poll() throws IOException {
    start(write(TWO_PODS_AND_A_SERVICE));
    publisher.published.clear();
    write(TWO_PODS_AND_A_SERVICE.replace("name: db-0", "name: cache-0"));
    publisher.failNext = true;

    assertThat(source.pollNow()).isZero();
    assertThat(source.current().get("10.0.0.2").name()).isEqualTo("db-0");
    assertThat(source.pollNow()).isEqualTo(1);
    assertThat(source.current().get("10.0.0.2").name()).isEqualTo("cache-0");
    assertThat(publisher.published).hasSize(1);
  }

  @Test
  void ipv6_addresses_are_written_in_rfc_5952_form() throws IOException {
    start(write("endpoints:\n  - {ip: '2001:DB8:0:0:0:0:0:1', name: web, kind: pod}\n"));

    assertThat(publisher.published).extracting(MetadataChange::ip).containsExactly("2001:db8::1");
    assertThat(IpLiterals.canonical("fe80:0:0:1:0:0:0:1")).isEqualTo("fe80:0:0:1::1");
    assertThat(IpLiterals.canonical("::")).isEqualTo("::");
    assertThat(IpLiterals.canonical("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
  }

  @Test
  void the_running_source_notices_a_change_by_itself() throws IOException {
    Path file = write(TWO_PODS_AND_A_SERVICE);
    source = new FileMetadataSource(file, Duration.ofMillis(50), clock);
    source.start(publisher);
    write(TWO_PODS_AND_A_SERVICE.replace("name: db-0", "name: cache-0"));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(publisher.snapshot())
        .extracting(c -> c.metadata().getName()).endsWith("cache-0"));
    assertThat(publisher.snapshot()).hasSize(4);
  }

  private void start(Path file) {
    source = new FileMetadataSource(file, Duration.ofHours(1), clock);
    source.start(publisher);
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("endpoints.yaml"), yaml);
  }

  /** Keeps what was published; can fail once on demand. */
  static final class RecordingPublisher implements MetadataPublisher {
    final List<MetadataChange> published = new ArrayList<>();
    boolean failNext;

    @Override
    public synchronized void publish(List<MetadataChange> changes) {
      if (failNext) {
        failNext = false;
        throw new IllegalStateException("broker away");
      }
      published.addAll(changes);
    }

    synchronized List<MetadataChange> snapshot() {
      return List.copyOf(published);
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile long millis;

    MutableClock(long millis) {
      this.millis = millis;
    }

    void set(long millis) {
      this.millis = millis;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
