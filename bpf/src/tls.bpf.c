// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TLS handshake capture on TC (TCX links or clsact filters; the agent attaches ingress and egress of the
 * interfaces it follows). Copies the bytes of TLS handshake records (type 22) of each TCP flow direction to
 * the `tls_chunks` ring buffer, and nothing else: no application data is ever copied.
 *
 * A flow direction (directional 4-tuple, LRU hash) starts when a segment's payload begins with a handshake
 * record holding a ClientHello or ServerHello. From then on the program knows the TCP sequence number where
 * the next record header begins (`next_record`); every byte before it belongs to a handshake record. For each
 * segment it walks the record headers inside the segment (bounded loop) and copies the bytes up to the first
 * record of another type (ChangeCipherSpec 20, alert 21, application data 23), where the flow is done. A
 * segment that begins past `next_record` (a gap: lost or reordered) is not copied, since its content is
 * unknown. A header split across segments is remembered byte by byte. Bytes already copied (a retransmission,
 * or the same packet seen again on the next interface of a same-node path) are not copied twice. FIN and RST
 * forget the flow; a per-flow byte budget bounds it.
 *
 * Verdict: always TC_ACT_UNSPEC (-1), which is also TCX_NEXT: for TCX the next program of the interface runs,
 * for a classic clsact direct-action filter the next filter of the chain runs; with none left the packet
 * passes unchanged. TC_ACT_OK (0) would pass the packet too but end the chain, hiding it from other tools'
 * filters, so it is not used. The program never modifies a packet.
 *
 * Compiled against UAPI headers only: __sk_buff programs need no CO-RE.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "k8spacket.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET 2
#define AF_INET6 10
#define TLS_HANDSHAKE 22
#define TLS_CLIENT_HELLO 1
#define TLS_SERVER_HELLO 2
#define TLS_RECORD_HEADER 5
/* Longest record a peer may send: 2^14 plaintext + 2048 of expansion (RFC 5246 6.2.3). */
#define TLS_MAX_RECORD (16384 + 2048)
#ifndef TCX_NEXT
#define TCX_NEXT -1 /* linux/bpf.h of kernel 6.6+; equal to TC_ACT_UNSPEC */
#endif

_Static_assert(TCX_NEXT == TC_ACT_UNSPEC, "one verdict serves TCX and clsact");
_Static_assert((K8SP_TLS_MAX_CAP & (K8SP_TLS_MAX_CAP - 1)) == 0, "MAX_CAP must be a power of two");

/* Knob set by the loader before load: handshake bytes copied per flow direction at most. */
const volatile __u32 flow_budget = K8SP_TLS_DEFAULT_FLOW_BUDGET;

/* A flow direction: source and destination as on the wire. */
struct flow_key {
	__u8 src[16];
	__u8 dst[16];
	__u16 sport; /* network order */
	__u16 dport; /* network order */
	__u16 family;
	__u16 _pad;
};

/* What we know about a flow direction whose handshake we follow. */
struct flow {
	__u32 start_seq;   /* sequence number of the first hello byte */
	__u32 next_record; /* sequence number where the next record header begins */
	__u32 copied_to;   /* bytes before this sequence number were copied already */
	__u32 copied;      /* bytes copied so far, against flow_budget */
	__u32 hdr;         /* the first hdr_have bytes of the header at next_record, byte k at bits 8k */
	__u8 hdr_have;     /* 0 to 4: the header at next_record was split across packets */
	__u8 done;         /* a record of another type was seen, or the budget ran out: copy nothing more */
	__u8 _pad[2];
};

/* Flow directions being followed; the loader sets max_entries (default K8SP_TLS_DEFAULT_MAX_FLOWS). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, K8SP_TLS_DEFAULT_MAX_FLOWS);
	__type(key, struct flow_key);
	__type(value, struct flow);
} tls_flows SEC(".maps");

/* Chunks of handshake bytes; the loader sets the size. Read by the agent from its own mmap of the ring. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} tls_chunks SEC(".maps");

/* One chunk is assembled here (header + up to MAX_CAP bytes), then copied into the ring at its real size. */
struct scratch {
	__u8 bytes[sizeof(struct k8sp_tls_chunk) + K8SP_TLS_MAX_CAP];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} tls_scratch SEC(".maps");

/* Counters indexed by enum k8sp_tls_counter, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, K8SP_TLS_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tls_counters SEC(".maps");

/* Keeps struct k8sp_tls_chunk in the object's BTF, where the Java layout test reads it. */
const struct k8sp_tls_chunk *k8sp_tls_chunk_btf __attribute__((unused));

/* Where the TCP payload of a packet is and whom it is from. */
struct segment {
	struct flow_key key;
	__u32 payload_off; /* offset of the payload from skb->data */
	__u32 len;         /* payload bytes (L2 padding excluded) */
	__u32 seq;         /* TCP sequence number of the first payload byte */
	__u8 fin_or_rst;
};

static __always_inline void count(__u32 index)
{
	__u64 *value = bpf_map_lookup_elem(&tls_counters, &index);

	if (value)
		*value += 1; /* per CPU, and TC runs with bottom halves off: no atomic needed */
}

/*
 * Copies a header of the packet at offset off (from skb->data): straight from the linear data when it is there
 * (the usual case: a load, no helper call), else with bpf_skb_load_bytes (non-linear skbs). 0 on success.
 */
#define LOAD_HEADER(skb, off, to)                                                                 \
	({                                                                                        \
		void *data_ = (void *)(long)(skb)->data, *end_ = (void *)(long)(skb)->data_end;   \
		typeof(to) p_ = data_ + (off);                                                    \
		(void *)(p_ + 1) <= end_ ? (*(to) = *p_, 0)                                       \
					 : bpf_skb_load_bytes(skb, off, to, sizeof(*(to)));       \
	})

/* Finds the TCP payload of an IPv4/IPv6 packet whose network header starts at l2_len; 0 if there is one. */
static __always_inline int parse(struct __sk_buff *skb, __u32 l2_len, struct segment *s)
{
	struct tcphdr tcp;
	__u32 l4, end;

	/* network header: IPv4 without fragments, or IPv6 with TCP right after the fixed header */
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;

		if (LOAD_HEADER(skb, l2_len, &ip))
			return -1;
		if (ip.version != 4 || ip.ihl < 5 || ip.protocol != IPPROTO_TCP)
			return -1;
		if (ip.frag_off & bpf_htons(0x3fff)) /* MF or a fragment offset */
			return -1;
		l4 = l2_len + ip.ihl * 4;
		/* tot_len excludes L2 padding; 0 means BIG TCP, where the skb length is the truth */
		end = ip.tot_len ? l2_len + bpf_ntohs(ip.tot_len) : skb->len;
		s->key.family = AF_INET;
		__builtin_memcpy(s->key.src, &ip.saddr, 4);
		__builtin_memcpy(s->key.dst, &ip.daddr, 4);
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (LOAD_HEADER(skb, l2_len, &ip6))
			return -1;
		if (ip6.nexthdr != IPPROTO_TCP) /* extension headers (and jumbograms) are not followed */
			return -1;
		l4 = l2_len + sizeof(ip6);
		end = l4 + bpf_ntohs(ip6.payload_len);
		s->key.family = AF_INET6;
		__builtin_memcpy(s->key.src, &ip6.saddr, 16);
		__builtin_memcpy(s->key.dst, &ip6.daddr, 16);
	} else {
		return -1;
	}
	count(K8SP_TLS_PACKETS);

	/* TCP header: ports, sequence number, flags, data offset */
	if (l4 > 0xffff || LOAD_HEADER(skb, l4, &tcp) || tcp.doff < 5)
		return -1;
	if (end > skb->len)
		end = skb->len;
	s->payload_off = l4 + tcp.doff * 4;
	s->len = end > s->payload_off ? end - s->payload_off : 0;
	s->seq = bpf_ntohl(tcp.seq);
	s->key.sport = tcp.source;
	s->key.dport = tcp.dest;
	s->fin_or_rst = tcp.fin || tcp.rst;
	return tcp.syn ? -1 : 0; /* data on a SYN (TCP Fast Open) is not followed */
}

/* Whether the payload begins with a handshake record (16 03 0x, x <= 4) holding a ClientHello or ServerHello. */
static __always_inline bool starts_hello(struct __sk_buff *skb, const struct segment *s)
{
	struct {
		__u8 b[6];
	} h;

	if (s->len < sizeof(h) || s->payload_off > 0xffff || LOAD_HEADER(skb, s->payload_off, &h))
		return false;
	return h.b[0] == TLS_HANDSHAKE && h.b[1] == 3 && h.b[2] <= 4 &&
	       (h.b[5] == TLS_CLIENT_HELLO || h.b[5] == TLS_SERVER_HELLO);
}

/* Whether a not-done flow's header state says seq lies in [start_seq, next_record). */
static __always_inline bool seen_before(const struct flow *f, __u32 seq)
{
	return (__s32)(seq - f->start_seq) >= 0 && (__s32)(seq - f->next_record) < 0;
}

/*
 * Takes a record header (its 5 bytes in the low bytes of h, byte 0 lowest) into the flow: a handshake record
 * moves next_record past itself and returns its length; anything else (another record type, or not TLS at all)
 * sets *end_flow and returns -1.
 */
static __always_inline __s64 take_header(struct flow *f, __u64 h, bool *end_flow)
{
	__u32 type = h & 0xff, major = (h >> 8) & 0xff;
	__u32 rlen = ((h >> 24) & 0xff) << 8 | ((h >> 32) & 0xff);

	if (type != TLS_HANDSHAKE || major != 3 || rlen == 0 || rlen > TLS_MAX_RECORD) {
		*end_flow = true;
		return -1;
	}
	f->next_record += TLS_RECORD_HEADER + rlen;
	f->hdr = 0;
	f->hdr_have = 0;
	return rlen;
}

/*
 * Walks the record headers of the payload from offset pos (where the next header byte we need is) and
 * returns how many payload bytes, from 0, belong to handshake records. Sets *end_flow when a record of another
 * type (or a malformed header) begins inside the payload, *truncated when the walk stopped early. A header
 * split across packets is completed first from the bytes remembered in the flow. Header bytes are handled as
 * one little-endian integer (byte k at bits 8k), so no stack array is indexed by a variable.
 */
static __always_inline __u32 walk_records(struct __sk_buff *skb, const struct segment *s, struct flow *f,
					  __u32 pos, bool *end_flow, bool *truncated)
{
	__u32 have = f->hdr_have;
	__u64 h;
	__s64 rlen;
	int i;

	/* finish a header that began in an earlier packet (its type byte, 22, was checked then) */
	if (have >= 1 && have <= 4) {
		__u32 need = TLS_RECORD_HEADER - have, got = s->len - pos;
		__u64 n = got < need ? got : need;

		h = 0;
		n = ((n - 1) & 3) + 1; /* 1..4, as it already is */
		if (bpf_skb_load_bytes(skb, s->payload_off + pos, &h, n))
			return pos;
		h = f->hdr | h << (8 * have);
		if (got < need) {
			f->hdr = h; /* still not complete: remember these bytes too */
			f->hdr_have = have + got;
			return s->len;
		}
		rlen = take_header(f, h, end_flow);
		if (rlen < 0)
			return pos >= have ? pos - have : 0;
		pos += need + rlen;
		if (pos >= s->len)
			return s->len;
	}

	/* then every header that begins in this packet */
	for (i = 0; i < K8SP_TLS_MAX_RECORDS; i++) {
		__u64 got = s->len - pos;

		h = 0;
		if (got < TLS_RECORD_HEADER) {
			/* the header goes on in the next packet: judge its type now, remember its bytes */
			got = ((got - 1) & 3) + 1; /* 1..4, as it already is */
			if (bpf_skb_load_bytes(skb, s->payload_off + pos, &h, got))
				return pos;
			if ((h & 0xff) != TLS_HANDSHAKE) {
				*end_flow = true;
				return pos;
			}
			f->hdr = h;
			f->hdr_have = got;
			return s->len;
		}
		if (bpf_skb_load_bytes(skb, s->payload_off + pos, &h, TLS_RECORD_HEADER))
			return pos;
		rlen = take_header(f, h, end_flow);
		if (rlen < 0)
			return pos;
		pos += TLS_RECORD_HEADER + rlen;
		if (pos >= s->len)
			return s->len; /* the record goes on in a later packet (or ends exactly here) */
	}
	*truncated = true; /* more records than we walk per packet; the next packets will look like a gap */
	return pos;
}

/* Fills the header of the per-CPU scratch record for this packet's chunks, the first starting at from. */
static __always_inline bool prepare_chunk(struct __sk_buff *skb, const struct segment *s, __u32 from,
					  __u8 direction)
{
	__u32 zero = 0;
	struct k8sp_tls_chunk *e = bpf_map_lookup_elem(&tls_scratch, &zero);

	if (!e)
		return false;
	__builtin_memset(e, 0, sizeof(*e));
	e->captured_ns = bpf_ktime_get_boot_ns();
	__builtin_memcpy(e->src_addr, s->key.src, 16);
	__builtin_memcpy(e->dst_addr, s->key.dst, 16);
	e->ifindex = skb->ifindex;
	e->src_port = bpf_ntohs(s->key.sport);
	e->dst_port = bpf_ntohs(s->key.dport);
	e->family = s->key.family;
	e->direction = direction;
	e->seq = s->seq + from; /* of the first chunk; emit_chunks() advances it */
	return true;
}

/*
 * Copies n packet bytes from offset off (from skb->data) to the ring in chunks of at most K8SP_TLS_MAX_CAP,
 * behind the header prepare_chunk() left in the scratch record. flags: K8SP_TLS_FLAG_START for the first
 * chunk, K8SP_TLS_FLAG_TRUNCATED for the last. A global function: the verifier checks it once on its own, not
 * once per path of the record walk (which made the program take seconds to load).
 */
__attribute__((noinline)) int emit_chunks(struct __sk_buff *skb, __u32 off, __u32 n, __u32 flags)
{
	__u32 zero = 0;
	struct scratch *buf = bpf_map_lookup_elem(&tls_scratch, &zero);
	struct k8sp_tls_chunk *e;
	__u32 seq;
	int c;

	if (!skb || !buf)
		return 0;
	e = (struct k8sp_tls_chunk *)buf->bytes;
	seq = e->seq;
	for (c = 0; c < K8SP_TLS_MAX_CHUNKS; c++) {
		__u32 done = c * K8SP_TLS_MAX_CAP;
		__u64 len;

		if (done >= n)
			break;
		/* 1..MAX_CAP in a form the verifier can follow (research/ebpf-jna.md 5) */
		len = (__u64)n - done;
		if (len > K8SP_TLS_MAX_CAP)
			len = K8SP_TLS_MAX_CAP;
		len = ((len - 1) & (K8SP_TLS_MAX_CAP - 1)) + 1;
		e->seq = seq + done;
		e->len = len;
		e->flags = flags & (c == 0 ? K8SP_TLS_FLAG_START : 0);
		if (done + len >= n)
			e->flags |= flags & K8SP_TLS_FLAG_TRUNCATED;
		if (bpf_skb_load_bytes(skb, off + done, e->data, len))
			break;
		if (bpf_ringbuf_output(&tls_chunks, e, sizeof(*e) + len, BPF_RB_NO_WAKEUP))
			count(K8SP_TLS_RINGBUF_DROPS);
		else
			count(K8SP_TLS_CHUNKS);
	}
	return c;
}

static __always_inline void handle(struct __sk_buff *skb, __u32 l2_len, __u8 direction)
{
	struct segment s = {};
	struct flow *f;
	__u8 first_flags = 0;
	bool end_flow = false, truncated = false;
	__u32 copy_end, from, n;
	__s32 need;

	/* IPv4/IPv6 TCP only; everything else costs a header load or two */
	if (parse(skb, l2_len, &s))
		return;
	/* no payload and no FIN/RST (handshake, pure ACKs: most packets): nothing to copy or forget, no lookup */
	if (!s.len && !s.fin_or_rst)
		return;
	f = bpf_map_lookup_elem(&tls_flows, &s.key);
	/* FIN or RST: forget the flow direction, if we followed it (the lookup first: it takes no lock) */
	if (s.fin_or_rst) {
		if (f)
			bpf_map_delete_elem(&tls_flows, &s.key);
		return;
	}

	/* a flow starts with a ClientHello or ServerHello record (unless this is a copy of one we followed) */
	if (!f || f->done) {
		struct flow fresh = {};

		if (!starts_hello(skb, &s))
			return;
		if (f && seen_before(f, s.seq))
			return;
		fresh.start_seq = s.seq;
		fresh.next_record = s.seq;
		fresh.copied_to = s.seq;
		if (bpf_map_update_elem(&tls_flows, &s.key, &fresh, BPF_ANY))
			return;
		f = bpf_map_lookup_elem(&tls_flows, &s.key);
		if (!f)
			return;
		count(K8SP_TLS_FLOWS);
		first_flags = K8SP_TLS_FLAG_START;
	}

	/* where the next header byte we need lies in this payload; past its start is a gap we cannot judge */
	need = (__s32)(f->next_record + f->hdr_have - s.seq);
	if (need < 0) {
		count(K8SP_TLS_GAPS);
		return;
	}
	copy_end = (__u32)need < s.len ? walk_records(skb, &s, f, need, &end_flow, &truncated) : s.len;

	/* skip what was copied before (retransmission, or this packet seen on the previous interface) */
	need = (__s32)(f->copied_to - s.seq);
	from = need > 0 ? need : 0;
	n = copy_end > from ? copy_end - from : 0;
	if (n > K8SP_TLS_MAX_CHUNKS * K8SP_TLS_MAX_CAP) {
		n = K8SP_TLS_MAX_CHUNKS * K8SP_TLS_MAX_CAP;
		truncated = true;
	}
	if (f->copied + n > flow_budget) {
		n = f->copied < flow_budget ? flow_budget - f->copied : 0;
		truncated = true;
		end_flow = true;
	}
	if (truncated)
		count(K8SP_TLS_TRUNCATIONS);
	if (n && prepare_chunk(skb, &s, from, direction)) {
		emit_chunks(skb, s.payload_off + from, n,
			    (from == 0 ? first_flags : 0) | (truncated ? K8SP_TLS_FLAG_TRUNCATED : 0));
		f->copied += n;
		f->copied_to = s.seq + from + n;
	}
	if (end_flow)
		f->done = 1;
}

/* Ethernet devices (ARPHRD_ETHER: veth, physical NICs, bridges): a 14-byte L2 header precedes IP. */
SEC("tc")
int k8sp_tls_in_eth(struct __sk_buff *skb)
{
	handle(skb, ETH_HLEN, K8SP_TLS_INGRESS);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int k8sp_tls_eg_eth(struct __sk_buff *skb)
{
	handle(skb, ETH_HLEN, K8SP_TLS_EGRESS);
	return TC_ACT_UNSPEC;
}

/* L3 devices without a link-layer header (ARPHRD_NONE: tun, wireguard): IP starts at offset 0. */
SEC("tc")
int k8sp_tls_in_l3(struct __sk_buff *skb)
{
	handle(skb, 0, K8SP_TLS_INGRESS);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int k8sp_tls_eg_l3(struct __sk_buff *skb)
{
	handle(skb, 0, K8SP_TLS_EGRESS);
	return TC_ACT_UNSPEC;
}
