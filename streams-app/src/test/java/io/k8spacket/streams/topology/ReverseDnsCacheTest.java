package io.k8spacket.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cache with a fake resolver: a queue of lookups run by hand and a clock set by hand, except where noted. */
class ReverseDnsCacheTest {
  static final Duration TTL = Duration.ofHours(1);
  static final Map<String, String> PTR = Map.of("93.184.216.34", "example-host.net", "8.8.8.8", "dns.google",
      "1.1.1.1", "one.one.one.one", "2606:4700::1111", "one.one.one.one");

  final List<Runnable> queued = new ArrayList<>();
  final List<String> asked = new CopyOnWriteArrayList<>();
  final AtomicLong nanos = new AtomicLong(1_000);

  ReverseDnsCache cache(int maxEntries) {
    return new ReverseDnsCache(this::fakePtr, queued::add, nanos::get, maxEntries, TTL);
  }

  Optional<String> fakePtr(InetAddress a) {
    asked.add(a.getHostAddress());
    return Optional.ofNullable(PTR.get(a.getHostAddress().equals("2606:4700:0:0:0:0:0:1111") ? "2606:4700::1111"
        : a.getHostAddress()));
  }

  void runQueued() {
    List<Runnable> now = new ArrayList<>(queued);
    queued.clear();
    now.forEach(Runnable::run);
  }

  @Test
  void a_miss_answers_nothing_and_queues_one_lookup_whose_answer_later_reads_get() {
    ReverseDnsCache cache = cache(10);

    assertThat(cache.name("93.184.216.34")).isEmpty();
    assertThat(cache.name("93.184.216.34")).isEmpty();
    assertThat(queued).hasSize(1);
    assertThat(asked).isEmpty();

    runQueued();

    assertThat(asked).containsExactly("93.184.216.34");
    assertThat(cache.name("93.184.216.34")).contains("example-host.net");
    assertThat(cache.name("2606:4700::1111")).isEmpty();
    runQueued();
    assertThat(cache.name("2606:4700::1111")).contains("one.one.one.one");
    assertThat(queued).isEmpty();
  }

  @Test
  void the_cache_keeps_at_most_max_entries_evicting_the_least_recently_read() {
    ReverseDnsCache cache = cache(2);
    cache.name("93.184.216.34");
    cache.name("8.8.8.8");
    runQueued();
    cache.name("93.184.216.34"); // read: 8.8.8.8 is now the least recently read
    cache.name("1.1.1.1");
    runQueued();

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.name("93.184.216.34")).contains("example-host.net");
    assertThat(cache.name("1.1.1.1")).contains("one.one.one.one");
    assertThat(queued).isEmpty();
    assertThat(cache.name("8.8.8.8")).isEmpty();
    assertThat(queued).hasSize(1);
  }

  @Test
  void an_answer_is_kept_for_the_ttl_then_served_stale_while_one_new_lookup_runs() {
    ReverseDnsCache cache = cache(10);
    cache.name("8.8.8.8");
    runQueued();

    nanos.addAndGet(TTL.toNanos() - 1);
    assertThat(cache.name("8.8.8.8")).contains("dns.google");
    assertThat(queued).isEmpty();

    nanos.addAndGet(1);
    assertThat(cache.name("8.8.8.8")).contains("dns.google");
    assertThat(cache.name("8.8.8.8")).contains("dns.google");
    assertThat(queued).hasSize(1);
    runQueued();
    assertThat(asked).containsExactly("8.8.8.8", "8.8.8.8");
  }

  @Test
  void no_name_and_a_failed_lookup_are_cached_for_the_ttl_too() {
    ReverseDnsCache failing = new ReverseDnsCache(a -> {
      asked.add(a.getHostAddress());
      throw new java.net.SocketTimeoutException("resolver timed out");
    }, queued::add, nanos::get, 10, TTL);
    ReverseDnsCache cache = cache(10);

    failing.name("8.8.8.8");
    cache.name("198.51.100.7"); // public, no PTR in the fake
    runQueued();

    assertThat(failing.name("8.8.8.8")).isEmpty();
    assertThat(cache.name("198.51.100.7")).isEmpty();
    assertThat(queued).isEmpty();
    assertThat(asked).containsExactly("8.8.8.8", "198.51.100.7");
  }

  @Test
  void private_link_local_loopback_and_other_non_public_addresses_are_never_looked_up() {
    ReverseDnsCache cache = cache(10);
    for (String ip : List.of("10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
        "100.127.255.254", "127.0.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.251", "::1", "::", "fe80::1",
        "fd00::1", "fc00::1", "ff02::1", "not-an-ip", "")) {
      assertThat(cache.name(ip)).as(ip).isEmpty();
    }

    assertThat(queued).isEmpty();
    assertThat(cache.name("172.32.0.1")).isEmpty();
    assertThat(cache.name("100.128.0.1")).isEmpty();
    assertThat(queued).hasSize(2);
  }

  @Test
  void lookups_run_on_the_cache_threads_and_a_slow_resolver_never_blocks_a_read() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> threads = new CopyOnWriteArrayList<>();
    try (ReverseDnsCache cache = ReverseDnsCache.create(a -> {
      threads.add(Thread.currentThread().getName());
      release.await();
      return Optional.of("example-host.net");
    }, 10, TTL)) {
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        assertThat(cache.name("93.184.216.34")).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 1);
        assertThat(cache.name("93.184.216.34")).isEmpty(); // the lookup is blocked; the read is not
      });
      release.countDown();

      await().atMost(Duration.ofSeconds(5)).until(() -> cache.name("93.184.216.34").isPresent());
      assertThat(cache.name("93.184.216.34")).contains("example-host.net");
      assertThat(threads).singleElement().asString().startsWith("k8spacket-reverse-dns-")
          .isNotEqualTo(Thread.currentThread().getName());
    }
  }
}
