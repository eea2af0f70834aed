// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TCP connection lifecycle on the sock/inet_sock_set_state tracepoint (BTF-typed: needs no tracefs and
 * detaches when the loading process dies). Every socket born while we watch (SYN_SENT: client, SYN_RECV:
 * server) gets socket-local storage (freed with the socket); at TCP_CLOSE one k8sp_tcp_event goes to the ring
 * buffer with the connection oriented client -> server and exact application byte counts.
 *
 * Open connections: the agent bumps report_generation every report interval; the first send or receive call of
 * a tracked socket after a bump (sock_send_length / sock_recv_length tracepoints, kernel 6.3+) writes the same
 * event with close_kind K8SP_STILL_OPEN and the counters so far, at most once per socket and generation. This
 * reaches sockets in every network namespace (iter/tcp sees only the reader's; iterators over map elements are
 * refused on some kernels), costs one storage lookup per call, and an idle socket has nothing new to report.
 *
 * Byte accounting (research/ebpf-notes.md): tcp_sock.bytes_acked counts the client's SYN and our FIN once
 * acknowledged; bytes_received counts the peer's FIN once processed. Both are taken out here:
 *   SYN: counted for the client socket once established;
 *   our FIN: sent when we entered FIN_WAIT1 or LAST_ACK, acknowledged when snd_una reached write_seq;
 *   peer FIN: tcp_fin() sets SOCK_DONE in sk_flags.
 *
 * Cost: the tracepoints hand BTF-typed socket pointers, so fields are read with plain loads (CO-RE relocated,
 * made fault-safe by the verifier) instead of one bpf_probe_read_kernel call each; the tcp_sock fields go through
 * one bpf_skc_to_tcp_sock() per event. Transitions that change nothing we remember return before any read.
 */
#include "k8sp_kernel.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "k8spacket.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Knob set by the loader before load: skip connections on 127.0.0.0/8 and ::1 (never between pods). */
const volatile bool ignore_loopback = true;

/* What we remember about a live socket between its birth and its close. */
struct live_socket {
	__u64 open_ns;
	__u32 reported_generation; /* report_generation when it last reported (or was born) */
	__u8 observer;
	__u8 established;
	__u8 fin_sent;
	__u8 _pad;
};

/* Set by the agent (map update, key 0) every report interval; a socket reports once per value. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} report_generation SEC(".maps");

/* Live sockets: storage attached to the socket itself, so it needs no size limit and goes with the socket. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct live_socket);
} live_sockets SEC(".maps");

/* Finished connections; the loader sets the size. Read by the agent from its own mmap of the ring. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} tcp_events SEC(".maps");

/* Counters indexed by enum k8sp_tcp_counter, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, K8SP_TCP_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tcp_counters SEC(".maps");

/* Keeps struct k8sp_tcp_event in the object's BTF, where the Java layout test reads it. */
const struct k8sp_tcp_event *k8sp_tcp_event_btf __attribute__((unused));

static __always_inline void count(__u32 index)
{
	__u64 *value = bpf_map_lookup_elem(&tcp_counters, &index);

	if (value)
		__sync_fetch_and_add(value, 1);
}

static __always_inline bool is_loopback(const struct sock *sk)
{
	unsigned short family = sk->__sk_common.skc_family;

	if (family == AF_INET)
		return (bpf_ntohl(sk->__sk_common.skc_daddr) >> 24) == 127;
	if (family == AF_INET6) {
		const struct in6_addr *addr = &sk->__sk_common.skc_v6_daddr;
		__u32 w0 = addr->in6_u.u6_addr32[0], w1 = addr->in6_u.u6_addr32[1];
		__u32 w2 = addr->in6_u.u6_addr32[2], w3 = addr->in6_u.u6_addr32[3];

		/* ::1 */
		if (!w0 && !w1 && !w2 && w3 == bpf_htonl(1))
			return true;
		/* ::ffff:127.x.y.z */
		return !w0 && !w1 && w2 == bpf_htonl(0xffff) && (bpf_ntohl(w3) >> 24) == 127;
	}
	return true; /* not IP: nothing for us */
}

/* The current report generation (0 before the agent's first bump). */
static __always_inline __u32 generation(void)
{
	__u32 zero = 0;
	__u32 *value = bpf_map_lookup_elem(&report_generation, &zero);

	return value ? *value : 0;
}

/* A socket was born: remember when and which side it is. */
static __always_inline void on_birth(const struct sock *sk, __u8 observer)
{
	struct live_socket *live;

	if (ignore_loopback && is_loopback(sk))
		return;
	live = bpf_sk_storage_get(&live_sockets, (struct sock *)sk, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!live)
		return;
	live->open_ns = bpf_ktime_get_boot_ns();
	live->reported_generation = generation();
	live->observer = observer;
	live->established = 0;
	live->fin_sent = 0;
	count(K8SP_TCP_SOCKETS_SEEN);
}

/* Copy this socket's local and remote address into client/server order. */
static __always_inline void fill_endpoints(struct k8sp_tcp_event *e, const struct tcp_sock *tp, bool client)
{
	const struct sock *sk = &tp->inet_conn.icsk_inet.sk;
	__u8 *local = client ? e->client_addr : e->server_addr;
	__u8 *remote = client ? e->server_addr : e->client_addr;
	/* not skc_num: inet_put_port() zeroes it before the TCP_CLOSE transition is traced */
	__u16 local_port = bpf_ntohs(tp->inet_conn.icsk_inet.inet_sport);
	__u16 remote_port = bpf_ntohs(sk->__sk_common.skc_dport);

	if (e->family == AF_INET) {
		__be32 saddr = sk->__sk_common.skc_rcv_saddr;
		__be32 daddr = sk->__sk_common.skc_daddr;

		__builtin_memcpy(local, &saddr, 4);
		__builtin_memcpy(remote, &daddr, 4);
	} else {
		const struct in6_addr *saddr = &sk->__sk_common.skc_v6_rcv_saddr;
		const struct in6_addr *daddr = &sk->__sk_common.skc_v6_daddr;
		int i;

		/* word by word: each load is a relocated, fault-safe read of the kernel's socket */
		for (i = 0; i < 4; i++) {
			__be32 l = saddr->in6_u.u6_addr32[i], r = daddr->in6_u.u6_addr32[i];

			__builtin_memcpy(local + 4 * i, &l, 4);
			__builtin_memcpy(remote + 4 * i, &r, 4);
		}
	}
	e->client_port = client ? local_port : remote_port;
	e->server_port = client ? remote_port : local_port;
}

/* Subtract without wrapping below zero. */
static __always_inline __u64 minus(__u64 value, __u64 amount)
{
	return value > amount ? value - amount : 0;
}

/*
 * Fills everything but close_kind: times (close_ns = now), namespace, endpoints oriented by who sent the SYN,
 * and the counters so far as application bytes (see the file comment).
 */
static __always_inline void fill_event(struct k8sp_tcp_event *e, const struct tcp_sock *tp,
				       const struct live_socket *live)
{
	const struct sock *sk = &tp->inet_conn.icsk_inet.sk;
	bool client = live->observer == K8SP_OBSERVER_CLIENT;
	bool fin_acked, peer_fin;
	struct net *net;
	__u64 acked, received;

	/* times and namespace */
	e->open_ns = live->open_ns;
	e->close_ns = bpf_ktime_get_boot_ns();
	net = sk->__sk_common.skc_net.net;
	e->netns_ino = net->ns.inum;
	if (bpf_core_field_exists(net->net_cookie))
		e->netns_cookie = net->net_cookie;

	/* endpoints, oriented by who sent the SYN */
	e->family = sk->__sk_common.skc_family;
	e->observer = live->observer;
	fill_endpoints(e, tp, client);

	/* application bytes: take out SYN and FINs */
	acked = tp->bytes_acked;
	received = tp->bytes_received;
	fin_acked = live->fin_sent && tp->snd_una == tp->write_seq;
	peer_fin = (sk->__sk_common.skc_flags >> SOCK_DONE) & 1;
	acked = minus(acked, (client && live->established ? 1 : 0) + (fin_acked ? 1 : 0));
	received = minus(received, peer_fin ? 1 : 0);
	e->bytes_c2s = client ? acked : received;
	e->bytes_s2c = client ? received : acked;

	/* segments, retransmits, RTT */
	e->segs_c2s = client ? tp->segs_out : tp->segs_in;
	e->segs_s2c = client ? tp->segs_in : tp->segs_out;
	e->retransmits = tp->total_retrans;
	e->srtt_us = tp->srtt_us >> 3;
}

/* The socket closed: emit one event with exact application bytes, then forget it. */
static __always_inline void on_close(const struct sock *sk)
{
	struct live_socket *found = bpf_sk_storage_get(&live_sockets, (struct sock *)sk, 0, 0);
	struct live_socket live;
	struct k8sp_tcp_event *e;
	struct tcp_sock *tp;

	if (!found) {
		if (!(ignore_loopback && is_loopback(sk)))
			count(K8SP_TCP_UNTRACKED_CLOSE);
		return;
	}
	live = *found;
	/* gone before the event is written: a report pass that comes later cannot see this socket open */
	bpf_sk_storage_delete(&live_sockets, (struct sock *)sk);
	/* storage is only ever created for TCP sockets, so this cast cannot fail; the verifier wants the check */
	tp = bpf_skc_to_tcp_sock((struct sock *)sk);
	if (!tp)
		return;

	e = bpf_ringbuf_reserve(&tcp_events, sizeof(*e), 0);
	if (!e) {
		count(K8SP_TCP_RINGBUF_DROPS);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_event(e, tp, &live);

	/* how it ended */
	if (!live.established)
		e->close_kind = K8SP_CLOSE_NEVER_ESTABLISHED;
	else if (live.fin_sent && sk->sk_err == 0)
		e->close_kind = K8SP_CLOSE_NORMAL;
	else
		e->close_kind = K8SP_CLOSE_RESET;

	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	count(K8SP_TCP_EVENTS);
}

/* Remember a transition of a tracked socket. */
static __always_inline void on_progress(const struct sock *sk, int newstate)
{
	struct live_socket *live = bpf_sk_storage_get(&live_sockets, (struct sock *)sk, 0, 0);

	if (!live)
		return;
	if (newstate == TCP_ESTABLISHED)
		live->established = 1;
	else
		live->fin_sent = 1;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(k8sp_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
	/* only the transitions we remember: FIN_WAIT2, CLOSE_WAIT, TIME_WAIT, CLOSING, LISTEN return at once */
	if (newstate != TCP_SYN_SENT && newstate != TCP_SYN_RECV && newstate != TCP_ESTABLISHED &&
	    newstate != TCP_FIN_WAIT1 && newstate != TCP_LAST_ACK && newstate != TCP_CLOSE)
		return 0;
	/* TCP only */
	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;

	switch (newstate) {
	case TCP_SYN_SENT:
		on_birth(sk, K8SP_OBSERVER_CLIENT);
		break;
	case TCP_SYN_RECV:
		on_birth(sk, K8SP_OBSERVER_SERVER);
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_LAST_ACK:
		on_progress(sk, newstate);
		break;
	case TCP_CLOSE:
		on_close(sk);
		break;
	}
	return 0;
}

/* A send or receive call returned: report the counters so far if this socket has not since the last bump. */
static __always_inline void maybe_report(const struct sock *sk)
{
	struct live_socket *live;
	struct k8sp_tcp_event *e;
	struct tcp_sock *tp;
	__u32 current;

	/* before the agent's first bump every socket holds generation 0: nothing can be due (no lookup) */
	current = generation();
	if (!current)
		return;
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	live = bpf_sk_storage_get(&live_sockets, (struct sock *)sk, 0, 0);
	if (!live || !live->established)
		return;
	if (live->reported_generation == current)
		return;
	tp = bpf_skc_to_tcp_sock((struct sock *)sk);
	if (!tp)
		return;
	live->reported_generation = current;

	e = bpf_ringbuf_reserve(&tcp_events, sizeof(*e), 0);
	if (!e) {
		count(K8SP_TCP_RINGBUF_DROPS);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_event(e, tp, live);
	e->close_kind = K8SP_STILL_OPEN;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	count(K8SP_TCP_REPORTS);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(k8sp_tcp_sent, struct sock *sk, int ret, int flags)
{
	maybe_report(sk);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(k8sp_tcp_received, struct sock *sk, int ret, int flags)
{
	maybe_report(sk);
	return 0;
}
