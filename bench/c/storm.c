// Connection storm between two network namespaces: client threads in one, server threads in the other, each
// connection sends a small request, gets a small answer, and the server closes first (so TIME_WAIT stays on
// the server side and client ports are free again at once). Prints one JSON line with the count and the CPU
// time this process spent (user + system, which includes most of the kernel's TCP work for these sockets).
//
//   storm --client-ns NS --server-ns NS --addr IPV4 --port P (--seconds S | --count N) [--threads T] [--bytes B]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *client_ns, *server_ns, *addr_text;
static int port, threads = 2, payload = 64;
static double seconds;
static long count;
static int listen_fd;
static atomic_long done, failed, started;
static atomic_int stop;

static void enter(const char *ns) {
  char path[256];
  snprintf(path, sizeof path, "/var/run/netns/%s", ns);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
    fprintf(stderr, "storm: cannot enter %s: %s\n", path, strerror(errno));
    exit(2);
  }
  close(fd);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int full(int fd, char *buf, int len, int writing) {
  int at = 0;
  while (at < len) {
    ssize_t n = writing ? write(fd, buf + at, len - at) : read(fd, buf + at, len - at);
    if (n <= 0) return -1;
    at += n;
  }
  return 0;
}

static void *serve(void *arg) {
  (void) arg;
  char buf[65536];
  while (!atomic_load(&stop)) {
    int fd = accept(listen_fd, NULL, NULL);
    if (fd < 0) continue;
    if (full(fd, buf, payload, 0) == 0) full(fd, buf, payload, 1);
    close(fd); // server closes first
  }
  return NULL;
}

static void *client(void *arg) {
  (void) arg;
  enter(client_ns);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, addr_text, &sa.sin_addr);
  char buf[65536];
  memset(buf, 'x', sizeof buf);
  double deadline = now() + seconds;
  while (!atomic_load(&stop)) {
    if (count > 0) {
      if (atomic_fetch_add(&started, 1) >= count) break;
    } else if (now() >= deadline) {
      break;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *) &sa, sizeof sa) == 0 && full(fd, buf, payload, 1) == 0
        && full(fd, buf, payload, 0) == 0;
    if (ok) {
      char c;
      ok = read(fd, &c, 1) == 0; // the server's FIN
    }
    if (fd >= 0) close(fd);
    atomic_fetch_add(ok ? &done : &failed, 1);
  }
  return NULL;
}

int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--client-ns")) client_ns = argv[i + 1];
    else if (!strcmp(argv[i], "--server-ns")) server_ns = argv[i + 1];
    else if (!strcmp(argv[i], "--addr")) addr_text = argv[i + 1];
    else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--count")) count = atol(argv[i + 1]);
    else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--bytes")) payload = atoi(argv[i + 1]);
  }
  if (!client_ns || !server_ns || !addr_text || !port || (seconds <= 0 && count <= 0) || payload > 65536) {
    fprintf(stderr, "usage: storm --client-ns NS --server-ns NS --addr IPV4 --port P (--seconds S | --count N)"
        " [--threads T] [--bytes B<=65536]\n");
    return 2;
  }
  enter(server_ns);
  listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
  setsockopt(listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv); // accept wakes up to see stop
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, addr_text, &sa.sin_addr);
  if (bind(listen_fd, (struct sockaddr *) &sa, sizeof sa) != 0 || listen(listen_fd, 4096) != 0) {
    fprintf(stderr, "storm: cannot listen on %s:%d: %s\n", addr_text, port, strerror(errno));
    return 2;
  }
  pthread_t servers[64], clients[64];
  if (threads < 1 || threads > 64) threads = 2;
  for (int i = 0; i < threads; i++) pthread_create(&servers[i], NULL, serve, NULL);
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = now();
  for (int i = 0; i < threads; i++) pthread_create(&clients[i], NULL, client, NULL);
  for (int i = 0; i < threads; i++) pthread_join(clients[i], NULL);
  double elapsed = now() - t0;
  getrusage(RUSAGE_SELF, &r1);
  atomic_store(&stop, 1);
  for (int i = 0; i < threads; i++) pthread_join(servers[i], NULL);
  close(listen_fd);
  double cpu = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec)
      + ((r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec)) / 1e6;
  printf("{\"connections\":%ld,\"failed\":%ld,\"seconds\":%.6f,\"conn_per_s\":%.1f,\"cpu_ns\":%.0f}\n",
      atomic_load(&done), atomic_load(&failed), elapsed, atomic_load(&done) / elapsed, cpu * 1e9);
  return 0;
}
