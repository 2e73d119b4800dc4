/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Cookie source "own" (ROADMAP mode 2): synx's keyed cookie.
 *
 * Unlike the kernel's, this cookie carries every option the client offered
 * in the ISN itself, so no option depends on TCP timestamps.  Layout of the
 * 32-bit ISN (bit 31 first):
 *
 *   31 ........................... 10 | 9 | 8  6 | 5   2 | 1 | 0
 *   MAC: top 22 bits of SipHash-2-4  | T | MSS  | WS    | S | E
 *
 *   MAC  SipHash-2-4(key, saddr, daddr, sport, dport, client ISN, count,
 *        low 10 bits of the cookie), so no field can be changed without it;
 *   T    low bit of count, the cookie clock (period 2^period_shift ns,
 *        ~68.7 s by default): an ACK is checked against the one count with
 *        that parity that is now or one period ago, so a cookie lives one
 *        to two periods and costs one hash to check;
 *   MSS  index into an 8-entry table per family (finer than the kernel's 4);
 *   WS   the client's window shift, 0xf when it offered none;
 *   S, E SACK-permitted, ECN.
 *
 * Forgery: every 32-bit value decodes to a well-formed cookie, so a random
 * ACK succeeds only by matching 22 MAC bits: probability 2^-22 (2.4e-7)
 * per forged ACK, 2^-21 during the two periods after a key rotation, when
 * the previous key is tried too.  tests/robust holds the program to it.
 */
#ifndef SYNX_BPF_COOKIE_OWN_H
#define SYNX_BPF_COOKIE_OWN_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "synx_config.h"
#include "maps.h"
#include "siphash.h"
#include "flow.h"

#define OWN_MAC_BITS 22
#define OWN_T_SHIFT 9
#define OWN_MSS_SHIFT 6
#define OWN_WS_SHIFT 2
#define OWN_SACK (1U << 1)
#define OWN_ECN (1U << 0)
#define OWN_WS_NONE 0xf
#define OWN_META_MASK 0x3ffU /* the low 10 bits: T, MSS, WS, S, E */

/* Handshake facts as decoded from (or encoded into) an own cookie. */
struct own_cookie {
	__u16 mss;    /* from the table: what the client can take */
	__u8 wscale;  /* client's shift, OWN_WS_NONE if not offered */
	__u8 sack;
	__u8 ecn;
};

/*
 * MSS tables (switches, not arrays: clang 14 puts small const arrays in
 * .rodata.cst* sections that libbpf 1.1 cannot open).  Entries are common
 * path MSS values: minimum, tunnels and VPNs, PPPoE, Ethernet, jumbo.
 */
static __always_inline __u16 own_mss_value(int ipv6, __u32 idx)
{
	if (ipv6) {
		switch (idx) {
		case 0: return 1220; /* IPv6 minimum MTU 1280 */
		case 1: return 1280;
		case 2: return 1340;
		case 3: return 1380;
		case 4: return 1420; /* 6in4 */
		case 5: return 1432; /* PPPoE */
		case 6: return 1440; /* Ethernet */
		default: return 8940; /* jumbo */
		}
	}
	switch (idx) {
	case 0: return 536; /* RFC 9293 default */
	case 1: return 1200;
	case 2: return 1300;
	case 3: return 1380;
	case 4: return 1400;
	case 5: return 1440;
	case 6: return 1452; /* PPPoE */
	default: return 1460; /* Ethernet */
	}
}

/* The largest table entry not above the client's MSS (index 0 at worst). */
static __always_inline __u32 own_mss_index(int ipv6, __u16 mss)
{
	__u32 idx = 0;

#pragma unroll
	for (__u32 i = 1; i < 8; i++)
		if (own_mss_value(ipv6, i) <= mss)
			idx = i;
	return idx;
}

/* A key is trusted only once the loader has written one (generation > 0). */
static __always_inline const struct synx_cookie_keys *own_keys(void)
{
	__u32 key = 0;
	const struct synx_cookie_keys *k = bpf_map_lookup_elem(&synx_keys, &key);

	return k && k->generation ? k : NULL;
}

static __always_inline __u32 own_period_shift(const struct synx_cookie_keys *k)
{
	return k->period_shift ? k->period_shift : SYNX_COOKIE_PERIOD_SHIFT;
}

static __always_inline __u32 own_mac(const __u64 key[2], const struct synx_flow *f, __u32 count,
				     __u32 meta)
{
	struct siphash s;

	sip_init(&s, key);
	sip_word(&s, f->addr[0]);
	if (f->ipv6) {
		sip_word(&s, f->addr[1]);
		sip_word(&s, f->addr[2]);
		sip_word(&s, f->addr[3]);
	}
	sip_word(&s, f->ports_isn);
	/* Family in the last word too: v4 and v6 messages never collide. */
	sip_word(&s, (__u64)count << 32 | (__u64)f->ipv6 << 16 | meta);
	return (__u32)(sip_final(&s) >> (64 - OWN_MAC_BITS));
}

static __always_inline __u32 own_count(const struct synx_cookie_keys *k, __u64 now)
{
	return (__u32)(now >> own_period_shift(k));
}

/* The ISN for a SYN of flow @f offering @c, at CLOCK_MONOTONIC time @now. */
static __always_inline __u32 own_cookie_issue(const struct synx_cookie_keys *k,
					      const struct synx_flow *f,
					      const struct own_cookie *c, __u64 now)
{
	__u32 count = own_count(k, now);
	__u32 meta = (count & 1) << OWN_T_SHIFT |
		     own_mss_index(f->ipv6, c->mss) << OWN_MSS_SHIFT |
		     (c->wscale & 0xf) << OWN_WS_SHIFT |
		     (c->sack ? OWN_SACK : 0) | (c->ecn ? OWN_ECN : 0);

	return own_mac(k->cur, f, count, meta) << (32 - OWN_MAC_BITS) | meta;
}

/*
 * Check @cookie (the ACK's ack - 1) for flow @f (client ISN = seq - 1) and
 * decode it into @c.  Returns 0 when valid.
 */
static __always_inline int own_cookie_check(const struct synx_cookie_keys *k,
					    const struct synx_flow *f, __u32 cookie,
					    struct own_cookie *c)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 count = own_count(k, now);
	__u32 meta = cookie & OWN_META_MASK;
	__u32 mac = cookie >> (32 - OWN_MAC_BITS);

	/* The count with the cookie's parity: this period or the one before. */
	if ((count & 1) != (meta >> OWN_T_SHIFT & 1))
		count--;
	if (own_mac(k->cur, f, count, meta) != mac) {
		/* Cookies from before a rotation live out their lifetime. */
		if (!k->rotated_ns || now - k->rotated_ns > 2ULL << own_period_shift(k) ||
		    own_mac(k->prev, f, count, meta) != mac)
			return -1;
	}
	c->mss = own_mss_value(f->ipv6, meta >> OWN_MSS_SHIFT & 7);
	c->wscale = meta >> OWN_WS_SHIFT & 0xf;
	c->sack = !!(meta & OWN_SACK);
	c->ecn = !!(meta & OWN_ECN);
	return 0;
}

/*
 * XDP -> tc: "this ACK carried a valid own cookie, and this is what it
 * said".  In the metadata area in front of the frame, so established
 * traffic, which carries none, costs the tc program one comparison.
 */
#define SYNX_META_MAGIC 0x53594e58U /* "SYNX" */

struct synx_meta {
	__u32 magic;
	__u16 mss;
	__u8 wscale;
	__u8 flags; /* OWN_SACK | OWN_ECN */
};

#endif /* SYNX_BPF_COOKIE_OWN_H */
