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
 *   T    the low bit of the cookie clock's count (period 2^period_shift
 *        ns, ~68.7 s by default; the clock is the boot clock, or TAI for
 *        hosts sharing a key): see own_cookie_check();
 *   MSS  8 entries per family, finer than the kernel's 4.
 *
 * Forgery: every 32-bit value decodes to a well-formed cookie, so a random
 * ACK succeeds only by matching 22 MAC bits: probability 2^-22 (2.4e-7)
 * per MAC tried, one MAC per ACK but for the two periods after a key
 * rotation or a period change (own_cookie_check()).  Hosts sharing a key
 * accept each other's cookies, so for a forger a fleet is one host: the
 * bound is per ACK, whichever host receives it.  tests/robust holds the
 * program to it.
 */
#ifndef SYNX_BPF_COOKIE_OWN_H
#define SYNX_BPF_COOKIE_OWN_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
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

/*
 * The cookie clock at program-clock time @now: the boot clock itself, or
 * TAI for hosts that share keys.  The enum test lets a kernel without the
 * TAI helper load the program (the loader refuses the TAI clock there).
 */
static __always_inline __u64 own_clock(const struct synx_cookie_keys *k, __u64 now)
{
	if (k->clock == SYNX_CLOCK_TAI &&
	    bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_ktime_get_tai_ns))
		now = bpf_ktime_get_tai_ns();
	return now + k->clock_offset_ns;
}

/* @t's count under @shift, moved back one if its parity is not @t_bit's. */
static __always_inline __u32 own_count_of(__u64 t, __u32 shift, __u32 t_bit)
{
	__u32 count = (__u32)(t >> shift);

	return (count & 1) == t_bit ? count : count - 1;
}

/* The ISN for a SYN of flow @f offering @c, at program-clock time @now. */
static __always_inline __u32 own_cookie_issue(const struct synx_cookie_keys *k,
					      const struct synx_flow *f, const struct own_cookie *c,
					      __u64 now)
{
	__u32 count = (__u32)(own_clock(k, now) >> own_period_shift(k));
	__u32 meta = (count & 1) << SYNX_OWN_T_SHIFT |
		     own_mss_index(f->ipv6, c->mss) << SYNX_OWN_MSS_SHIFT |
		     (c->wscale & 0xf) << SYNX_OWN_WS_SHIFT | (c->sack ? SYNX_OWN_SACK : 0) |
		     (c->ecn ? SYNX_OWN_ECN : 0);

	return own_mac((const struct own_key *)k->cur, f, count, meta) << (32 - SYNX_OWN_MAC_BITS) |
	       meta;
}

/* Program-clock time @now is within two periods of 2^@shift after @since. */
static __always_inline int own_within(__u64 now, __u64 since, __u32 shift)
{
	return since && (__s64)(now - since) <= (__s64)(2ULL << shift);
}

/*
 * Check @cookie (the ACK's ack - 1) for flow @f (client ISN = seq - 1) and
 * decode it into @c.  Returns 0 when valid.
 *
 * The count checked is the one with the cookie's parity that is now or one
 * period before: a cookie lives one to two periods and costs one MAC.  On
 * the TAI clock "now" is SYNX_CLOCK_SKEW_NS ahead: a host up to that much
 * behind the issuer still finds the issuing period, one ahead of it by
 * less than a period less the skew and the ACK's delay does too, and a
 * cookie lives at least one period less twice the skew.  For two periods
 * after a change, cookies from before it live out their lifetime too:
 * those of the previous key (a rotation), those of the previous period
 * length, and, when both changed at once, those of both.  Each adds one
 * MAC, so the forgery probability of an ACK is 2^-22 times the number of
 * MACs tried: 2^-22 normally, up to 4 * 2^-22 while a rotation and a
 * period change are both recent.
 */
static __always_inline int own_cookie_check(const struct synx_cookie_keys *k,
					    const struct synx_flow *f, __u32 cookie,
					    struct own_cookie *c)
{
	__u64 now = synx_now_ns();
	__u64 t = own_clock(k, now) + (k->clock == SYNX_CLOCK_TAI ? SYNX_CLOCK_SKEW_NS : 0);
	__u32 shift = own_period_shift(k);
	__u32 meta = cookie & SYNX_OWN_META_MASK;
	__u32 mac = cookie >> (32 - SYNX_OWN_MAC_BITS);
	__u32 t_bit = meta >> SYNX_OWN_T_SHIFT & 1;
	__u32 count = own_count_of(t, shift, t_bit);

	if (own_mac((const struct own_key *)k->cur, f, count, meta) == mac)
		goto valid;
	if (own_within(now, k->rotated_ns, shift) &&
	    own_mac((const struct own_key *)k->prev, f, count, meta) == mac)
		goto valid;
	if (k->prev_shift && k->prev_shift != shift &&
	    own_within(now, k->shift_changed_ns, k->prev_shift)) {
		__u32 old = own_count_of(t, k->prev_shift, t_bit);

		if (own_mac((const struct own_key *)k->cur, f, old, meta) == mac)
			goto valid;
		if (own_within(now, k->rotated_ns, shift) &&
		    own_mac((const struct own_key *)k->prev, f, old, meta) == mac)
			goto valid;
	}
	return -1;
valid:
	c->mss = own_mss_value(f->ipv6, meta >> SYNX_OWN_MSS_SHIFT & 7);
	c->wscale = meta >> SYNX_OWN_WS_SHIFT & 0xf;
	c->sack = !!(meta & SYNX_OWN_SACK);
	c->ecn = !!(meta & SYNX_OWN_ECN);
	return 0;
}

/*
 * Own cookies to check on an ACK: always in own mode; in kernel mode only
 * until own_until_ns, the lifetime of those issued before a switch to it.
 */
static __always_inline const struct synx_cookie_keys *own_keys_for_ack(const struct synx_config *cfg)
{
	const struct synx_cookie_keys *k = own_keys();

	if (!k || cfg->cookie_mode == SYNX_COOKIE_OWN)
		return k;
	return k->own_until_ns && (__s64)(k->own_until_ns - synx_now_ns()) > 0 ? k : NULL;
}

#endif /* SYNX_BPF_COOKIE_OWN_H */
