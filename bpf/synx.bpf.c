// SPDX-License-Identifier: GPL-2.0-only
/*
 * synx: XDP SYN-cookie handshake accelerator.
 *
 * Per packet (README.md has the full decision table):
 *   1. parse, and drop what is malformed before anything else looks at it;
 *   2. pass what is not TCP to a protected port;
 *   3. SYN with a listener: answer with the listener's own SYN cookie
 *      (XDP_TX) when the kernel's policy says cookies are on;
 *   4. ACK that only a listener would receive: pass it if its cookie is
 *      valid (the kernel then creates the connection) or if it follows
 *      right behind such an ACK (followup.h), drop it otherwise;
 *   5. pass the rest (established flows, RSTs, ...) untouched.
 * Every exit is counted by synx_record(), once, with its reason.
 *
 * GPL-2.0-only: bpf_tcp_gen_syncookie() and bpf_tcp_check_syncookie() are
 * GPL-only helpers.
 */
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#include "synx_config.h"
#include "maps.h"
#include "verdict.h"
#include "parsing.h"
#include "csum.h"
#include "tcp_opts.h"
#include "cookie_kernel.h"
#include "cookie_own.h"
#include "followup.h"
#include "synack.h"

#define IPV4_MIN_MSS 536  /* RFC 9293 section 3.7.1 */
#define IPV6_MIN_MSS 1220 /* RFC 8200 section 5: 1280 - 60 */
#define MTU_FALLBACK 1500

/*
 * Built-in configuration, used while the synx_config map holds no entry of
 * ours: that is the state after a plain `ip link ... xdp obj synx.bpf.o`.
 * const volatile: a loader may override it through the skeleton's rodata.
 */
const volatile struct synx_config synx_defaults = {
	.version = SYNX_CONFIG_VERSION,
	.flags = SYNX_DEFAULT_FLAGS,
	.ttl = SYNX_DEFAULT_TTL,
	.hop_limit = SYNX_DEFAULT_HOP_LIMIT,
	.wscale = SYNX_DEFAULT_WSCALE,
	.no_listener = SYNX_NOLISTEN_PASS,
	.cookie_mode = SYNX_COOKIE_KERNEL,
};

/* libxdp dispatcher: run early, and let later programs see what we pass. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(synx_xdp);

static __always_inline const struct synx_config *synx_cfg(void)
{
	__u32 key = 0;
	const struct synx_config *c = bpf_map_lookup_elem(&synx_config, &key);

	if (c && c->version == SYNX_CONFIG_VERSION)
		return c;
	return (const struct synx_config *)&synx_defaults;
}

static __always_inline int port_protected(const struct synx_config *cfg, __be16 dport)
{
	const struct synx_ports *ports;
	__u32 key = 0, port = bpf_ntohs(dport);

	if (cfg->flags & SYNX_F_ALL_PORTS)
		return 1;
	ports = bpf_map_lookup_elem(&synx_ports, &key);
	return ports && (ports->bits[port / 64] & (1ULL << (port % 64)));
}

static __always_inline struct synx_verdict no_listener(const struct synx_config *cfg)
{
	return cfg->no_listener == SYNX_NOLISTEN_DROP ? SYNX_DROP(NO_LISTENER)
						      : SYNX_PASS(NO_LISTENER);
}

/* The MSS we advertise: configured, else what the ingress device's MTU allows. */
static __always_inline __u16 our_mss(struct xdp_md *ctx, const struct synx_config *cfg, int ipv6)
{
	__u32 overhead = ipv6 ? 60 : 40, min = ipv6 ? IPV6_MIN_MSS : IPV4_MIN_MSS;
	__u16 mss = ipv6 ? cfg->mss6 : cfg->mss4;
	__u32 mtu = 0;

	if (mss)
		return mss;
	if (bpf_check_mtu(ctx, 0, &mtu, 0, 0) < 0 || mtu < min + overhead)
		mtu = MTU_FALLBACK;
	mtu -= overhead;
	return mtu > 0xffff ? 0xffff : mtu;
}

/*
 * The kernel drops SYNs with bad checksums without a word; since we answer
 * in its place, so must we.  (On veth, a sender whose stack offloads TX
 * checksums hands us partial sums: tests turn that offload off.)
 */
static __always_inline struct synx_verdict syn_verify_csum(struct xdp_md *ctx,
							   const struct synx_pkt *p,
							   const struct synx_syn *s)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 thlen = p->thlen;
	__u64 sum;

	if (thlen < sizeof(struct tcphdr) || thlen > TCP_HDR_MAX)
		return SYNX_PASS(ERROR);

	if (p->ipv6) {
		struct ipv6hdr *ip6h = data + p->l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return SYNX_PASS(ERROR);
		sum = csum_pseudo6(ip6h->saddr.in6_u.u6_addr32, ip6h->daddr.in6_u.u6_addr32,
				   p->seg_len);
	} else {
		struct iphdr *iph = data + p->l3_off;
		__u32 ihl;

		if ((void *)(iph + 1) > data_end)
			return SYNX_PASS(ERROR);
		ihl = iph->ihl * 4;
		sum = csum_add_words(0, (__u32 *)iph, sizeof(*iph) / 4);
		if (ihl > sizeof(*iph)) {
			__u64 opts = csum_frame(ctx, p->l3_off + sizeof(*iph), ihl - sizeof(*iph));

			if (opts == CSUM_FRAME_ERR)
				return SYNX_PASS(ERROR);
			sum += opts;
		}
		if (csum_fold(sum))
			return SYNX_DROP(IP4_CSUM);
		sum = csum_pseudo4(iph->saddr, iph->daddr, p->seg_len);
	}

	sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)s->hdr, thlen, 0);
	/* TFO data, up to a jumbo frame's worth; beyond that the kernel judges. */
	if (p->seg_len > thlen) {
		__u64 data_sum = csum_frame(ctx, p->l4_off + thlen, p->seg_len - thlen);

		if (data_sum == CSUM_FRAME_ERR)
			return SYNX_PASS(SYN_OVERSIZE);
		sum += data_sum;
	}
	if (csum_fold(sum))
		return SYNX_DROP(TCP_CSUM);
	return SYNX_NEXT;
}

/*
 * Look up whoever owns the segment's 4-tuple in the device's netns; @ctx is
 * an XDP or a tc context, [data, data_end) its frame.
 */
static __always_inline struct bpf_sock *tcp_lookup(void *ctx, void *data, void *data_end,
						   const struct synx_pkt *p,
						   __be16 sport, __be16 dport)
{
	struct bpf_sock_tuple t = {};

	if (p->ipv6) {
		struct ipv6hdr *ip6h = data + p->l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return NULL;
		__builtin_memcpy(t.ipv6.saddr, &ip6h->saddr, sizeof(t.ipv6.saddr));
		__builtin_memcpy(t.ipv6.daddr, &ip6h->daddr, sizeof(t.ipv6.daddr));
		t.ipv6.sport = sport;
		t.ipv6.dport = dport;
		return (struct bpf_sock *)bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv6),
							     BPF_F_CURRENT_NETNS, 0);
	} else {
		struct iphdr *iph = data + p->l3_off;

		if ((void *)(iph + 1) > data_end)
			return NULL;
		t.ipv4.saddr = iph->saddr;
		t.ipv4.daddr = iph->daddr;
		t.ipv4.sport = sport;
		t.ipv4.dport = dport;
		return (struct bpf_sock *)bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv4),
							     BPF_F_CURRENT_NETNS, 0);
	}
}

/* Ask the listener's kernel for a cookie: the ISN, or a negative error. */
static __always_inline __s64 syn_cookie(struct xdp_md *ctx, const struct synx_pkt *p,
					struct bpf_sock *listener, struct synx_syn *s)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	void *l3 = data + p->l3_off;
	__u32 thlen = p->thlen;

	if (thlen < sizeof(struct tcphdr) || thlen > TCP_HDR_MAX)
		return -EINVAL;
	if (p->ipv6) {
		if (l3 + sizeof(struct ipv6hdr) > data_end)
			return -EINVAL;
		return kcookie_issue(listener, l3, sizeof(struct ipv6hdr), s->hdr, thlen);
	}
	if (l3 + sizeof(struct iphdr) > data_end)
		return -EINVAL;
	return kcookie_issue(listener, l3, sizeof(struct iphdr), s->hdr, thlen);
}

/* The parts of a SYN-ACK that do not depend on where the cookie comes from. */
static __always_inline void synack_prepare(struct xdp_md *ctx, const struct synx_pkt *p,
					   const struct synx_config *cfg,
					   const struct synx_syn *s, struct synx_synack *a)
{
	const struct tcphdr *syn = (const struct tcphdr *)s->hdr;

	a->sport = syn->dest;
	a->dport = syn->source;
	/* SYN data (TFO) is not acknowledged: the client sends it again. */
	a->ack = bpf_htonl(bpf_ntohl(syn->seq) + 1);
	a->mss = our_mss(ctx, cfg, p->ipv6);
	a->ttl = p->ipv6 ? cfg->hop_limit : cfg->ttl;
	a->flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
}

/* What the client offered that the server accepts too. */
struct syn_offer {
	int ws, sack, ts, ecn;
};

static __always_inline struct syn_offer syn_offer(const struct synx_pkt *p,
						  const struct synx_config *cfg,
						  const struct synx_syn *s)
{
	struct syn_offer o = {
		.ws = (cfg->flags & SYNX_F_WSCALE) && (s->seen & SYN_SEEN_WS),
		.sack = (cfg->flags & SYNX_F_SACK) && (s->seen & SYN_SEEN_SACK),
		.ts = !!(s->seen & SYN_SEEN_TS),
		/* RFC 3168 section 6.1.1: an ECN-setup SYN has both ECE and CWR. */
		.ecn = (cfg->flags & SYNX_F_ECN) &&
		       (p->flags & (TCP_FLAG_ECE | TCP_FLAG_CWR)) == (TCP_FLAG_ECE | TCP_FLAG_CWR),
	};
	return o;
}

static __always_inline void opt_push(struct synx_synack *a, __be32 word)
{
	if (a->nopt < SYNACK_OPT_WORDS)
		a->opt[a->nopt++] = word;
}

/*
 * The options after MSS, in the kernel's order; @tsval is ours, the
 * client's goes back as TSecr.
 */
static __always_inline void synack_opts(struct synx_synack *a, int sack, int ts, int ws,
					__u32 tsval, __be32 tsecr, __u8 shift)
{
	if (ts) {
		opt_push(a, bpf_htonl((sack ? (TCPOPT_SACK_PERM << 24 | TCPOLEN_SACK_PERM << 16)
					    : (TCPOPT_NOP << 24 | TCPOPT_NOP << 16)) |
				      TCPOPT_TIMESTAMP << 8 | TCPOLEN_TIMESTAMP));
		opt_push(a, bpf_htonl(tsval));
		opt_push(a, tsecr);
	} else if (sack) {
		opt_push(a, bpf_htonl(TCPOPT_NOP << 24 | TCPOPT_NOP << 16 |
				      TCPOPT_SACK_PERM << 8 | TCPOLEN_SACK_PERM));
	}
	if (ws)
		opt_push(a, bpf_htonl(TCPOPT_NOP << 24 | TCPOPT_WINDOW << 16 |
				      TCPOLEN_WINDOW << 8 | shift));
}

/*
 * Kernel cookies: the cookie carries only an MSS; window scale, SACK and
 * ECN survive only in the timestamp, and only when the server kernel reads
 * it back without a per-connection offset (tcp_timestamps=2; the loader
 * turns SYNX_F_TS_COOKIES on only then).  Offer none of them otherwise: an
 * option we advertise but the kernel forgets breaks the connection (a
 * scaled window read unscaled stalls bulk transfers).
 */
static __always_inline void synack_kernel_opts(const struct synx_pkt *p,
					       const struct synx_config *cfg,
					       const struct synx_syn *s, __u32 cookie,
					       struct synx_synack *a)
{
	struct syn_offer o = syn_offer(p, cfg, s);
	__u32 opts = TS_OPT_WSCALE_MASK;

	a->seq = bpf_htonl(cookie);
	if (!(cfg->flags & SYNX_F_TS_COOKIES) || !o.ts)
		return;

	if (o.ws)
		opts = s->wscale < TCP_MAX_WSCALE ? s->wscale : TCP_MAX_WSCALE;
	if (o.sack)
		opts |= TS_OPT_SACK;
	if (o.ecn) {
		opts |= TS_OPT_ECN;
		a->flags |= TCP_FLAG_ECE;
	}
	/*
	 * Our shift must be the one the server kernel will use for this
	 * connection (tcp_select_initial_window()); the loader derives it.
	 */
	synack_opts(a, o.sack, 1, o.ws, kcookie_tsval(opts), s->tsval, cfg->wscale);
}

/*
 * Own cookies: everything the client offered rides in the ISN, so the
 * SYN-ACK offers what both sides support, timestamps or not.  Our TSval
 * is simply the clock: the kernel derives the connection's TS offset from
 * the echo (bpf_sk_assign_tcp_reqsk()), so later TSvals follow on from it.
 */
static __always_inline int synack_own_opts(struct xdp_md *ctx, const struct synx_pkt *p,
					   const struct synx_config *cfg,
					   const struct synx_cookie_keys *keys,
					   const struct synx_syn *s, struct synx_synack *a)
{
	const struct tcphdr *syn = (const struct tcphdr *)s->hdr;
	struct syn_offer o = syn_offer(p, cfg, s);
	struct own_cookie c = {};
	struct synx_flow f = {};
	__u64 now;

	o.ts = o.ts && (cfg->flags & SYNX_F_TIMESTAMPS);
	/* RFC 9293 3.7.1: no MSS option means the default. */
	c.mss = (s->seen & SYN_SEEN_MSS) ? s->mss : (p->ipv6 ? IPV6_MIN_MSS : IPV4_MIN_MSS);
	c.wscale = o.ws ? (s->wscale < TCP_MAX_WSCALE ? s->wscale : TCP_MAX_WSCALE) : SYNX_OWN_WS_NONE;
	c.sack = o.sack;
	c.ecn = o.ecn;
	/* One clock read for both the cookie and our TSval (it costs, in VMs). */
	now = bpf_ktime_get_ns();
	if (synx_flow_load((void *)(long)ctx->data, (void *)(long)ctx->data_end, p, syn->source,
			   syn->dest, bpf_ntohl(syn->seq), &f))
		return -1;
	a->seq = bpf_htonl(own_cookie_issue(keys, &f, &c, now));
	if (o.ecn)
		a->flags |= TCP_FLAG_ECE;

	synack_opts(a, o.sack, o.ts, o.ws, (__u32)(now / NSEC_PER_MSEC), s->tsval, cfg->wscale);
	return 0;
}

static __always_inline struct synx_verdict handle_syn(struct xdp_md *ctx, const struct synx_pkt *p,
						      const struct synx_config *cfg,
						      struct synx_syn *s)
{
	const struct tcphdr *syn = (const struct tcphdr *)s->hdr;
	const struct synx_cookie_keys *keys;
	struct synx_synack a = {};
	struct synx_verdict v;
	struct bpf_sock *sk;
	__s64 cookie;

	/* A TCP-MD5/TCP-AO peer needs a signed SYN-ACK: only the kernel has the key. */
	if (s->seen & SYN_SEEN_SIGNED)
		return SYNX_PASS(SYN_SIGNED);
	v = syn_verify_csum(ctx, p, s);
	if (synx_decided(v))
		return v;

	sk = tcp_lookup(ctx, (void *)(long)ctx->data, (void *)(long)ctx->data_end, p,
			syn->source, syn->dest);
	if (!sk)
		return no_listener(cfg);
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return SYNX_PASS(SOCKET);
	}
	/*
	 * The kernel's cookie, and with it the kernel's policy: -ENOENT means
	 * no flood as far as it is concerned (tcp_syncookies=1 and room in the
	 * SYN queue) or a full accept queue, where the kernel would drop the
	 * SYN too.  Own cookies ask the same question, so both modes answer
	 * SYNs exactly when the kernel would have used a cookie.
	 */
	cookie = syn_cookie(ctx, p, sk, s);
	bpf_sk_release(sk);
	if (cookie == -ENOENT)
		return SYNX_PASS(SYN_KERNEL);
	if (cookie < 0)
		return SYNX_PASS(ERROR);

	synack_prepare(ctx, p, cfg, s, &a);
	keys = cfg->cookie_mode == SYNX_COOKIE_OWN ? own_keys() : NULL;
	if (keys) {
		if (synack_own_opts(ctx, p, cfg, keys, s, &a))
			return SYNX_PASS(ERROR);
		return synack_build(ctx, p, &a, SYNX_TX(SYNACK_OWN));
	}
	synack_kernel_opts(p, cfg, s, (__u32)cookie, &a);
	return synack_build(ctx, p, &a, SYNX_TX(SYNACK_COOKIE));
}

/*
 * An own cookie is checked here, so that ACK floods die in XDP; a valid
 * one is passed on to the tc program in the metadata area, which hands
 * the kernel a request socket built from it (handoff_tc.h).
 */
static __always_inline struct synx_verdict ack_own_cookie(struct xdp_md *ctx,
							  const struct synx_cookie_keys *keys,
							  const struct synx_flow *f, __u32 ack)
{
	struct own_cookie c = {};
	struct synx_meta *m;
	void *data;

	if (own_cookie_check(keys, f, ack - 1, &c))
		return SYNX_DROP(COOKIE_INVALID);

	/* Packet pointers are invalid after this: nothing below reads the frame. */
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return SYNX_PASS(NO_META);
	data = (void *)(long)ctx->data;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > data)
		return SYNX_PASS(NO_META);
	m->magic = SYNX_META_MAGIC;
	m->mss = c.mss;
	m->wscale = c.wscale;
	m->flags = (c.sack ? SYNX_OWN_SACK : 0) | (c.ecn ? SYNX_OWN_ECN : 0);
	return SYNX_PASS(OWN_COOKIE_OK);
}

/* The kernel's cookie, checked by the listener's own code. */
static __always_inline struct synx_verdict ack_kernel_cookie(struct xdp_md *ctx,
							     const struct synx_pkt *p,
							     struct bpf_sock *listener)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tcphdr *th = data + p->l4_off;
	void *l3 = data + p->l3_off;
	long err = -EINVAL;

	if ((void *)(th + 1) > data_end)
		return SYNX_PASS(ERROR);
	if (p->ipv6) {
		if (l3 + sizeof(struct ipv6hdr) <= data_end)
			err = kcookie_check(listener, l3, sizeof(struct ipv6hdr), th);
	} else {
		if (l3 + sizeof(struct iphdr) <= data_end)
			err = kcookie_check(listener, l3, sizeof(struct iphdr), th);
	}
	return err ? SYNX_DROP(COOKIE_INVALID) : SYNX_PASS(COOKIE_OK);
}

/*
 * An ACK that only a listener would receive.  It completes a handshake
 * only if it carries a cookie; otherwise the kernel would answer with RST.
 * Dropping instead kills ACK floods before an skb exists; the price is
 * that a peer with a long-dead connection gets no RST and times out.
 */
static __always_inline struct synx_verdict listener_ack(struct xdp_md *ctx,
							const struct synx_pkt *p,
							const struct synx_config *cfg,
							struct bpf_sock *listener)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tcphdr *th = data + p->l4_off;
	const struct synx_cookie_keys *keys;
	struct synx_flow f = {};
	struct synx_verdict v;
	__u32 seq, ack;

	if ((void *)(th + 1) > data_end)
		return SYNX_PASS(ERROR);
	seq = bpf_ntohl(th->seq);
	ack = bpf_ntohl(th->ack_seq);
	if (synx_flow_load(data, data_end, p, th->source, th->dest, seq - 1, &f))
		return SYNX_PASS(ERROR);
	if (followup_match(&f, seq, ack))
		return SYNX_PASS(COOKIE_FOLLOWUP);

	keys = cfg->cookie_mode == SYNX_COOKIE_OWN ? own_keys() : NULL;
	v = keys ? ack_own_cookie(ctx, keys, &f, ack) : SYNX_DROP(COOKIE_INVALID);
	/*
	 * Not an own cookie: it may still be the kernel's, for a SYN synx
	 * left to the kernel (TCP-MD5 peers, helper failures), while one can
	 * be out (cookie_kernel.h).  Packet pointers changed only if v was
	 * decided otherwise.
	 */
	if (v.reason == SYNX_R_DROP_COOKIE_INVALID && (!keys || kcookie_may_be_out()))
		v = ack_kernel_cookie(ctx, p, listener);
	if (v.action == XDP_PASS && v.reason != SYNX_R_PASS_ERROR)
		followup_note(&f, seq, ack);
	return v;
}

static __always_inline struct synx_verdict handle_ack(struct xdp_md *ctx, const struct synx_pkt *p,
						      const struct synx_config *cfg)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tcphdr *th = data + p->l4_off;
	struct synx_verdict v;
	struct bpf_sock *sk;

	if ((void *)(th + 1) > data_end)
		return SYNX_PASS(ERROR);
	sk = tcp_lookup(ctx, data, data_end, p, th->source, th->dest);
	if (!sk)
		return no_listener(cfg);
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return SYNX_PASS(SOCKET);
	}
	v = listener_ack(ctx, p, cfg, sk);
	bpf_sk_release(sk);
	return v;
}

/* A SYN (no ACK): options are part of "malformed", so they come before the port policy. */
static __always_inline struct synx_verdict synx_syn(struct xdp_md *ctx, const struct synx_pkt *p,
						    const struct synx_config *cfg, __be16 dport)
{
	struct synx_syn *s;
	struct synx_verdict v;
	__u32 key = 0;

	s = bpf_map_lookup_elem(&synx_syn_scratch, &key);
	if (!s)
		return SYNX_PASS(ERROR);
	v = syn_parse_options(ctx, p->l4_off, p->thlen, s);
	if (synx_decided(v))
		return v;
	if (!port_protected(cfg, dport))
		return SYNX_PASS(UNPROTECTED);
	v = handle_syn(ctx, p, cfg, s);
	/* A SYN the kernel sees, or our kernel cookie: its ACK may need the kernel's check. */
	if (v.action != XDP_DROP && v.reason != SYNX_R_TX_SYNACK_OWN &&
	    v.reason != SYNX_R_PASS_NO_LISTENER)
		kcookie_note_possible();
	return v;
}

static __always_inline struct synx_verdict synx_tcp(struct xdp_md *ctx, struct synx_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct synx_config *cfg = synx_cfg();
	struct tcphdr *th = data + p->l4_off;

	if ((void *)(th + 1) > data_end)
		return SYNX_PASS(ERROR);
	if ((p->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN)
		return synx_syn(ctx, p, cfg, th->dest);
	if (!port_protected(cfg, th->dest))
		return SYNX_PASS(UNPROTECTED);
	if ((p->flags & (TCP_FLAG_ACK | TCP_FLAG_SYN | TCP_FLAG_RST)) == TCP_FLAG_ACK)
		return handle_ack(ctx, p, cfg);
	return SYNX_PASS(OTHER);
}

SEC("xdp")
int synx_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct synx_pkt p = { .frame_len = data_end - data };
	struct synx_verdict v;

	v = synx_parse(data, data_end, &p);
	if (!synx_decided(v))
		v = synx_tcp(ctx, &p);
	return synx_record(v, p.frame_len);
}

#include "handoff_tc.h"

char _license[] SEC("license") = "GPL";
