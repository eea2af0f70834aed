// The C baselines of the ring-buffer figure: libbpf's own consumer (ring_buffer__new + ring_buffer__consume; the
// probe submits without wake-ups so __poll would never return data) on two copies of the agent's TCP probe (the
// same tcp.bpf.o, through a bpftool skeleton), loopback included and progress reports off, as the Java side
// loads it. Each copy has its own ring, so both see every event:
//
//   raw:   each record is copied into a struct k8sp_tcp_event and counted (what a bare consumer costs);
//   agent: each record goes through what the agent's Java path does per event, in C: TcpRecords' decode into a
//          connection (size, family, enum checks, IPv4-mapped IPv6 as IPv4, boot -> wall clock), the events-read
//          count, ProgressLedger (a per-socket hash table turning reported totals into deltas, with the same
//          bounds and insertion-order eviction), and a sink counting like the bench's CountingSink (an atomic
//          add, and a sequentially consistent store for Java's volatile one).
//
//   ringc RING_BYTES   then on stdin: "drain raw" | "drain agent" -> "drained EVENTS WALL_NS CPU_NS DROPS X",
//                      "seed N" (N synthetic progress reports into the agent ledger) -> "seeded N OPEN", "quit"
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

// ---- raw: copy and count ----

static struct {
  uint64_t events, bytes, ports;
} raw_sink;

static int on_raw(void *ctx, void *data, size_t size) {
  (void) ctx;
  struct k8sp_tcp_event e;
  if (size < sizeof e) return 0;
  memcpy(&e, data, sizeof e);
  raw_sink.events++;
  raw_sink.bytes += e.bytes_c2s + e.bytes_s2c;
  raw_sink.ports += e.client_port ^ e.server_port;
  return 0;
}

// ---- agent: the Java path's per-event work (TcpEventDecoder, TcpRecords, ProgressLedger, metrics, sink) ----

// TcpConnection: the decoded, oriented observation; addresses as 4 or 16 meaningful bytes.
struct conn {
  uint8_t client[16], server[16];
  uint64_t bytes_c2s, bytes_s2c, segs_c2s, segs_s2c, retransmits, srtt_us, netns_cookie, netns_ino;
  int64_t open_epoch_ns, close_epoch_ns, open_boot_ns;
  int addr_len; // 4 (IPv4, or IPv4-mapped IPv6) or 16
  int client_port, server_port, observer, close_kind;
};

// ProgressLedger's identity of a socket and what was published for it.
struct key {
  uint8_t client[16], server[16];
  uint64_t netns_cookie, netns_ino;
  int64_t open_boot_ns;
  uint16_t client_port, server_port;
  uint8_t observer, addr_len;
  uint8_t _pad[2];
};

struct counters {
  uint64_t bytes_c2s, bytes_s2c, segs_c2s, segs_s2c, retransmits;
};

// A bounded hash table with an insertion-ordered list (Java's LinkedHashMap with removeEldestEntry): it starts
// small and doubles its buckets beyond a load of 3/4 like java.util.HashMap, so a table of a thousand sockets is
// as cache-friendly as the Java one.
struct entry {
  struct key key;
  struct counters value;
  int32_t next_in_bucket, older, newer;
  bool used;
};

struct table {
  struct entry *entries;
  int32_t *buckets, *free_list;
  int32_t capacity, size, free_top, oldest, newest;
  uint32_t mask;
};

static void table_init(struct table *t) {
  memset(t, 0, sizeof *t);
  t->oldest = t->newest = -1;
  t->mask = 63; // java.util.HashMap of LinkedHashMap(64, 0.75f)
  t->buckets = malloc(64 * sizeof *t->buckets);
  for (int i = 0; i < 64; i++) t->buckets[i] = -1;
}

static uint32_t key_hash(const struct key *k);

// Doubles the entry pool (keeping entry indexes) or the buckets (rehashing), as the size asks.
static void table_grow(struct table *t) {
  if (t->free_top == 0) {
    int32_t old = t->capacity, cap = old ? 2 * old : 64;
    t->entries = realloc(t->entries, cap * sizeof *t->entries);
    t->free_list = realloc(t->free_list, cap * sizeof *t->free_list);
    memset(t->entries + old, 0, (cap - old) * sizeof *t->entries);
    for (int32_t i = cap - 1; i >= old; i--) t->free_list[t->free_top++] = i;
    t->capacity = cap;
  }
  if ((uint32_t) t->size + 1 > (t->mask + 1) / 4 * 3) {
    uint32_t buckets = 2 * (t->mask + 1);
    t->buckets = realloc(t->buckets, buckets * sizeof *t->buckets);
    t->mask = buckets - 1;
    for (uint32_t i = 0; i < buckets; i++) t->buckets[i] = -1;
    for (int32_t i = t->oldest; i >= 0; i = t->entries[i].newer) {
      int32_t *b = &t->buckets[key_hash(&t->entries[i].key) & t->mask];
      t->entries[i].next_in_bucket = *b;
      *b = i;
    }
  }
}

static uint32_t key_hash(const struct key *k) {
  uint64_t h = 0xcbf29ce484222325ull;
  const uint64_t *w = (const uint64_t *) k;
  for (size_t i = 0; i < sizeof *k / 8; i++) h = (h ^ w[i]) * 0x100000001b3ull;
  return (uint32_t) (h ^ (h >> 32));
}

static int32_t *slot_of(struct table *t, const struct key *k) {
  int32_t *at = &t->buckets[key_hash(k) & t->mask];
  while (*at >= 0 && memcmp(&t->entries[*at].key, k, sizeof *k) != 0) at = &t->entries[*at].next_in_bucket;
  return at;
}

static struct entry *table_get(struct table *t, const struct key *k) {
  int32_t i = *slot_of(t, k);
  return i >= 0 ? &t->entries[i] : NULL;
}

static void table_unlink(struct table *t, int32_t *slot) {
  int32_t i = *slot;
  struct entry *e = &t->entries[i];
  *slot = e->next_in_bucket;
  if (e->older >= 0) t->entries[e->older].newer = e->newer; else t->oldest = e->newer;
  if (e->newer >= 0) t->entries[e->newer].older = e->older; else t->newest = e->older;
  e->used = false;
  t->free_list[t->free_top++] = i;
  t->size--;
}

// Removes k; true (and its value in *out) if it was there.
static bool table_remove(struct table *t, const struct key *k, struct counters *out) {
  int32_t *slot = slot_of(t, k);
  if (*slot < 0) return false;
  if (out) *out = t->entries[*slot].value;
  table_unlink(t, slot);
  return true;
}

// Puts k -> v (an existing key keeps its place in the order); then evicts the eldest beyond max. Returns 1 if
// it evicted.
static int table_put(struct table *t, const struct key *k, const struct counters *v, int32_t max) {
  int32_t *slot = slot_of(t, k);
  if (*slot >= 0) {
    t->entries[*slot].value = *v;
    return 0;
  }
  if (t->free_top == 0 || (uint32_t) t->size + 1 > (t->mask + 1) / 4 * 3) {
    table_grow(t);
    slot = slot_of(t, k);
  }
  int32_t i = t->free_list[--t->free_top];
  struct entry *e = &t->entries[i];
  e->key = *k;
  e->value = *v;
  e->used = true;
  e->next_in_bucket = -1;
  *slot = i;
  e->older = t->newest;
  e->newer = -1;
  if (t->newest >= 0) t->entries[t->newest].newer = i; else t->oldest = i;
  t->newest = i;
  t->size++;
  if (t->size > max) {
    table_unlink(t, slot_of(t, &t->entries[t->oldest].key));
    return 1;
  }
  return 0;
}

#define MAX_REPORTING_SOCKETS 262144 // TcpRecords.MAX_REPORTING_SOCKETS
#define RECENT_CLOSES 4096           // ProgressLedger.RECENT_CLOSES

static struct table open_sockets, recently_closed;
static int64_t clock_offset_ns; // BootClock: realtime - boottime
static struct {
  uint64_t events_read, decode_errors, progress_reports, evictions;
} metrics;
static struct {
  uint64_t connections; // AtomicLong.incrementAndGet
  uint64_t checksum;    // a volatile long
} agent_sink;

static uint64_t minus(uint64_t value, uint64_t amount) { return value > amount ? value - amount : 0; }

static bool is_mapped(const uint8_t *a) {
  static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return memcmp(a, prefix, 12) == 0;
}

// TcpEventDecoder.decode: false (a decode error) for a short record or a value the header does not define.
static bool decode(const void *data, size_t size, struct conn *c) {
  const struct k8sp_tcp_event *e = data;
  if (size < sizeof *e) return false;
  if (e->observer < 1 || e->observer > 2 || e->close_kind < 1 || e->close_kind > 4) return false;
  memset(c->client, 0, 16);
  memset(c->server, 0, 16);
  if (e->family == 2) {
    c->addr_len = 4;
    memcpy(c->client, e->client_addr, 4);
    memcpy(c->server, e->server_addr, 4);
  } else if (e->family == 10) {
    bool cm = is_mapped(e->client_addr), sm = is_mapped(e->server_addr);
    if (cm != sm) return false; // mixes IPv4-mapped and IPv6 endpoints
    c->addr_len = cm ? 4 : 16;
    memcpy(c->client, e->client_addr + (cm ? 12 : 0), c->addr_len);
    memcpy(c->server, e->server_addr + (cm ? 12 : 0), c->addr_len);
  } else {
    return false;
  }
  c->client_port = e->client_port;
  c->server_port = e->server_port;
  c->observer = e->observer;
  c->close_kind = e->close_kind;
  c->bytes_c2s = e->bytes_c2s;
  c->bytes_s2c = e->bytes_s2c;
  c->segs_c2s = e->segs_c2s;
  c->segs_s2c = e->segs_s2c;
  c->retransmits = e->retransmits;
  c->srtt_us = e->srtt_us;
  c->netns_cookie = e->netns_cookie;
  c->netns_ino = e->netns_ino;
  c->open_epoch_ns = (int64_t) e->open_ns + clock_offset_ns;
  c->close_epoch_ns = (int64_t) e->close_ns + clock_offset_ns;
  c->open_boot_ns = (int64_t) e->open_ns;
  return true;
}

static void key_of(const struct conn *c, struct key *k) {
  memset(k, 0, sizeof *k);
  memcpy(k->client, c->client, 16);
  memcpy(k->server, c->server, 16);
  k->netns_cookie = c->netns_cookie;
  k->netns_ino = c->netns_ino;
  k->open_boot_ns = c->open_boot_ns;
  k->client_port = c->client_port;
  k->server_port = c->server_port;
  k->observer = c->observer;
  k->addr_len = c->addr_len;
}

static void remainder_of(struct conn *c, const struct counters *p) {
  c->bytes_c2s = minus(c->bytes_c2s, p->bytes_c2s);
  c->bytes_s2c = minus(c->bytes_s2c, p->bytes_s2c);
  c->segs_c2s = minus(c->segs_c2s, p->segs_c2s);
  c->segs_s2c = minus(c->segs_s2c, p->segs_s2c);
  c->retransmits = minus(c->retransmits, p->retransmits);
}

// ProgressLedger.account: true if *c (turned into what is published) goes to the sink.
static bool account(struct conn *c) {
  bool open = c->close_kind == K8SP_STILL_OPEN;
  if (!open && open_sockets.size == 0) return true; // no socket has reported: nothing to look up
  struct key k;
  key_of(c, &k);
  struct counters published = {0};
  if (!open) {
    if (!table_remove(&open_sockets, &k, &published)) return true;
    table_put(&recently_closed, &k, &published, RECENT_CLOSES);
    remainder_of(c, &published);
    return true;
  }
  if (table_get(&recently_closed, &k)) return false;
  struct entry *e = table_get(&open_sockets, &k);
  if (e) published = e->value;
  struct counters totals = {c->bytes_c2s, c->bytes_s2c, c->segs_c2s, c->segs_s2c, c->retransmits};
  remainder_of(c, &published);
  if (c->bytes_c2s == 0 && c->bytes_s2c == 0) return false;
  metrics.evictions += table_put(&open_sockets, &k, &totals, MAX_REPORTING_SOCKETS);
  return true;
}

// TcpRecords.onRecord.
static int on_agent(void *ctx, void *data, size_t size) {
  (void) ctx;
  struct conn c;
  metrics.events_read++;
  if (!decode(data, size, &c)) {
    metrics.decode_errors++;
    return 0;
  }
  if (account(&c)) {
    if (c.close_kind == K8SP_STILL_OPEN) metrics.progress_reports++;
    __atomic_add_fetch(&agent_sink.connections, 1, __ATOMIC_SEQ_CST);
    // a Java volatile store is sequentially consistent (a fence on x86); a C volatile one is not
    __atomic_store_n(&agent_sink.checksum, __atomic_load_n(&agent_sink.checksum, __ATOMIC_ACQUIRE) + c.bytes_c2s
        + c.client_port, __ATOMIC_SEQ_CST);
  }
  return 0;
}

// The synthetic progress report number i (as RingConsumerBench builds them for the Java side): an IPv4 socket
// 10.254.x.y:i -> 10.253.0.1:443 in namespace 4026531840, open since i ns, with 100 + i bytes each way so far.
static void seed(int i) {
  struct k8sp_tcp_event e;
  memset(&e, 0, sizeof e);
  e.open_ns = (uint64_t) i + 1;
  e.close_ns = 1000000000ull + (uint64_t) i;
  e.netns_cookie = 1;
  e.bytes_c2s = 100 + (uint64_t) i;
  e.bytes_s2c = 100 + (uint64_t) i;
  uint8_t client[4] = {10, 254, (uint8_t) (i >> 8), (uint8_t) i}, server[4] = {10, 253, 0, 1};
  memcpy(e.client_addr, client, 4);
  memcpy(e.server_addr, server, 4);
  e.segs_c2s = e.segs_s2c = 2;
  e.netns_ino = 4026531840u;
  e.client_port = (uint16_t) (1024 + i % 60000);
  e.server_port = 443;
  e.family = 2;
  e.observer = K8SP_OBSERVER_CLIENT;
  e.close_kind = K8SP_STILL_OPEN;
  on_agent(NULL, &e, sizeof e);
}

// ---- the two probe copies and the command loop ----

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

static struct k8sp_tcp *load(uint32_t ring_bytes) {
  struct k8sp_tcp *skel = k8sp_tcp__open();
  if (!skel) { fprintf(stderr, "ringc: open failed\n"); exit(1); }
  skel->rodata->ignore_loopback = false;
  bpf_map__set_max_entries(skel->maps.tcp_events, ring_bytes);
  bpf_program__set_autoload(skel->progs.k8sp_tcp_sent, false);
  bpf_program__set_autoload(skel->progs.k8sp_tcp_received, false);
  if (k8sp_tcp__load(skel)) { fprintf(stderr, "ringc: load failed\n"); exit(1); }
  skel->links.k8sp_tcp_state = bpf_program__attach(skel->progs.k8sp_tcp_state);
  if (!skel->links.k8sp_tcp_state) { fprintf(stderr, "ringc: attach failed\n"); exit(1); }
  return skel;
}

static void drain(struct ring_buffer *rb, struct k8sp_tcp *skel, uint64_t *events, uint64_t check) {
  uint64_t before = *events;
  uint64_t w0 = ns(CLOCK_MONOTONIC), c0 = ns(CLOCK_THREAD_CPUTIME_ID);
  while (ring_buffer__consume(rb) > 0) {
  }
  uint64_t w1 = ns(CLOCK_MONOTONIC), c1 = ns(CLOCK_THREAD_CPUTIME_ID);
  printf("drained %llu %llu %llu %llu %llu\n", (unsigned long long) (*events - before),
      (unsigned long long) (w1 - w0), (unsigned long long) (c1 - c0), (unsigned long long) drops(skel),
      (unsigned long long) check & 1);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: ringc RING_BYTES\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  uint32_t ring_bytes = (uint32_t) atol(argv[1]);
  struct k8sp_tcp *raw = load(ring_bytes), *agent = load(ring_bytes);
  struct ring_buffer *raw_rb = ring_buffer__new(bpf_map__fd(raw->maps.tcp_events), on_raw, NULL, NULL);
  struct ring_buffer *agent_rb = ring_buffer__new(bpf_map__fd(agent->maps.tcp_events), on_agent, NULL, NULL);
  if (!raw_rb || !agent_rb) { fprintf(stderr, "ringc: ring_buffer__new failed\n"); return 1; }
  table_init(&open_sockets);
  table_init(&recently_closed);
  clock_offset_ns = (int64_t) ns(CLOCK_REALTIME) - (int64_t) ns(CLOCK_BOOTTIME);
  printf("ready\n");
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    if (!strncmp(line, "drain raw", 9)) {
      drain(raw_rb, raw, &raw_sink.events, raw_sink.bytes + raw_sink.ports);
    } else if (!strncmp(line, "drain agent", 11)) {
      drain(agent_rb, agent, &metrics.events_read, agent_sink.checksum + agent_sink.connections);
    } else if (!strncmp(line, "seed ", 5)) {
      int n = atoi(line + 5);
      for (int i = 0; i < n; i++) seed(i);
      printf("seeded %d %d\n", n, open_sockets.size);
    } else if (!strncmp(line, "quit", 4)) {
      break;
    }
  }
  ring_buffer__free(raw_rb);
  ring_buffer__free(agent_rb);
  k8sp_tcp__destroy(raw);
  k8sp_tcp__destroy(agent);
  return 0;
}
