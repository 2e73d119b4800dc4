/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the server's kernel would negotiate for one SYN to one listener,
 * read at packet time: the namespace's sysctls and the listener's own
 * settings (kstate.h), so that a SYN-ACK synx sends never offers what the
 * kernel will not honour when the connection is completed.  On a kernel
 * whose BTF lacks a field, the configuration's fallback bits stand in
 * (the loader fills them from the sysctls at attach; a plain `ip link`
 * attach gets SACK and window scaling, never TS cookies).
 */
#ifndef SYNX_BPF_SERVER_H
#define SYNX_BPF_SERVER_H

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include "synx_config.h"
#include "parsing.h"
#include "tcp_opts.h"
#include "kstate.h"
#include "owner.h"
#include "synack.h"

#define IPV4_MIN_MSS 536  /* RFC 9293 section 3.7.1: no MSS option means this */
#define IPV6_MIN_MSS 1220 /* RFC 8200 section 5: 1280 - 60 */
#define TCP_MIN_MSS 88    /* the kernel's floor for any MSS (include/net/tcp.h) */
#define IPV4_MAX_ADVMSS (65535 - 40)
#define IPV6_MAX_ADVMSS 65534   /* ip6_default_advmss(): IPV6_MAXPLEN, below GSO_BY_FRAGS */
#define DEFAULT_TTL 64          /* fallback for ip_default_ttl / hop_limit */
#define DEFAULT_MIN_ADVMSS4 256 /* fallback for net.ipv4.route.min_adv_mss */

struct synx_server {
	__u8 sack;       /* tcp_sack */
	__u8 wscale;     /* tcp_window_scaling */
	__u8 ecn;        /* tcp_ecn != 0: accepts an ECN-setup SYN */
	__u8 ts;         /* tcp_timestamps != 0 */
	__u8 ts_cookies; /* tcp_timestamps == 2: a kernel cookie's TSval carries options */
	__u8 live;       /* read from the kernel, not the fallback bits */
};

/* The namespace's TCP settings; @net may be NULL (fallback). */
static __always_inline void server_sysctls(const struct synx_ctx *sx, const struct net *net,
					   struct synx_server *srv)
{
	__u32 flags = sx->cfg->flags;

	if (net && (sx->feat & SYNX_K_SYSCTL)) {
		__u8 ts = net->ipv4.sysctl_tcp_timestamps;

		srv->sack = !!net->ipv4.sysctl_tcp_sack;
		srv->wscale = !!net->ipv4.sysctl_tcp_window_scaling;
		srv->ecn = !!net->ipv4.sysctl_tcp_ecn;
		srv->ts = !!ts;
		/* cookie_timestamp_decode() only sees our bits without a TS offset. */
		srv->ts_cookies = ts == 2;
		srv->live = 1;
		return;
	}
	srv->sack = !!(flags & SYNX_F_SACK);
	srv->wscale = !!(flags & SYNX_F_WSCALE);
	srv->ecn = !!(flags & SYNX_F_ECN);
	srv->ts = !!(flags & SYNX_F_TIMESTAMPS);
	srv->ts_cookies = !!(flags & SYNX_F_TS_COOKIES);
	srv->live = 0;
}

/*
 * Does this SYN ask for ECN as tcp_ecn_create_request() requires?  An
 * ECN-setup SYN (ECE and CWR, RFC 3168 6.1.1), not itself ECT-marked
 * unless it carries AccECN's AE bit.
 */
static __always_inline int syn_ecn_request(const struct synx_pkt *p)
{
	if ((p->flags & (TCP_FLAG_ECE | TCP_FLAG_CWR)) != (TCP_FLAG_ECE | TCP_FLAG_CWR))
		return 0;
	return !(p->tos & 3) || (p->res1 & 1);
}

/*
 * Would the server negotiate ECN with this SYN?  Such a request, and
 * tcp_ecn set.  (A congestion control that needs ECN, DCTCP, or a route's
 * ecn feature would also allow it: known limits.)
 */
static __always_inline int server_ecn(const struct synx_server *srv, const struct synx_pkt *p)
{
	return srv->ecn && syn_ecn_request(p);
}

/*
 * The arithmetic of server_mss(): @cfg_mss, or the device @mtu less the
 * headers within [@min_adv, the largest advmss]; at least TCP_MIN_MSS;
 * then @user_mss (TCP_MAXSEG) when smaller.  A global function: inlined,
 * its clamps would split every verifier state of the SYN path.
 */
__noinline __u32 server_mss_calc(__u32 cfg_mss, __u32 mtu, __u32 min_adv, __u32 ipv6,
				 __u32 user_mss)
{
	__u32 mss = cfg_mss, hdrs = ipv6 ? 60 : 40;
	__u32 max_adv = ipv6 ? IPV6_MAX_ADVMSS : IPV4_MAX_ADVMSS;

	if (!mss) {
		mss = mtu > hdrs ? mtu - hdrs : 0;
		if (mss < min_adv)
			mss = min_adv;
		if (mss > max_adv)
			mss = max_adv;
	}
	if (mss < TCP_MIN_MSS)
		mss = TCP_MIN_MSS;
	if (user_mss && user_mss < mss)
		mss = user_mss;
	return mss > 0xffff ? 0xffff : mss;
}

/*
 * The MSS the server advertises: tcp_mss_clamp(listener, tcp_dst_advmss()),
 * the route's advmss being what the device MTU allows (ipv4_default_advmss(),
 * ip6_default_advmss()), or the configured value in its place.
 */
static __always_inline __u16 server_mss(const struct synx_ctx *sx, const struct synx_pkt *p,
					const struct tcp_sock *tp, const struct net *net)
{
	__u32 cfg_mss = p->ipv6 ? sx->cfg->mss6 : sx->cfg->mss4;
	__u32 mtu = 0, min_adv = p->ipv6 ? IPV6_MIN_MSS : DEFAULT_MIN_ADVMSS4;

	if (sx->dev)
		mtu = sx->dev->mtu;
	else if (bpf_check_mtu(sx->xdp, 0, &mtu, 0, 0) < 0)
		mtu = 1500;
	if (net) {
		if (p->ipv6) {
			if (bpf_core_field_exists(struct net, ipv6) &&
			    bpf_core_field_exists(struct netns_ipv6, sysctl) &&
			    bpf_core_field_exists(struct netns_sysctl_ipv6, ip6_rt_min_advmss))
				min_adv = net->ipv6.sysctl.ip6_rt_min_advmss;
		} else if (bpf_core_field_exists(struct netns_ipv4, ip_rt_min_advmss)) {
			/* Per namespace since Linux 5.18; a global before. */
			min_adv = net->ipv4.ip_rt_min_advmss;
		}
	}
	return server_mss_calc(cfg_mss, mtu, min_adv, p->ipv6, tp ? tp->rx_opt.user_mss : 0);
}

/*
 * TTL or hop limit of the SYN-ACK: configured, else the listener's
 * IP_TTL / IPV6_UNICAST_HOPS, else the namespace's default (ip_select_ttl(),
 * ip6_xmit(); a route's hoplimit metric is not visible: a known limit).
 */
static __always_inline __u8 server_ttl(const struct synx_ctx *sx, const struct synx_pkt *p,
				       const struct tcp_sock *tp, const struct net *net)
{
	__u8 cfg = p->ipv6 ? sx->cfg->hop_limit : sx->cfg->ttl;

	if (cfg)
		return cfg;
	if (p->ipv6) {
		const struct ipv6_pinfo *np = tp ? tp->inet_conn.icsk_inet.pinet6 : NULL;
		const struct inet6_dev *idev = sx->dev ? sx->dev->ip6_ptr : NULL;

		if (np && np->hop_limit >= 0)
			return np->hop_limit;
		if (idev && idev->cnf.hop_limit > 0)
			return idev->cnf.hop_limit;
		return DEFAULT_TTL;
	}
	if (tp && tp->inet_conn.icsk_inet.uc_ttl > 0)
		return tp->inet_conn.icsk_inet.uc_ttl;
	if (net && bpf_core_field_exists(struct netns_ipv4, sysctl_ip_default_ttl) &&
	    net->ipv4.sysctl_ip_default_ttl)
		return net->ipv4.sysctl_ip_default_ttl;
	return DEFAULT_TTL;
}

/* Our window shift for a connection whose cookie says MSS @mss. */
static __always_inline __u8 server_wscale(const struct synx_ctx *sx, const struct tcp_sock *tp,
					  const struct net *net, __u32 mss)
{
	__u32 rmem_max = sx->cfg->rmem_max ? sx->cfg->rmem_max : SYNX_RMEM_MAX_ASSUMED;

	if (tp && net && (sx->feat & SYNX_K_LISTENER) && (sx->feat & SYNX_K_SYSCTL))
		return klsn_rcv_wscale(tp, net, mss, rmem_max);
	return sx->cfg->wscale;
}

/*
 * The unscaled window of our SYN-ACK for segments of @mss (less the
 * timestamps' room when our SYN-ACK carries them).  Kernel cookies at
 * tcp_timestamps=1 are answered without timestamps, so their window is
 * quantised by the whole MSS where the kernel's own SYN-ACK, which keeps
 * them, takes 12 bytes less: each SYN-ACK is consistent with its options.
 * Without the listener, the largest unscaled window: a real listener's is
 * at most that.
 */
static __always_inline __u16 server_window(const struct synx_ctx *sx, const struct tcp_sock *tp,
					   const struct net *net, __u32 mss)
{
	if (tp && net && (sx->feat & SYNX_K_LISTENER) && (sx->feat & SYNX_K_SYSCTL))
		return klsn_synack_window(tp, net, mss);
	return SYNX_SYNACK_WINDOW;
}

#endif /* SYNX_BPF_SERVER_H */
