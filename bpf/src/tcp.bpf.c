// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TCP connection lifecycle on the sock/inet_sock_set_state tracepoint (BTF-typed: needs no tracefs and
 * detaches when the loading process dies). Every socket born while we watch (SYN_SENT: client, SYN_RECV:
 * server) is tracked in an LRU hash; at TCP_CLOSE one k8sp_tcp_event goes to the ring buffer with the
 * connection oriented client -> server and exact application byte counts.
 *
 * Byte accounting (research/ebpf-notes.md): tcp_sock.bytes_acked counts the client's SYN and our FIN once
 * acknowledged; bytes_received counts the peer's FIN once processed. Both are taken out here:
 *   SYN: counted for the client socket once established;
 *   our FIN: sent when we entered FIN_WAIT1 or LAST_ACK, acknowledged when snd_una reached write_seq;
 *   peer FIN: tcp_fin() sets SOCK_DONE in sk_flags.
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
	__u8 observer;
	__u8 established;
	__u8 fin_sent;
	__u8 _pad[5];
};

/* Live sockets by struct sock address; the loader sets max_entries (default K8SP_DEFAULT_MAX_SOCKETS). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, K8SP_DEFAULT_MAX_SOCKETS);
	__type(key, __u64);
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
	unsigned short family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family == AF_INET)
		return (bpf_ntohl(BPF_CORE_READ(sk, __sk_common.skc_daddr)) >> 24) == 127;
	if (family == AF_INET6) {
		struct in6_addr addr = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
		__u32 w0 = addr.in6_u.u6_addr32[0], w1 = addr.in6_u.u6_addr32[1];
		__u32 w2 = addr.in6_u.u6_addr32[2], w3 = addr.in6_u.u6_addr32[3];

		/* ::1 */
		if (!w0 && !w1 && !w2 && w3 == bpf_htonl(1))
			return true;
		/* ::ffff:127.x.y.z */
		return !w0 && !w1 && w2 == bpf_htonl(0xffff) && (bpf_ntohl(w3) >> 24) == 127;
	}
	return true; /* not IP: nothing for us */
}

/* A socket was born: remember when and which side it is. */
static __always_inline void on_birth(const struct sock *sk, __u64 key, __u8 observer)
{
	struct live_socket live = { .open_ns = bpf_ktime_get_boot_ns(), .observer = observer };

	if (ignore_loopback && is_loopback(sk))
		return;
	if (bpf_map_update_elem(&live_sockets, &key, &live, BPF_ANY) == 0)
		count(K8SP_TCP_SOCKETS_SEEN);
}

/* Copy this socket's local and remote address into client/server order. */
static __always_inline void fill_endpoints(struct k8sp_tcp_event *e, const struct sock *sk, bool client)
{
	__u8 *local = client ? e->client_addr : e->server_addr;
	__u8 *remote = client ? e->server_addr : e->client_addr;
	/* not skc_num: inet_put_port() zeroes it before the TCP_CLOSE transition is traced */
	__u16 local_port = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	__u16 remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));

	if (e->family == AF_INET) {
		__be32 saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__be32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);

		__builtin_memcpy(local, &saddr, 4);
		__builtin_memcpy(remote, &daddr, 4);
	} else {
		/* explicit size: BPF_CORE_READ_INTO would copy sizeof(*local) = 1 byte */
		bpf_core_read(local, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(remote, 16, &sk->__sk_common.skc_v6_daddr);
	}
	e->client_port = client ? local_port : remote_port;
	e->server_port = client ? remote_port : local_port;
}

/* Subtract without wrapping below zero. */
static __always_inline __u64 minus(__u64 value, __u64 amount)
{
	return value > amount ? value - amount : 0;
}

/* The socket closed: emit one event with exact application bytes, then forget it. */
static __always_inline void on_close(const struct sock *sk, __u64 key)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	struct live_socket *found = bpf_map_lookup_elem(&live_sockets, &key);
	struct live_socket live;
	struct k8sp_tcp_event *e;
	struct net *net;
	bool client, fin_acked, peer_fin;
	__u64 acked, received;

	if (!found) {
		if (!(ignore_loopback && is_loopback(sk)))
			count(K8SP_TCP_UNTRACKED_CLOSE);
		return;
	}
	live = *found;
	bpf_map_delete_elem(&live_sockets, &key);

	e = bpf_ringbuf_reserve(&tcp_events, sizeof(*e), 0);
	if (!e) {
		count(K8SP_TCP_RINGBUF_DROPS);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	client = live.observer == K8SP_OBSERVER_CLIENT;

	/* times and namespace */
	e->open_ns = live.open_ns;
	e->close_ns = bpf_ktime_get_boot_ns();
	net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	e->netns_ino = BPF_CORE_READ(net, ns.inum);
	if (bpf_core_field_exists(net->net_cookie))
		e->netns_cookie = BPF_CORE_READ(net, net_cookie);

	/* endpoints, oriented by who sent the SYN */
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->observer = live.observer;
	fill_endpoints(e, sk, client);

	/* application bytes: take out SYN and FINs (see the file comment) */
	acked = BPF_CORE_READ(tp, bytes_acked);
	received = BPF_CORE_READ(tp, bytes_received);
	fin_acked = live.fin_sent && BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq);
	peer_fin = (BPF_CORE_READ(sk, __sk_common.skc_flags) >> SOCK_DONE) & 1;
	acked = minus(acked, (client && live.established ? 1 : 0) + (fin_acked ? 1 : 0));
	received = minus(received, peer_fin ? 1 : 0);
	e->bytes_c2s = client ? acked : received;
	e->bytes_s2c = client ? received : acked;

	/* segments, retransmits, RTT */
	e->segs_c2s = client ? BPF_CORE_READ(tp, segs_out) : BPF_CORE_READ(tp, segs_in);
	e->segs_s2c = client ? BPF_CORE_READ(tp, segs_in) : BPF_CORE_READ(tp, segs_out);
	e->retransmits = BPF_CORE_READ(tp, total_retrans);
	e->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;

	/* how it ended */
	if (!live.established)
		e->close_kind = K8SP_CLOSE_NEVER_ESTABLISHED;
	else if (live.fin_sent && BPF_CORE_READ(sk, sk_err) == 0)
		e->close_kind = K8SP_CLOSE_NORMAL;
	else
		e->close_kind = K8SP_CLOSE_RESET;

	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	count(K8SP_TCP_EVENTS);
}

/* Remember a transition of a tracked socket. */
static __always_inline void on_progress(__u64 key, int newstate)
{
	struct live_socket *live = bpf_map_lookup_elem(&live_sockets, &key);

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
	__u64 key = (__u64)sk;

	/* TCP only */
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;

	switch (newstate) {
	case TCP_SYN_SENT:
		on_birth(sk, key, K8SP_OBSERVER_CLIENT);
		break;
	case TCP_SYN_RECV:
		on_birth(sk, key, K8SP_OBSERVER_SERVER);
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_LAST_ACK:
		on_progress(key, newstate);
		break;
	case TCP_CLOSE:
		on_close(sk, key);
		break;
	}
	return 0;
}
