// SPDX-License-Identifier: GPL-2.0-only
/*
 * synx: XDP SYN-cookie handshake accelerator.
 *
 * Per packet (README.md has the full decision table):
 *   1. pass frames not addressed to this device untouched (owner.h);
 *   2. parse, and drop what is malformed before anything else looks at it;
 *      (on a forwarding device, what is not for this host passes first);
 *   3. pass what is not TCP to a protected port, or not for this host;
 *   4. SYN to a listener: answer with a cookie SYN-ACK (XDP_TX) when the
 *      kernel's own policy, read from the listener, would send a cookie,
 *      with the options the kernel would negotiate (server.h);
 *   5. ACK that only a listener would receive: pass it if its cookie is
 *      valid (the connection is then completed by the kernel, or by the
 *      tc hand-off for own cookies) or if it follows right behind such an
 *      ACK (followup.h), drop it otherwise;
 *   6. pass the rest (established flows, RSTs, ...) untouched.
 * Gateway mode adds an owner: a protected destination this host forwards
 * to (gateway.h), whose SYNs are answered in its name and whose handshake
 * ACKs go on to netfilter's SYNPROXY when their cookie is valid.
 *
 * What differs between the modes, and where each is decided (everything
 * else, parser, checksums, budget, SYN-ACK builder and verdict path, is
 * shared):
 *
 *                 local, kernel      local, own          gateway
 *   owner         a listener here (owner.h, tcp_lookup)  a forwarded prefix
 *                                                        (owner_route())
 *   answer when   the listener's policy (klsn_policy())  always (SYNPROXY's)
 *   cookie        the listener's     synx's keyed        the kernel's raw
 *                 (cookie_kernel.h)  (cookie_own.h)      (cookie_kernel.h)
 *   completed by  the listener       synx_tc's request   SYNPROXY, with
 *                                    socket (synx_tc)    conntrack
 * A stateless edge (gateway with SYNX_F_EDGE) answers with synx's keyed
 * cookie instead and forwards the rest: the backend's synx, in local own
 * mode with the same key, completes the connection (edge_syn()).
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
#include "kstate.h"
#include "owner.h"
#include "server.h"
#include "cookie_kernel.h"
#include "cookie_own.h"
#include "followup.h"
#include "budget.h"
#include "synack.h"
#include "gateway.h"
#include "defaults.h"

/* libxdp dispatcher: run early, and let later programs see what we pass. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(synx_xdp);

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
 * The namespace whose sysctls shape the SYN-ACK: the listener's, or the
 * ingress device's (the same one: the lookup is BPF_F_CURRENT_NETNS) on a
 * kernel whose listener fields cannot be read.
 */
static __always_inline struct net *syn_net(const struct synx_ctx *sx, const struct tcp_sock *tp)
{
	if (tp)
		return listener_net(tp);
	if (sx->dev && (sx->feat & SYNX_K_SYSCTL))
		return kdev_net(sx->dev);
	return NULL;
}

/* What the client offered that the server accepts too. */
struct syn_offer {
	int ws, sack, ts, ecn;
};

static __always_inline struct syn_offer syn_offer(const struct synx_pkt *p,
						  const struct synx_server *srv,
						  const struct synx_syn *s)
{
	struct syn_offer o = {
		.ws = srv->wscale && (s->seen & SYN_SEEN_WS),
		.sack = srv->sack && (s->seen & SYN_SEEN_SACK),
		.ts = !!(s->seen & SYN_SEEN_TS),
		.ecn = server_ecn(srv, p),
	};
	return o;
}

_Static_assert((SYNACK_OPT_WORDS & (SYNACK_OPT_WORDS - 1)) == 0, "opt_push() masks the index");

static __always_inline void opt_push(struct synx_synack *a, __be32 word)
{
	__u32 i = a->nopt;

	/*
	 * clang may test a copy of the index and store through another, whose
	 * bound the verifier then no longer knows: the mask, kept by the
	 * barrier, restates it.
	 */
	if (i < SYNACK_OPT_WORDS) {
		barrier_var(i);
		a->opt[i & (SYNACK_OPT_WORDS - 1)] = word;
		a->nopt = i + 1;
	}
}

/*
 * The options after MSS, in the kernel's order; @tsval is ours, the
 * client's goes back as TSecr.
 */
static __always_inline void synack_opts(struct synx_synack *a, int sack, int ts, int ws,
					__u32 tsval, __be32 tsecr, __u8 shift)
{
	a->ts = !!ts;
	if (ts) {
		opt_push(a, bpf_htonl((sack ? (TCPOPT_SACK_PERM << 24 | TCPOLEN_SACK_PERM << 16)
					    : (TCPOPT_NOP << 24 | TCPOPT_NOP << 16)) |
				      TCPOPT_TIMESTAMP << 8 | TCPOLEN_TIMESTAMP));
		opt_push(a, bpf_htonl(tsval));
		opt_push(a, tsecr);
	} else if (sack) {
		opt_push(a, bpf_htonl(TCPOPT_NOP << 24 | TCPOPT_NOP << 16 | TCPOPT_SACK_PERM << 8 |
				      TCPOLEN_SACK_PERM));
	}
	if (ws)
		opt_push(a, bpf_htonl(TCPOPT_NOP << 24 | TCPOPT_WINDOW << 16 | TCPOLEN_WINDOW << 8 |
				      shift));
}

/*
 * Kernel cookies: the cookie carries only an MSS; window scale, SACK and
 * ECN survive only in the timestamp, and only when the server kernel reads
 * it back without a per-connection offset (tcp_timestamps=2, read live).
 * Offer none of them otherwise: an option we advertise but the kernel
 * forgets breaks the connection (a scaled window read unscaled stalls bulk
 * transfers).  Our shift is the one cookie_v4_check() will compute for
 * this listener with the cookie's MSS (@cookie_mss).
 */
static __always_inline void synack_kernel_opts(const struct synx_ctx *sx, const struct synx_pkt *p,
					       const struct synx_server *srv,
					       const struct tcp_sock *tp, const struct net *net,
					       const struct synx_syn *s, __u32 cookie,
					       __u32 cookie_mss, struct synx_synack *a)
{
	struct syn_offer o = syn_offer(p, srv, s);
	__u32 opts = TS_OPT_WSCALE_MASK;

	/*
	 * cookie_v4_check() gives the connection the shift it computes from
	 * the listener: one synx cannot read, it cannot announce.  Without
	 * scaling on either side the windows stay right, only small.
	 */
	if (!tp)
		o.ws = 0;
	a->seq = bpf_htonl(cookie);
	if (!srv->ts_cookies || !o.ts)
		return;

	if (o.ws)
		opts = s->wscale < TCP_MAX_WSCALE ? s->wscale : TCP_MAX_WSCALE;
	if (o.sack)
		opts |= TS_OPT_SACK;
	if (o.ecn) {
		opts |= TS_OPT_ECN;
		a->flags |= TCP_FLAG_ECE;
	}
	synack_opts(a, o.sack, 1, o.ws, kcookie_tsval(opts), s->tsval,
		    o.ws ? server_wscale(sx, tp, net, cookie_mss) : 0);
}

/*
 * The own cookie for a SYN (cookie_own.h): what the client can take (its
 * MSS option, capped by @user_mss, the listener's TCP_MAXSEG, when there is
 * one; RFC 9293 3.7.1: none, or 0, which tcp_parse_options() ignores, means
 * the default) and what it offered that the server takes (@ws, @sack, @ecn)
 * go into @c; the ISN into *@isn, and the clock read it was issued at, for
 * the TSval, into *@now.  0, or -1 when the frame cannot be read.
 */
static __always_inline int own_syn_cookie(const struct synx_ctx *sx, const struct synx_pkt *p,
					  const struct synx_syn *s,
					  const struct synx_cookie_keys *keys, int ws, int sack,
					  int ecn, __u16 user_mss, struct own_cookie *c, __u32 *isn,
					  __u64 *now)
{
	const struct tcphdr *syn = (const struct tcphdr *)s->hdr;
	struct synx_flow f = {};

	c->mss = p->ipv6 ? IPV6_MIN_MSS : IPV4_MIN_MSS;
	if ((s->seen & SYN_SEEN_MSS) && s->mss) {
		c->mss = s->mss;
		if (user_mss && user_mss < c->mss)
			c->mss = user_mss;
	}
	c->wscale = ws ? (s->wscale < TCP_MAX_WSCALE ? s->wscale : TCP_MAX_WSCALE)
		       : SYNX_OWN_WS_NONE;
	c->sack = sack;
	c->ecn = ecn;
	*now = synx_now_ns();
	if (synx_flow_load((void *)(long)sx->xdp->data, (void *)(long)sx->xdp->data_end, p,
			   syn->source, syn->dest, bpf_ntohl(syn->seq), &f))
		return -1;
	*isn = own_cookie_issue(keys, &f, c, *now);
	return 0;
}

/*
 * Own cookies: everything the client offered rides in the ISN, so the
 * SYN-ACK offers what both sides support, timestamps or not.  Our TSval
 * is simply the clock: the kernel derives the connection's TS offset from
 * the echo (bpf_sk_assign_tcp_reqsk()), so later TSvals follow on from it.
 */
static __always_inline int synack_own_opts(const struct synx_ctx *sx, const struct synx_pkt *p,
					   const struct synx_server *srv, const struct tcp_sock *tp,
					   const struct net *net,
					   const struct synx_cookie_keys *keys,
					   const struct synx_syn *s, struct synx_synack *a)
{
	struct syn_offer o = syn_offer(p, srv, s);
	struct own_cookie c = {};
	__u32 isn;
	__u64 now;

	o.ts = o.ts && srv->ts;
	if (own_syn_cookie(sx, p, s, keys, o.ws, o.sack, o.ecn, tp ? tp->rx_opt.user_mss : 0, &c,
			   &isn, &now))
		return -1;
	a->seq = bpf_htonl(isn);
	if (o.ecn)
		a->flags |= TCP_FLAG_ECE;

	synack_opts(a, o.sack, o.ts, o.ws, (__u32)(now / NSEC_PER_MSEC), s->tsval,
		    o.ws ? server_wscale(sx, tp, net,
					 own_mss_value(p->ipv6, own_mss_index(p->ipv6, c.mss)))
			 : 0);
	return 0;
}

/*
 * "Answer this SYN now?", the kernel's own policy for this listener
 * (klsn_policy()): a verdict when the answer is no, SYNX_NEXT when the
 * kernel would send a cookie.
 */
static __always_inline struct synx_verdict syn_policy(const struct tcp_sock *tp,
						      const struct net *net)
{
	switch (klsn_policy(tp, net)) {
	case KLSN_ACCEPT_FULL:
		return SYNX_DROP(ACCEPT_FULL);
	case KLSN_KERNEL:
		return SYNX_PASS(SYN_KERNEL);
	default:
		return SYNX_NEXT;
	}
}

/*
 * Own cookies for this listener?  Not for an MPTCP one: the kernel refuses
 * it a request socket from bpf_sk_assign_tcp_reqsk() (-EINVAL), so the
 * handshake would end in a RST; its own cookie falls back to plain TCP
 * (cookie_tcp_reqsk_alloc()) and works.  Read through the helper when the
 * listener's other fields cannot be: this one bit decides whether the
 * connection works at all.
 */
static __always_inline int listener_is_mptcp(const struct tcp_sock *tp, struct bpf_sock *sk)
{
	if (!bpf_core_field_exists(struct tcp_sock, is_mptcp))
		return 0; /* a kernel without CONFIG_MPTCP has no MPTCP listener */
	if (!tp)
		tp = bpf_skc_to_tcp_sock(sk);
	return tp && tp->is_mptcp;
}

/*
 * A SYN to a listener: the policy, then the SYN-ACK with the cookie of
 * the configured source.  Holds the listener's reference throughout:
 * @tp is only valid while it is held.
 */
static __always_inline struct synx_verdict syn_to_listener(struct synx_ctx *sx,
							   const struct synx_pkt *p,
							   struct synx_syn *s, struct bpf_sock *sk,
							   struct synx_synack *a)
{
	const struct tcphdr *syn = (const struct tcphdr *)s->hdr;
	const struct synx_cookie_keys *keys = NULL;
	struct tcp_sock *tp = listener_btf(sx, sk);
	struct net *net = syn_net(sx, tp);
	struct synx_server srv = {};
	struct synx_verdict v;
	__s64 cookie = -ENODATA;

	/*
	 * IPv4 options and IPv6 option or routing headers: the kernel checks
	 * them (it drops source routes and options it must not skip), and
	 * echoes record-route, timestamp and source-route options in its
	 * SYN-ACK, which synx does not build.  Few clients send them, so
	 * the operator may drop them instead (a flood of them would otherwise
	 * reach the kernel's own, slower, SYN handling).  Decided here, once
	 * the SYN is known to reach a listener: the socket, address and
	 * no-listener decisions stay what they are without options.
	 */
	if (p->ipopts)
		return (sx->cfg->flags & SYNX_F_DROP_IP_OPTIONS) ? SYNX_DROP(IP_OPTIONS)
								 : SYNX_PASS(IP_OPTIONS);
	if (tp) {
		v = syn_policy(tp, net);
		if (synx_decided(v))
			return v;
	} else if (!synx_monitor(sx)) {
		/*
		 * Without BTF access to the listener, the kernel's cookie
		 * helper is the policy: -ENOENT means it would queue the SYN,
		 * or drop it for a full accept queue.  Asked before the budget,
		 * so that SYNs the kernel keeps do not spend it.  (Monitor mode
		 * never asks: it counts such a SYN as answered.)
		 */
		cookie = kcookie_syn(sx->xdp, p, sk, s);
		if (cookie == -ENOENT)
			return SYNX_PASS(SYN_KERNEL);
		if (cookie < 0)
			return SYNX_PASS(ERROR);
	}
	/* Never more SYN-ACKs than the reflection budget (budget.h). */
	if (!budget_take(sx->xdp, sx->cfg, p))
		return SYNX_DROP(SYNACK_BUDGET);
	if (sx->cfg->cookie_mode == SYNX_COOKIE_OWN && !listener_is_mptcp(tp, sk))
		keys = own_keys();
	/* Monitor only: what would be sent is known; nothing is computed. */
	if (synx_monitor(sx))
		return keys ? SYNX_TX(SYNACK_OWN) : SYNX_TX(SYNACK_COOKIE);
	if (!keys && cookie == -ENODATA) {
		cookie = kcookie_syn(sx->xdp, p, sk, s);
		if (cookie == -ENOENT)
			return SYNX_PASS(SYN_KERNEL);
		if (cookie < 0)
			return SYNX_PASS(ERROR);
	}

	server_sysctls(sx, net, &srv);
	a->sport = syn->dest;
	a->dport = syn->source;
	/* SYN data (TFO) is not acknowledged: the client sends it again. */
	a->ack = bpf_htonl(bpf_ntohl(syn->seq) + 1);
	a->mss = server_mss(sx, p, tp, net);
	a->ttl = server_ttl(sx, p, tp, net);
	a->flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	if (keys) {
		if (synack_own_opts(sx, p, &srv, tp, net, keys, s, a))
			return SYNX_PASS(ERROR);
		v = SYNX_TX(SYNACK_OWN);
	} else {
		synack_kernel_opts(sx, p, &srv, tp, net, s, (__u32)cookie, (__u32)(cookie >> 32),
				   a);
		v = SYNX_TX(SYNACK_COOKIE);
	}
	/* tcp_openreq_init_rwin(): the MSS less the timestamps' room, if they are on. */
	a->window = server_window(sx, tp, net, a->mss - (a->ts ? TCPOLEN_TSTAMP_ALIGNED : 0));
	return v;
}

static __always_inline struct synx_verdict handle_syn(struct synx_ctx *sx, const struct synx_pkt *p,
						      struct synx_syn *s)
{
	const struct tcphdr *syn = (const struct tcphdr *)s->hdr;
	struct synx_synack a = {};
	struct synx_verdict v;
	struct bpf_sock *sk;

	/* A TCP-MD5/TCP-AO peer needs a signed SYN-ACK: only the kernel has the key. */
	if (s->seen & SYN_SEEN_SIGNED)
		v = SYNX_PASS(SYN_SIGNED);
	/* Behind AH, the SYN-ACK would need AH too: IPsec policy decides. */
	else if (p->ah)
		v = SYNX_PASS(IPSEC);
	else
		v = syn_verify_csum(sx->xdp, p, s);
	if (synx_decided(v))
		return v;

	sk = tcp_lookup(sx->xdp, (void *)(long)sx->xdp->data, (void *)(long)sx->xdp->data_end, p,
			syn->source, syn->dest);
	if (sk && sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return SYNX_PASS(SOCKET);
	}
	v = owner_dst(sx, p);
	if (synx_decided(v)) {
		if (sk)
			bpf_sk_release(sk);
		return v;
	}
	if (!sk)
		return no_listener(sx->cfg);
	v = syn_to_listener(sx, p, s, sk, &a);
	bpf_sk_release(sk);
	if (v.action == XDP_TX && !synx_monitor(sx))
		return synack_build(sx->xdp, p, &a, v);
	return v;
}
/*
 * A valid own cookie: its decoded options go to the tc program in the
 * metadata area, which hands the kernel a request socket built from them
 * (synx_tc.bpf.c).  A first fragment cannot be handed off (tc runs before
 * reassembly): the kernel will find no socket and answer with RST, as it
 * would for any fragmented handshake ACK it did not expect.
 */
static __always_inline struct synx_verdict ack_own_pass(const struct synx_ctx *sx,
							const struct synx_pkt *p,
							const struct own_cookie *c)
{
	struct xdp_md *ctx = sx->xdp;
	struct synx_meta *m;
	void *data;

	if (p->frag == SYNX_FRAG_FIRST)
		return SYNX_PASS(FRAGMENT);
	if (synx_monitor(sx))
		return SYNX_PASS(OWN_COOKIE_OK); /* the frame stays untouched */
	/* Packet pointers are invalid after this: nothing below reads the frame. */
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return SYNX_PASS(NO_META);
	data = (void *)(long)ctx->data;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > data)
		return SYNX_PASS(NO_META);
	m->magic = SYNX_META_MAGIC;
	m->mss = c->mss;
	m->wscale = c->wscale;
	m->flags = (c->sack ? SYNX_OWN_SACK : 0) | (c->ecn ? SYNX_OWN_ECN : 0);
	m->l4_off = p->l4_off;
	m->l3_off = p->l3_off;
	m->ipv6 = p->ipv6;
	return SYNX_PASS(OWN_COOKIE_OK);
}

/* The kernel's cookie, checked by the listener's own code. */
static __always_inline int ack_kernel_cookie_ok(struct xdp_md *ctx, const struct synx_pkt *p,
						struct bpf_sock *listener)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tcphdr *th = data + p->l4_off;
	void *l3 = data + p->l3_off;

	if ((void *)(th + 1) > data_end)
		return 0;
	if (p->ipv6)
		return l3 + sizeof(struct ipv6hdr) <= data_end &&
		       !kcookie_check(listener, l3, sizeof(struct ipv6hdr), th);
	return l3 + sizeof(struct iphdr) <= data_end &&
	       !kcookie_check(listener, l3, sizeof(struct iphdr), th);
}

/*
 * An ACK that only a listener would receive.  It completes a handshake
 * only if it carries a cookie; otherwise the kernel would answer with RST.
 * Dropping instead kills ACK floods before an skb exists; the price is
 * that a peer with a long-dead connection gets no RST and times out.
 */
static __always_inline struct synx_verdict listener_ack(struct synx_ctx *sx,
							const struct synx_pkt *p,
							struct bpf_sock *listener)
{
	void *data = (void *)(long)sx->xdp->data;
	void *data_end = (void *)(long)sx->xdp->data_end;
	struct tcphdr *th = data + p->l4_off;
	const struct synx_cookie_keys *keys = NULL;
	struct own_cookie c = {};
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

	keys = own_keys_for_ack(sx->cfg);
	if (keys && !own_cookie_check(keys, &f, ack - 1, &c))
		v = ack_own_pass(sx, p, &c); /* packet pointers may change here */
	/* Not an own cookie: it may still be the kernel's (cookie_kernel.h). */
	else if (ack_kernel_cookie_ok(sx->xdp, p, listener))
		v = SYNX_PASS(COOKIE_OK);
	else
		return SYNX_DROP(COOKIE_INVALID);
	followup_note(&f, seq, ack);
	return v;
}

static __always_inline struct synx_verdict handle_ack(struct synx_ctx *sx, const struct synx_pkt *p)
{
	void *data = (void *)(long)sx->xdp->data;
	void *data_end = (void *)(long)sx->xdp->data_end;
	struct tcphdr *th = data + p->l4_off;
	struct synx_verdict v;
	struct bpf_sock *sk;

	if ((void *)(th + 1) > data_end)
		return SYNX_PASS(ERROR);
	sk = tcp_lookup(sx->xdp, data, data_end, p, th->source, th->dest);
	if (sk && sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return SYNX_PASS(SOCKET);
	}
	v = owner_dst(sx, p);
	if (!synx_decided(v))
		v = sk ? listener_ack(sx, p, sk) : no_listener(sx->cfg);
	if (sk)
		bpf_sk_release(sk);
	return v;
}

/*
 * Stateless edge (SYNX_F_EDGE): the SYN-ACK of gw_syn() with an own cookie
 * of the shared key, which keeps every option the client offered and the
 * backend takes.  The backend's synx (local own-cookie mode, the same key
 * file) checks the handshake ACK and completes the connection: nothing is
 * kept here, so any edge answers and any edge forwards the ACK.  What the
 * SYN-ACK says for the backend, its MSS and window shift, is the entry's:
 * it must be what the backend negotiates (synx probe).  The window is the
 * largest unscaled one, as local mode's without a readable listener.  Fills
 * in @a's cookie, options and window on gw_syn()'s header; the verdict.
 */
static __always_inline struct synx_verdict edge_syn(struct synx_ctx *sx, const struct synx_pkt *p,
						    const struct synx_syn *s,
						    const struct synx_gw_backend *b,
						    struct synx_synack *a)
{
	const struct synx_cookie_keys *keys = own_keys();
	/* ECN as the backend's kernel grants it (server_ecn()), not as SYNPROXY does. */
	struct gw_offer o = gw_gate(b, s, syn_ecn_request(p));
	struct own_cookie c = {};
	__u32 isn;
	__u64 now;

	if (!keys || own_syn_cookie(sx, p, s, keys, o.ws, o.sack, o.ecn, 0, &c, &isn, &now))
		return SYNX_PASS(ERROR);
	a->seq = bpf_htonl(isn);
	if (o.ecn)
		a->flags |= TCP_FLAG_ECE;
	synack_opts(a, o.sack, o.ts, o.ws, (__u32)(now / NSEC_PER_MSEC), s->tsval, b->wscale);
	a->window = server_window(sx, NULL, NULL, a->mss - (a->ts ? TCPOLEN_TSTAMP_ALIGNED : 0));
	return SYNX_TX(SYNACK_EDGE);
}

/*
 * Gateway mode: a SYN to a protected destination this host forwards to,
 * answered in its name with the cookie SYNPROXY will check (gateway.h).
 * The checks before the cookie are local mode's: signatures, IPsec, the
 * checksum, IP options, the reflection budget.
 */
static __always_inline struct synx_verdict gw_syn(struct synx_ctx *sx, const struct synx_pkt *p,
						  struct synx_syn *s)
{
	const struct tcphdr *syn = (const struct tcphdr *)s->hdr;
	const struct synx_gw_backend *b = sx->gw;
	struct synx_synack a = {};
	struct synx_verdict v;
	struct gw_offer o;
	__s64 cookie;

	if (!b)
		return SYNX_PASS(ERROR);
	/* First: whatever happens next, an IPv6 SYN for SYNPROXY needs it (gw_mark6()). */
	v = syn_verify_csum(sx->xdp, p, s);
	if (synx_decided(v))
		return v;
	sx->csum_ok = 1;
	if (s->seen & SYN_SEEN_SIGNED)
		return SYNX_PASS(SYN_SIGNED);
	if (p->ah)
		return SYNX_PASS(IPSEC);
	if (p->ipopts)
		return (sx->cfg->flags & SYNX_F_DROP_IP_OPTIONS) ? SYNX_DROP(IP_OPTIONS)
								 : SYNX_PASS(IP_OPTIONS);
	/*
	 * No conntrack lookup: synx's table leaves every SYN to a protected
	 * destination untracked, so SYNPROXY would answer it whatever
	 * conntrack holds, and a flood would pay the lookup per SYN.
	 */
	if (!budget_take(sx->xdp, sx->cfg, p))
		return SYNX_DROP(SYNACK_BUDGET);
	if (synx_monitor(sx))
		return (sx->cfg->flags & SYNX_F_EDGE) ? SYNX_TX(SYNACK_EDGE)
						      : SYNX_TX(SYNACK_GATEWAY);

	a.sport = syn->dest;
	a.dport = syn->source;
	a.ack = bpf_htonl(bpf_ntohl(syn->seq) + 1);
	a.mss = b->mss;
	a.ttl = server_ttl(sx, p, NULL, syn_net(sx, NULL));
	a.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	if (sx->cfg->flags & SYNX_F_EDGE) {
		v = edge_syn(sx, p, s, b, &a);
		return v.action == XDP_TX ? synack_build(sx->xdp, p, &a, v) : v;
	}
	cookie = kcookie_syn(sx->xdp, p, NULL, s);
	if (cookie < 0)
		return SYNX_PASS(ERROR);
	a.seq = bpf_htonl((__u32)cookie);
	a.window = 0; /* as SYNPROXY: nothing before the backend has answered */
	/* SYNPROXY's ECN test: ECE and CWR, whatever the IP header says. */
	o = gw_offer(b, s,
		     (p->flags & (TCP_FLAG_ECE | TCP_FLAG_CWR)) == (TCP_FLAG_ECE | TCP_FLAG_CWR),
		     (__u32)(synx_now_ns() / NSEC_PER_MSEC));
	if (o.ts)
		synack_opts(&a, o.sack, 1, o.ws, o.tsval, s->tsval, b->wscale);
	if (o.ecn)
		a.flags |= TCP_FLAG_ECE;
	return synack_build(sx->xdp, p, &a, SYNX_TX(SYNACK_GATEWAY));
}

/*
 * Gateway mode: the TCP checksum of an IPv6 segment, verified here so that
 * gw_mark6() can say so.  SYNX_NEXT when it is right (or too long to sum:
 * netfilter checks it then), else the drop.
 */
static __always_inline struct synx_verdict gw_verify6(struct synx_ctx *sx, const struct synx_pkt *p)
{
	void *data = (void *)(long)sx->xdp->data;
	void *data_end = (void *)(long)sx->xdp->data_end;
	struct ipv6hdr *ip6h = data + p->l3_off;
	__u64 sum;

	if ((void *)(ip6h + 1) > data_end)
		return SYNX_PASS(ERROR);
	sum = csum_frame(sx->xdp, p->l4_off, p->seg_len);
	if (sum == CSUM_FRAME_ERR)
		return SYNX_NEXT;
	if (csum_fold(sum + csum_pseudo6(ip6h->saddr.in6_u.u6_addr32, ip6h->daddr.in6_u.u6_addr32,
					 p->seg_len)))
		return SYNX_DROP(TCP_CSUM);
	sx->csum_ok = 1;
	return SYNX_NEXT;
}

/*
 * Gateway mode, IPv6: a SYN or handshake ACK that goes on to SYNPROXY
 * (passed, or seen in monitor mode) with its checksum verified here gets
 * the metadata that has synx_tc mark it verified (synx_cookie.h): SYNPROXY
 * drops it otherwise.  The frame itself stays as it is.  A first fragment
 * cannot be marked (tc runs before reassembly), nor a frame whose driver
 * has no metadata room: SYNPROXY gets those as they are.
 */
static __always_inline struct synx_verdict gw_mark6(const struct synx_ctx *sx,
						    const struct synx_pkt *p, struct synx_verdict v)
{
	struct xdp_md *ctx = sx->xdp;
	struct synx_meta *m;
	void *data;

	/* A stateless edge hands nothing to SYNPROXY. */
	if (!p->ipv6 || !sx->csum_ok || p->frag == SYNX_FRAG_FIRST ||
	    (sx->cfg->flags & SYNX_F_EDGE))
		return v;
	if (v.action != XDP_PASS && !synx_monitor(sx))
		return v;
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return v;
	data = (void *)(long)ctx->data;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > data)
		return v;
	__builtin_memset(m, 0, sizeof(*m));
	m->magic = SYNX_META_GW_MAGIC;
	return v;
}

/*
 * Gateway mode: every other segment to a protected destination.  What
 * conntrack has confirmed is the backend's; an ACK without a connection
 * must carry a valid cookie (conntrack would find it invalid anyway, and
 * SYNPROXY would check the cookie again: checked here, a forged ACK costs
 * no skb); the rest (RST, FIN without a connection) is netfilter's.
 */
static __always_inline struct synx_verdict gw_segment(struct synx_ctx *sx, const struct synx_pkt *p,
						      const struct tcphdr *th)
{
	int ct = gw_conntrack_confirmed(sx->xdp, p, th->source, th->dest);

	if (ct < 0)
		return SYNX_PASS(ERROR);
	if (ct)
		return SYNX_PASS(GATEWAY_CONNTRACK);
	/*
	 * Without a connection only a handshake ACK has a future: conntrack
	 * finds anything else invalid, and SYNPROXY would answer a SYN|ACK
	 * (it looks at the SYN bit alone) outside the reflection budget.
	 */
	if ((p->flags & (TCP_FLAG_ACK | TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_FIN)) !=
	    TCP_FLAG_ACK)
		return SYNX_DROP(GATEWAY_INVALID);
	if (gw_cookie_check(sx->xdp, p))
		return SYNX_DROP(COOKIE_INVALID);
	/* Only the whole segment has a checksum; the mark skips first fragments too. */
	if (p->frag == SYNX_FRAG_FIRST)
		return SYNX_PASS(FRAGMENT);
	if (p->ipv6) {
		struct synx_verdict v = gw_verify6(sx, p);

		if (synx_decided(v))
			return v;
	}
	return SYNX_PASS(GATEWAY_COOKIE_OK);
}

/*
 * A SYN (no ACK): options are part of "malformed", so they come before the
 * port policy and the destination.
 */
static __always_inline struct synx_verdict synx_syn(struct synx_ctx *sx, const struct synx_pkt *p,
						    __be16 dport)
{
	struct synx_syn *s;
	struct synx_verdict v;
	__u32 key = 0;

	s = bpf_map_lookup_elem(&synx_syn_scratch, &key);
	if (!s)
		return SYNX_PASS(ERROR);
	v = syn_parse_options(sx->xdp, p->l4_off, p->thlen, s);
	if (synx_decided(v))
		return v;
	if (!port_protected(sx->cfg, dport))
		return SYNX_PASS(UNPROTECTED);
	if (sx->gw)
		return gw_mark6(sx, p, gw_syn(sx, p, s));
	return handle_syn(sx, p, s);
}

/*
 * Whose segment: this host's (owner.h), or, in gateway mode, a protected
 * destination it forwards to.  The kernel decides which: a destination
 * that is not one of its addresses on a device that forwards.
 */
static __always_inline struct synx_verdict owner_route(struct synx_ctx *sx,
						       const struct synx_pkt *p)
{
	struct synx_verdict v = owner_forwarded(sx, p);

	if (synx_decided(v) && sx->not_local && (sx->cfg->flags & SYNX_F_GATEWAY)) {
		sx->gw = gw_backend(sx->xdp, p);
		if (sx->gw)
			return SYNX_NEXT;
	}
	return v;
}

static __always_inline struct synx_verdict synx_tcp(struct synx_ctx *sx, struct synx_pkt *p)
{
	void *data = (void *)(long)sx->xdp->data;
	void *data_end = (void *)(long)sx->xdp->data_end;
	struct tcphdr *th = data + p->l4_off;

	/* Later fragments carry no ports: the kernel reassembles them, or not. */
	if (p->frag == SYNX_FRAG_LATER)
		return SYNX_PASS(FRAGMENT);
	if ((void *)(th + 1) > data_end)
		return SYNX_PASS(ERROR);
	if ((p->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN) {
		kstate_note_feat(sx->feat);
		return synx_syn(sx, p, th->dest);
	}
	if (!port_protected(sx->cfg, th->dest))
		return SYNX_PASS(UNPROTECTED);
	/*
	 * A stateless edge cannot tell a handshake ACK from an established
	 * connection's (that takes state): the backend's synx judges both.
	 */
	if (sx->gw && (sx->cfg->flags & SYNX_F_EDGE))
		return SYNX_PASS(NOT_LOCAL);
	if (sx->gw)
		return gw_mark6(sx, p, gw_segment(sx, p, th));
	if ((p->flags & (TCP_FLAG_ACK | TCP_FLAG_SYN | TCP_FLAG_RST)) != TCP_FLAG_ACK)
		return SYNX_PASS(OTHER);
	return handle_ack(sx, p);
}

SEC("xdp")
int synx_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct synx_pkt p = { .frame_len = data_end - data };
	struct synx_ctx sx = { .xdp = ctx, .cfg = synx_cfg() };
	struct synx_verdict v;

	sx.feat = kstate_feat();
	sx.dev = kdev_of(ctx, sx.feat);
	v = owner_frame(&sx, data, data_end);
	if (!synx_decided(v))
		v = synx_parse_ip(ctx, data, data_end, &p);
	if (!synx_decided(v))
		v = owner_route(&sx, &p);
	if (!synx_decided(v))
		v = parse_tcp(data, data_end, &p);
	if (!synx_decided(v))
		v = synx_tcp(&sx, &p);
	/* Monitor only: counted as decided, passed as received. */
	if (synx_monitor(&sx)) {
		synx_record(v, p.frame_len);
		return XDP_PASS;
	}
	return synx_record(v, p.frame_len);
}

char _license[] SEC("license") = "GPL";
