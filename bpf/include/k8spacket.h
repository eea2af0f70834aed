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
#define K8SP_ABI_VERSION 2

/* Which socket of the connection produced the event. */
enum k8sp_observer {
	K8SP_OBSERVER_CLIENT = 1, /* the socket that sent the SYN */
	K8SP_OBSERVER_SERVER = 2, /* the socket accepted from a listener */
};

/* How a connection ended; K8SP_STILL_OPEN marks a progress report of an open connection instead. */
enum k8sp_close_kind {
	K8SP_CLOSE_NORMAL = 1,            /* our FIN was sent and no error (RST, timeout) was recorded */
	K8SP_CLOSE_RESET = 2,             /* reset sent or received, or aborted by a timeout */
	K8SP_CLOSE_NEVER_ESTABLISHED = 3, /* the handshake never completed (refused, timed out) */
	K8SP_STILL_OPEN = 4,              /* not closed: a progress report of the counters so far */
};

/* Indexes of the per-CPU counter array `tcp_counters`. */
enum k8sp_tcp_counter {
	K8SP_TCP_EVENTS = 0,          /* events written to the ring buffer */
	K8SP_TCP_RINGBUF_DROPS = 1,   /* bpf_ringbuf_reserve failed: the reader fell behind */
	K8SP_TCP_UNTRACKED_CLOSE = 2, /* a TCP socket closed that was not born while we watched */
	K8SP_TCP_SOCKETS_SEEN = 3,    /* sockets given live-socket storage */
	K8SP_TCP_REPORTS = 4,         /* progress reports of open sockets written to the ring buffer */
	K8SP_TCP_COUNTER_MAX = 5,
};

/*
 * One TCP connection as seen by one of its sockets, oriented client -> server: at its close, or while open
 * (close_kind K8SP_STILL_OPEN, close_ns = report time; at most once per report generation). Counters are the
 * socket's totals since open; the agent turns reports into deltas.
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

/* ---- TLS handshake capture (tls.bpf.c) ---- */

/* Most bytes of payload in one k8sp_tls_chunk record (a power of two; the verifier bounds copies with it). */
#define K8SP_TLS_MAX_CAP 4096
/* Most chunks per packet: K8SP_TLS_MAX_CHUNKS * K8SP_TLS_MAX_CAP = 64 KiB, a full GSO super-packet. */
#define K8SP_TLS_MAX_CHUNKS 16
/* Most TLS record headers walked per packet (a server's whole first flight has about six). */
#define K8SP_TLS_MAX_RECORDS 16
/* Default handshake bytes copied per flow direction; the loader may change it before load. */
#define K8SP_TLS_DEFAULT_FLOW_BUDGET 65536
/* Default number of flow directions followed at once (LRU beyond); the loader may change it. */
#define K8SP_TLS_DEFAULT_MAX_FLOWS 16384

/* Which TC hook of the interface saw the packet. */
enum k8sp_tls_direction {
	K8SP_TLS_INGRESS = 1, /* received by the interface (for a host-side pod veth: sent by the pod) */
	K8SP_TLS_EGRESS = 2,  /* sent by the interface (for a host-side pod veth: delivered to the pod) */
};

/* Bits of k8sp_tls_chunk.flags. */
enum k8sp_tls_flags {
	K8SP_TLS_FLAG_START = 1,     /* data[0] is the first byte of a ClientHello or ServerHello record */
	K8SP_TLS_FLAG_TRUNCATED = 2, /* handshake bytes of this packet after this chunk were not copied */
};

/* Indexes of the per-CPU counter array `tls_counters`. */
enum k8sp_tls_counter {
	K8SP_TLS_PACKETS = 0,       /* IPv4/IPv6 TCP packets looked at */
	K8SP_TLS_FLOWS = 1,         /* handshake flow directions started (ClientHello or ServerHello seen) */
	K8SP_TLS_CHUNKS = 2,        /* chunks written to the ring buffer */
	K8SP_TLS_RINGBUF_DROPS = 3, /* bpf_ringbuf_output failed: the reader fell behind */
	K8SP_TLS_TRUNCATIONS = 4,   /* handshake bytes not copied: flow budget, chunks or records per packet */
	K8SP_TLS_GAPS = 5,          /* segments of a followed flow that began past the next expected record */
	K8SP_TLS_COUNTER_MAX = 6,
};

/*
 * Header of one ring-buffer record of handshake bytes: `len` bytes of TCP payload follow in `data`, the
 * first of them at TCP sequence number `seq` of the directional flow src -> dst. Only bytes of TLS records
 * of type handshake (22) are ever copied. Times are CLOCK_BOOTTIME nanoseconds.
 */
struct k8sp_tls_chunk {
	__u64 captured_ns;    /* when the packet passed the hook */
	__u8 src_addr[16];    /* network order; IPv4 in the first 4 bytes, rest zero */
	__u8 dst_addr[16];    /* network order; IPv4 in the first 4 bytes, rest zero */
	__u32 ifindex;        /* interface whose hook saw the packet */
	__u32 seq;            /* TCP sequence number of data[0] */
	__u16 src_port;       /* host order */
	__u16 dst_port;       /* host order */
	__u16 len;            /* bytes in data, 1 to K8SP_TLS_MAX_CAP */
	__u16 family;         /* AF_INET (2) or AF_INET6 (10) */
	__u8 direction;       /* enum k8sp_tls_direction */
	__u8 flags;           /* enum k8sp_tls_flags bits */
	__u8 _pad[6];         /* explicit padding to a multiple of 8 bytes; always zero */
	__u8 data[];          /* len bytes of payload */
};

#endif /* K8SPACKET_H */
