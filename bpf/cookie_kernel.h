/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Cookie source "kernel" (ROADMAP mode 1): the listener's own SYN cookie.
 *
 * bpf_tcp_gen_syncookie() computes the cookie exactly as the kernel would
 * (net/ipv4/syncookies.c, __cookie_v4_init_sequence()) and, unlike the
 * raw_gen variants, stamps the listener's "recent overflow" time, without
 * which cookie_v4_check() ignores the returning ACK and the kernel answers
 * it with RST.  The connection is then completed by the kernel itself, so
 * the XDP side only has to issue cookies and pre-screen ACKs.
 *
 * Other cookie sources (synx's own keyed hash, the gateway's raw cookies)
 * plug in beside these two functions; the parser, the SYN-ACK builder and
 * the verdict path stay shared.
 */
#ifndef SYNX_BPF_COOKIE_KERNEL_H
#define SYNX_BPF_COOKIE_KERNEL_H

#include <linux/bpf.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>

#define NSEC_PER_MSEC 1000000ULL

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
 * = doff*4 bytes) on @listener.  Returns the ISN, or a negative error:
 * -ENOENT when the kernel declines (tcp_syncookies=1 and the SYN queue has
 * room: its own policy says no flood), others on real errors.
 */
static __always_inline __s64 kcookie_issue(struct bpf_sock *listener, void *iph, __u32 iph_len,
					   void *th, __u32 thlen)
{
	__s64 r = bpf_tcp_gen_syncookie(listener, iph, iph_len, th, thlen);

	/* Upper 32 bits: the MSS the kernel encoded; we only need the ISN. */
	return r < 0 ? r : (__s64)(__u32)r;
}

/* 0 when the ACK's ack-1 is a cookie this listener issued, else < 0. */
static __always_inline long kcookie_check(struct bpf_sock *listener, void *iph, __u32 iph_len,
					  struct tcphdr *th)
{
	/* Only the fixed header is read (ports, seq, ack_seq). */
	return bpf_tcp_check_syncookie(listener, iph, iph_len, th, sizeof(*th));
}

/*
 * Own mode falls back to the kernel's check for an ACK its own cookie does
 * not explain, since the kernel's cookie may be out there: issued by XDP
 * before the own key existed, by the kernel for a SYN synx left to it, or
 * by the program this one replaced.  That second check doubles the cost of
 * every forged ACK, so own mode makes it only while a kernel cookie can
 * still be valid: the kernel honours one for at most two minutes
 * (MAX_SYNCOOKIE_AGE counter periods of 60 s, net/ipv4/syncookies.c).
 *
 * synx_kcookie_seen holds when a kernel cookie last became possible
 * (CLOCK_MONOTONIC_COARSE: a few ns to read, where the precise clock costs
 * tens in VMs; written at most once a second, so the SYN path does not
 * bounce a cache line between CPUs).  It is not pinned, and a new program
 * starts at 0, which the first ACK turns into "now": after any load the
 * check stays on for a full horizon, covering cookies of the program it
 * replaced.
 */
#define NSEC_PER_SEC 1000000000ULL
#define KCOOKIE_HORIZON_NS (180 * NSEC_PER_SEC) /* 2 min lifetime + 1 min margin */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} synx_kcookie_seen SEC(".maps");

/* A kernel cookie may have been issued just now. */
static __always_inline void kcookie_note_possible(void)
{
	__u64 now = bpf_ktime_get_coarse_ns();
	__u32 key = 0;
	__u64 *t = bpf_map_lookup_elem(&synx_kcookie_seen, &key);

	if (t && now - *t >= NSEC_PER_SEC)
		*t = now;
}

/* Can an ACK still carry a valid kernel cookie? */
static __always_inline int kcookie_may_be_out(void)
{
	__u64 now = bpf_ktime_get_coarse_ns();
	__u32 key = 0;
	__u64 *t = bpf_map_lookup_elem(&synx_kcookie_seen, &key);

	if (!t)
		return 1;
	if (!*t) {
		*t = now; /* first look since load */
		return 1;
	}
	return now - *t < KCOOKIE_HORIZON_NS;
}

/*
 * TSval for a cookie SYN-ACK, as cookie_init_timestamp() makes it: the
 * millisecond clock (tcp_clock_ns() is CLOCK_MONOTONIC, as is
 * bpf_ktime_get_ns()) with its low bits replaced by @opts, stepped back one
 * period when that would put it in the future, so the server's own later
 * timestamps never look older than this one to the client's PAWS check.
 */
static __always_inline __u32 kcookie_tsval(__u32 opts)
{
	__u64 now = bpf_ktime_get_ns() / NSEC_PER_MSEC;
	__u64 ts = (now >> TS_OPT_BITS << TS_OPT_BITS) | opts;

	if (ts > now)
		ts -= 1ULL << TS_OPT_BITS;
	return (__u32)ts;
}

#endif /* SYNX_BPF_COOKIE_KERNEL_H */
