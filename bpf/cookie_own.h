/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Cookie source "own": synx's keyed cookie.
 *
 * Unlike the kernel's, this cookie carries every option the client offered
 * in the ISN itself, so no option depends on TCP timestamps.  The bit
 * layout, the MSS tables and the XDP -> tc metadata are a contract with
 * the tc program and the tests: include/synx_cookie.h.
 *
 *   MAC  SipHash-2-4(key, saddr, daddr, sport, dport, client ISN, count,
 *        low 10 bits of the cookie), so no field can be changed without it;
 *   T    the cookie clock (period 2^period_shift ns, ~68.7 s by default):
 *        an ACK is checked against the one count with that parity that is
 *        now or one period ago, so a cookie lives one to two periods and
 *        costs one hash to check;
 *   MSS  8 entries per family, finer than the kernel's 4.
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
#include "synx_cookie.h"
#include "maps.h"
#include "siphash.h"
#include "flow.h"
#include "clock.h"

/* Handshake facts as decoded from (or encoded into) an own cookie. */
struct own_cookie {
	__u16 mss;   /* from the table: what the client can take */
	__u8 wscale; /* client's shift, SYNX_OWN_WS_NONE if not offered */
	__u8 sack;
	__u8 ecn;
};

/*
 * Table entry @idx (0-7) of the family's MSS table.  Not formatted: a
 * switch made of X-macro cases would be indented as statements.
 */
/* clang-format off */
#define OWN_MSS_CASE(i, v) case i: return v;

static __always_inline __u16 own_mss_value(int ipv6, __u32 idx)
{
	if (ipv6) {
		switch (idx) {
		SYNX_OWN_MSS6(OWN_MSS_CASE)
		}
	} else {
		switch (idx) {
		SYNX_OWN_MSS4(OWN_MSS_CASE)
		}
	}
	return 0;
}
/* clang-format on */

/*
 * The largest table entry not above the client's MSS (index 0 at worst).
 * A global function: its unrolled comparisons would split the verifier
 * states of every path through it.
 */
__noinline __u32 own_mss_index(__u32 ipv6, __u32 mss)
{
	__u32 idx = 0;

#pragma unroll
	for (__u32 i = 1; i < SYNX_OWN_MSS_ENTRIES; i++)
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

/* A SipHash key, as a type of its own so a global function can take it. */
struct own_key {
	__u64 k[2];
};

/*
 * The cookie's MAC.  A global function on purpose: the verifier checks its
 * ~600 straight-line instructions once, instead of once for every state a
 * SYN or ACK path reaches it in; the call costs a few ns.
 */
__noinline __u32 own_mac(const struct own_key *key, const struct synx_flow *f, __u32 count,
			 __u32 meta)
{
	struct siphash s;

	if (!key || !f) /* a global function's pointer arguments may be NULL to the verifier */
		return 0;
	sip_init(&s, key->k);
	sip_word(&s, f->addr[0]);
	if (f->ipv6) {
		sip_word(&s, f->addr[1]);
		sip_word(&s, f->addr[2]);
		sip_word(&s, f->addr[3]);
	}
	sip_word(&s, f->ports_isn);
	/* Family in the last word too: v4 and v6 messages never collide. */
	sip_word(&s, (__u64)count << 32 | (__u64)f->ipv6 << 16 | meta);
	return (__u32)(sip_final(&s) >> (64 - SYNX_OWN_MAC_BITS));
}

static __always_inline __u32 own_count(const struct synx_cookie_keys *k, __u64 now)
{
	return (__u32)(now >> own_period_shift(k));
}

/* The ISN for a SYN of flow @f offering @c, at CLOCK_MONOTONIC time @now. */
static __always_inline __u32 own_cookie_issue(const struct synx_cookie_keys *k,
					      const struct synx_flow *f, const struct own_cookie *c,
					      __u64 now)
{
	__u32 count = own_count(k, now);
	__u32 meta = (count & 1) << SYNX_OWN_T_SHIFT |
		     own_mss_index(f->ipv6, c->mss) << SYNX_OWN_MSS_SHIFT |
		     (c->wscale & 0xf) << SYNX_OWN_WS_SHIFT | (c->sack ? SYNX_OWN_SACK : 0) |
		     (c->ecn ? SYNX_OWN_ECN : 0);

	return own_mac((const struct own_key *)k->cur, f, count, meta) << (32 - SYNX_OWN_MAC_BITS) |
	       meta;
}

/*
 * Check @cookie (the ACK's ack - 1) for flow @f (client ISN = seq - 1) and
 * decode it into @c.  Returns 0 when valid.
 */
static __always_inline int own_cookie_check(const struct synx_cookie_keys *k,
					    const struct synx_flow *f, __u32 cookie,
					    struct own_cookie *c)
{
	__u64 now = synx_now_ns();
	__u32 count = own_count(k, now);
	__u32 meta = cookie & SYNX_OWN_META_MASK;
	__u32 mac = cookie >> (32 - SYNX_OWN_MAC_BITS);

	/* The count with the cookie's parity: this period or the one before. */
	if ((count & 1) != (meta >> SYNX_OWN_T_SHIFT & 1))
		count--;
	if (own_mac((const struct own_key *)k->cur, f, count, meta) != mac) {
		/* Cookies from before a rotation live out their lifetime. */
		if (!k->rotated_ns ||
		    (__s64)(now - k->rotated_ns) > (__s64)(2ULL << own_period_shift(k)) ||
		    own_mac((const struct own_key *)k->prev, f, count, meta) != mac)
			return -1;
	}
	c->mss = own_mss_value(f->ipv6, meta >> SYNX_OWN_MSS_SHIFT & 7);
	c->wscale = meta >> SYNX_OWN_WS_SHIFT & 0xf;
	c->sack = !!(meta & SYNX_OWN_SACK);
	c->ecn = !!(meta & SYNX_OWN_ECN);
	return 0;
}

#endif /* SYNX_BPF_COOKIE_OWN_H */
