// The C baseline of the ring-buffer figure: libbpf's own consumer (ring_buffer__new + ring_buffer__consume, the
// probe submits without wake-ups so __poll would never return data) on its own copy of the agent's TCP probe
// (the same tcp.bpf.o, through a bpftool skeleton), loopback included and progress reports off, as the Java
// side loads it. Each record is copied into a struct k8sp_tcp_event and counted, the C equivalent of decoding
// into a counting sink.
//
//   ringc RING_BYTES        then on stdin: "drain" -> "drained EVENTS WALL_NS CPU_NS DROPS", "quit"
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "k8spacket.h"
#include "tcp.skel.h"

static struct {
  uint64_t events, bytes, ports;
} sink;

static int on_event(void *ctx, void *data, size_t size) {
  (void) ctx;
  struct k8sp_tcp_event e;
  if (size < sizeof e) return 0;
  memcpy(&e, data, sizeof e);
  sink.events++;
  sink.bytes += e.bytes_c2s + e.bytes_s2c;
  sink.ports += e.client_port ^ e.server_port;
  return 0;
}

static uint64_t ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t drops(struct k8sp_tcp *skel) {
  int cpus = libbpf_num_possible_cpus();
  uint64_t values[cpus], sum = 0;
  uint32_t key = 1; // K8SP_TCP_RINGBUF_DROPS
  if (bpf_map__lookup_elem(skel->maps.tcp_counters, &key, sizeof key, values, sizeof values, 0) == 0)
    for (int i = 0; i < cpus; i++) sum += values[i];
  return sum;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: ringc RING_BYTES\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct k8sp_tcp *skel = k8sp_tcp__open();
  if (!skel) { fprintf(stderr, "ringc: open failed\n"); return 1; }
  skel->rodata->ignore_loopback = false;
  bpf_map__set_max_entries(skel->maps.tcp_events, (uint32_t) atol(argv[1]));
  bpf_program__set_autoload(skel->progs.k8sp_tcp_sent, false);
  bpf_program__set_autoload(skel->progs.k8sp_tcp_received, false);
  if (k8sp_tcp__load(skel)) { fprintf(stderr, "ringc: load failed\n"); return 1; }
  skel->links.k8sp_tcp_state = bpf_program__attach(skel->progs.k8sp_tcp_state);
  if (!skel->links.k8sp_tcp_state) { fprintf(stderr, "ringc: attach failed\n"); return 1; }
  struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.tcp_events), on_event, NULL, NULL);
  if (!rb) { fprintf(stderr, "ringc: ring_buffer__new failed\n"); return 1; }
  printf("ready\n");
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    if (!strncmp(line, "drain", 5)) {
      uint64_t before = sink.events;
      uint64_t w0 = ns(CLOCK_MONOTONIC), c0 = ns(CLOCK_THREAD_CPUTIME_ID);
      while (ring_buffer__consume(rb) > 0) {
      }
      uint64_t w1 = ns(CLOCK_MONOTONIC), c1 = ns(CLOCK_THREAD_CPUTIME_ID);
      printf("drained %llu %llu %llu %llu %llu\n", (unsigned long long) (sink.events - before),
          (unsigned long long) (w1 - w0), (unsigned long long) (c1 - c0), (unsigned long long) drops(skel),
          (unsigned long long) (sink.bytes + sink.ports) & 1);
    } else if (!strncmp(line, "quit", 4)) {
      break;
    }
  }
  ring_buffer__free(rb);
  k8sp_tcp__destroy(skel);
  return 0;
}
