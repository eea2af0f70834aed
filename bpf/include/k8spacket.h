/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Event structs, enums and limits shared between the BPF programs and the Java agent.
 * This header is the source of truth: the Java decoders mirror it field by field, and a test checks their
 * offsets against the BTF of the compiled objects. Fixed-width types, fields ordered by alignment (large to
 * small), padding named.
 */
#ifndef K8SPACKET_H
#define K8SPACKET_H

/* Bump when the layout of any struct below changes. */
#define K8SP_ABI_VERSION 1

/* Which socket of the connection produced the event. */
enum k8sp_observer {
	K8SP_OBSERVER_CLIENT = 1, /* the socket that sent the SYN */
	K8SP_OBSERVER_SERVER = 2, /* the socket accepted from a listener */
};

/* How a connection ended. */
enum k8sp_close_kind {
	K8SP_CLOSE_NORMAL = 1,            /* our FIN was sent and no error (RST, timeout) was recorded */
	K8SP_CLOSE_RESET = 2,             /* reset sent or received, or aborted by a timeout */
	K8SP_CLOSE_NEVER_ESTABLISHED = 3, /* the handshake never completed (refused, timed out) */
};

/* Indexes of the per-CPU counter array `tcp_counters`. */
enum k8sp_tcp_counter {
	K8SP_TCP_EVENTS = 0,          /* events written to the ring buffer */
	K8SP_TCP_RINGBUF_DROPS = 1,   /* bpf_ringbuf_reserve failed: the reader fell behind */
	K8SP_TCP_UNTRACKED_CLOSE = 2, /* a TCP socket closed that was not born while we watched */
	K8SP_TCP_SOCKETS_SEEN = 3,    /* sockets added to the live-socket map */
	K8SP_TCP_COUNTER_MAX = 4,
};

/* Default number of live sockets tracked; the loader may change it before load. */
#define K8SP_DEFAULT_MAX_SOCKETS 65536

/*
 * One finished TCP connection as seen by one of its sockets, oriented client -> server.
 * Times are CLOCK_BOOTTIME nanoseconds (bpf_ktime_get_boot_ns); the agent converts them to wall clock.
 * Byte counts are application bytes: the SYN and FIN sequence numbers are taken out.
 */
struct k8sp_tcp_event {
	__u64 open_ns;        /* SYN_SENT (client) or SYN_RECV (server) transition */
	__u64 close_ns;       /* TCP_CLOSE transition */
	__u64 netns_cookie;   /* net->net_cookie of the socket's network namespace, 0 if the kernel lacks it */
	__u64 bytes_c2s;      /* application bytes client -> server */
	__u64 bytes_s2c;      /* application bytes server -> client */
	__u8 client_addr[16]; /* network order; IPv4 in the first 4 bytes, rest zero */
	__u8 server_addr[16]; /* network order; IPv4 in the first 4 bytes, rest zero */
	__u32 segs_c2s;       /* segments client -> server, as counted by the observing socket */
	__u32 segs_s2c;       /* segments server -> client, as counted by the observing socket */
	__u32 retransmits;    /* segments retransmitted by the observing socket (tcp_sock.total_retrans) */
	__u32 srtt_us;        /* smoothed RTT in microseconds at close */
	__u32 netns_ino;      /* inode number of the network namespace (as in /proc/PID/ns/net) */
	__u16 client_port;    /* host order */
	__u16 server_port;    /* host order */
	__u16 family;         /* AF_INET (2) or AF_INET6 (10) */
	__u8 observer;        /* enum k8sp_observer */
	__u8 close_kind;      /* enum k8sp_close_kind */
	__u8 _pad[4];         /* explicit padding to a multiple of 8 bytes; always zero */
};

#endif /* K8SPACKET_H */
