// SPDX-License-Identifier: GPL-2.0-only
/*
 * synx_tc: the tc ingress half of synx ("who completes the connection").
 *
 * Own cookies: the XDP program has already checked the cookie and left
 * what it decoded, and where the headers are, in the metadata area in front
 * of the frame.  Here the listener is looked up again (the skb now exists,
 * which the kfunc needs) and handed a request socket built from those
 * options with bpf_sk_assign_tcp_reqsk() (Linux 6.9+, tc ingress only); the
 * kernel then completes the handshake for the ordinary listener, as it
 * would for its own cookie.
 *
 * Gateway mode, IPv6: the XDP program verified the handshake ACK's checksum;
 * the skb is marked so, for SYNPROXY checks it with an IPv4-only helper
 * (synx_cookie.h, SYNX_META_GW_MAGIC).
 *
 * Frames without our metadata, established traffic included, cost one
 * comparison.  A unit of its own, not a second section of synx.bpf.o:
 * `ip link ... xdp obj synx.bpf.o` loads an object that holds nothing but
 * the XDP program, and only `synx attach` loads this one, when own cookies
 * or IPv6 gateway prefixes need it, with the XDP object's maps (the loader
 * hands their fds over by name, user/tc_obj.c).
 *
 * The kfunc is __weak and its existence tested: on kernels before 6.9 the
 * program still loads, for the gateway's checksum mark alone.
 *
 * Every return is TC_ACT_UNSPEC: synx_tc only ever adds a request socket,
 * or a checksum level, and later filters on the same hook must still see
 * every frame.
 *
 * GPL-2.0-only: the kfunc is exported to GPL programs only.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "synx_config.h"
#include "synx_cookie.h"
#include "maps.h"
#include "verdict.h"
#include "parsing.h"
#include "tcp_opts.h"
#include "kstate.h"
#include "owner.h"
#include "server.h"
#include "defaults.h"

/* The kernel's struct bpf_tcp_req_attrs (include/net/tcp.h): the kfunc checks its size. */
struct bpf_tcp_req_attrs {
	__u32 rcv_tsval; /* the client's TSval, host order */
	__u32 rcv_tsecr; /* its echo of ours: the kernel derives ts_off from it */
	__u16 mss;       /* what the client can receive */
	__u8 rcv_wscale; /* OUR shift, the one the SYN-ACK announced */
	__u8 snd_wscale; /* the client's shift */
	__u8 ecn_ok;
	__u8 wscale_ok; /* 1 when window scaling was negotiated */
	__u8 sack_ok;
	__u8 tstamp_ok;
	__u8 usec_ts_ok;
	__u8 reserved[3];
};

extern int bpf_sk_assign_tcp_reqsk(struct __sk_buff *skb, struct sock *sk,
				   struct bpf_tcp_req_attrs *attrs, int attrs__sz) __ksym __weak;

static __always_inline int handoff_fail(__u32 bytes)
{
	synx_count(&synx_counters, SYNX_R_PASS_HANDOFF_FAILED, bytes);
	return TC_ACT_UNSPEC; /* the kernel will answer the ACK with RST */
}

SEC("tc")
int synx_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct synx_meta *mp = (void *)(long)skb->data_meta;
	struct synx_ctx sx = { .cfg = synx_cfg(), .feat = kstate_feat() };
	struct bpf_tcp_req_attrs attrs = {};
	struct synx_server srv = {};
	struct synx_pkt p = {};
	struct bpf_sock *skc;
	struct tcp_sock *tp;
	struct net *net;
	struct synx_meta m;
	struct synx_syn *s;
	struct tcphdr *th;
	__u32 key = 0, off;
	int err;

	if ((void *)(mp + 1) > data)
		return TC_ACT_UNSPEC;
	/* Gateway mode: checked in XDP, so SYNPROXY need not check it again. */
	if (mp->magic == SYNX_META_GW_MAGIC) {
		/* Only from no checksum state: an skb already UNNECESSARY keeps its level. */
		if (bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY) < 0)
			bpf_csum_level(skb, BPF_CSUM_LEVEL_INC);
		return TC_ACT_UNSPEC;
	}
	if (mp->magic != SYNX_META_MAGIC)
		return TC_ACT_UNSPEC;
	/* Own cookies are refused by the loader without the kfunc: never here. */
	if (!bpf_sk_assign_tcp_reqsk)
		return handoff_fail(skb->len);
	m = *mp;

	/* A handshake ACK, once per connection: make its headers linear. */
	if (bpf_skb_pull_data(skb, skb->len))
		return handoff_fail(skb->len);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	/* Where the XDP program found the headers: no second parse. */
	p.frame_len = data_end - data;
	p.l3_off = m.l3_off;
	p.l4_off = m.l4_off;
	p.ipv6 = m.ipv6;
	if (p.l3_off > SYNX_L3_OFF_MAX || p.l4_off > SYNX_L4_OFF_MAX)
		return handoff_fail(skb->len);
	/*
	 * The mask changes nothing (XDP wrote a value within it) but gives the
	 * verifier a bound it keeps on this very register; a comparison can be
	 * compiled into a test of another copy.
	 */
	off = p.l4_off;
	barrier_var(off);
	off &= SYNX_L4_OFF_MAX;
	th = data + off;
	if ((void *)(th + 1) > data_end)
		return handoff_fail(skb->len);
	p.thlen = th->doff * 4;

	/* The ACK's timestamps, if it has them: the kernel needs both. */
	s = bpf_map_lookup_elem(&synx_syn_scratch, &key);
	if (!s || p.thlen < sizeof(*th) || p.thlen > TCP_HDR_MAX ||
	    bpf_skb_load_bytes(skb, p.l4_off, s->hdr, p.thlen))
		return handoff_fail(skb->len);
	tcp_walk_options(s, p.thlen);

	skc = tcp_lookup(skb, data, data_end, &p, th->source, th->dest);
	if (!skc)
		return handoff_fail(skb->len);
	if (skc->state != BPF_TCP_LISTEN) {
		/* Someone else (a duplicate ACK's child) owns it now. */
		bpf_sk_release(skc);
		return TC_ACT_UNSPEC;
	}
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp) {
		bpf_sk_release(skc);
		return handoff_fail(skb->len);
	}
	/*
	 * What the XDP side announced in the SYN-ACK, recomputed from the same
	 * live state, as cookie_v4_check() does for the kernel's own cookies.
	 */
	/* The listener's namespace is reached through its own fields. */
	net = (sx.feat & (SYNX_K_SYSCTL | SYNX_K_LISTENER)) == (SYNX_K_SYSCTL | SYNX_K_LISTENER)
		      ? listener_net(tp)
		      : NULL;
	server_sysctls(&sx, net, &srv);
	/*
	 * The listener's TCP_MAXSEG caps what the client can take, as
	 * tcp_parse_options() caps mss_clamp; a cookie the listener's own
	 * host issued is capped already, one of a stateless edge is not.
	 */
	attrs.mss = m.mss;
	if ((sx.feat & SYNX_K_LISTENER) && tp->rx_opt.user_mss && tp->rx_opt.user_mss < attrs.mss)
		attrs.mss = tp->rx_opt.user_mss;
	if (m.wscale != SYNX_OWN_WS_NONE) {
		attrs.wscale_ok = 1;
		attrs.snd_wscale = m.wscale;
		attrs.rcv_wscale = server_wscale(&sx, tp, net, m.mss);
	}
	attrs.sack_ok = !!(m.flags & SYNX_OWN_SACK);
	attrs.ecn_ok = !!(m.flags & SYNX_OWN_ECN);
	if ((s->seen & SYN_SEEN_TS) && srv.ts) {
		attrs.tstamp_ok = 1;
		attrs.rcv_tsval = bpf_ntohl(s->tsval);
		attrs.rcv_tsecr = bpf_ntohl(s->tsecr);
	}
	err = bpf_sk_assign_tcp_reqsk(skb, (struct sock *)tp, &attrs, sizeof(attrs));
	bpf_sk_release(skc);
	return err ? handoff_fail(skb->len) : TC_ACT_UNSPEC;
}

char _license[] SEC("license") = "GPL";
