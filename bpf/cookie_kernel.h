/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Cookie source "kernel": the listener's own SYN cookie.
 *
 * bpf_tcp_gen_syncookie() computes the cookie exactly as the kernel would
 * (net/ipv4/syncookies.c, __cookie_v4_init_sequence()) and, unlike the
 * raw_gen variants, stamps the listener's "recent overflow" time, without
 * which cookie_v4_check() ignores the returning ACK and the kernel answers
 * it with RST.  The connection is then completed by the kernel itself, so
 * the XDP side only has to issue cookies and pre-screen ACKs.
 *
 * Own mode checks a kernel cookie too, for an ACK its own cookie does not
 * explain: the kernel may have sent one itself (for a SYN synx left to it,
 * or while synx was not attached).  bpf_tcp_check_syncookie() gives up at
 * once unless the kernel sent a cookie for the listener in the last two
 * minutes (tcp_synq_overflow() stamps each one, tcp_synq_no_recent_overflow()
 * is the kernel's own condition for honouring them).  Own mode never asks the
 * kernel for a cookie, but with tcp_syncookies=1 the kernel sends some during
 * a SYN flood: a SYN that synx left to it because the queue had room when
 * synx read it can find the queue full.  So during a SYN flood, and for two
 * minutes after, the check runs in full.
 */
#ifndef SYNX_BPF_COOKIE_KERNEL_H
#define SYNX_BPF_COOKIE_KERNEL_H

#include <linux/bpf.h>
#include <linux/tcp.h>
#include <linux/errno.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include "clock.h"
#include "parsing.h"
#include "tcp_opts.h"

/*
 * Timestamp cookie, the kernel's layout (include/net/tcp.h, TS_OPT_*): the
 * low 6 bits of our TSval carry what the cookie itself cannot, and
 * cookie_timestamp_decode() reads them back from the client's TSecr.
 */
#define TS_OPT_WSCALE_MASK 0xf /* 0xf: the client offered no window scale */
#define TS_OPT_SACK (1 << 4)
#define TS_OPT_ECN (1 << 5)
#define TS_OPT_BITS 6

/*
 * Issue a cookie for the SYN whose TCP header is @th (a stack copy, @thlen
 * = doff*4 bytes) on @listener.  Returns the ISN in the low 32 bits and,
 * above them, the MSS the cookie encodes (the kernel's table value, which
 * cookie_v4_check() will quantise our window with), or a negative error:
 * -ENOENT when the kernel declines (tcp_syncookies=1 and the SYN queue has
 * room: its own policy says no flood), others on real errors.
 */
static __always_inline __s64 kcookie_issue(struct bpf_sock *listener, void *iph, __u32 iph_len,
					   void *th, __u32 thlen)
{
	return bpf_tcp_gen_syncookie(listener, iph, iph_len, th, thlen);
}

/*
 * The kernel's cookie for the SYN whose TCP header is @s->hdr, as
 * kcookie_issue() returns it: @listener's own or, with no listener (a
 * destination this host forwards to, gateway.h), the raw cookie of the
 * same function and secret that netfilter's SYNPROXY checks
 * (bpf_tcp_raw_gen_syncookie_ipv4/6, which never decline).
 */
static __always_inline __s64 kcookie_syn(struct xdp_md *ctx, const struct synx_pkt *p,
					 struct bpf_sock *listener, struct synx_syn *s)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	void *l3 = data + p->l3_off;
	__u32 thlen = p->thlen;

	if (thlen < sizeof(struct tcphdr) || thlen > TCP_HDR_MAX)
		return -EINVAL;
	/* Per family, each with its constant size: the raw helpers take fixed-size headers. */
	if (p->ipv6) {
		if (l3 + sizeof(struct ipv6hdr) > data_end)
			return -EINVAL;
		if (!listener)
			return bpf_tcp_raw_gen_syncookie_ipv6(l3, (struct tcphdr *)s->hdr, thlen);
		return kcookie_issue(listener, l3, sizeof(struct ipv6hdr), s->hdr, thlen);
	}
	if (l3 + sizeof(struct iphdr) > data_end)
		return -EINVAL;
	if (!listener)
		return bpf_tcp_raw_gen_syncookie_ipv4(l3, (struct tcphdr *)s->hdr, thlen);
	return kcookie_issue(listener, l3, sizeof(struct iphdr), s->hdr, thlen);
}

/* 0 when the ACK's ack-1 is a cookie this listener issued, else < 0. */
static __always_inline long kcookie_check(struct bpf_sock *listener, void *iph, __u32 iph_len,
					  struct tcphdr *th)
{
	/* Only the fixed header is read (ports, seq, ack_seq). */
	return bpf_tcp_check_syncookie(listener, iph, iph_len, th, sizeof(*th));
}

/*
 * TSval for a cookie SYN-ACK, as cookie_init_timestamp() makes it: the
 * millisecond clock (tcp_clock_ns() is CLOCK_MONOTONIC, as is synx_now_ns(),
 * which lags it by up to a jiffy) with its low bits replaced by @opts, stepped back one
 * period when that would put it in the future, so the server's own later
 * timestamps never look older than this one to the client's PAWS check.
 */
static __always_inline __u32 kcookie_tsval(__u32 opts)
{
	__u64 now = synx_now_ns() / NSEC_PER_MSEC;
	__u64 ts = (now >> TS_OPT_BITS << TS_OPT_BITS) | opts;

	if (ts > now)
		ts -= 1ULL << TS_OPT_BITS;
	return (__u32)ts;
}

#endif /* SYNX_BPF_COOKIE_KERNEL_H */
