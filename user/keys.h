/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The keys of synx's own cookies (the synx_keys map) and the period of the
 * cookie clock.  Keys come from getrandom() (kept between attaches by
 * keystore.h) and are written into the map by attach and config only:
 * never into the object file, never printed.
 */
#ifndef SYNX_KEYS_H
#define SYNX_KEYS_H

#include <linux/types.h>
#include "synx_config.h"

/* Cookie clock period bounds, seconds (--cookie-period). */
#define SYNX_COOKIE_PERIOD_MIN 1
#define SYNX_COOKIE_PERIOD_MAX 1024

/* The shift whose 2^shift ns is closest to @seconds (log2 rounded). */
__u8 synx_period_shift(unsigned long seconds);
/* @shift, or SYNX_COOKIE_PERIOD_SHIFT for 0 (the default). */
static inline __u8 synx_keys_shift(__u8 shift)
{
	return shift ? shift : SYNX_COOKIE_PERIOD_SHIFT;
}
/* "boot" or "tai". */
const char *synx_cookie_clock_str(int clock);
/*
 * Whether cookie clock @clock can run with period shift @shift: on TAI an
 * ACK is checked SYNX_CLOCK_SKEW_NS ahead, so a cookie lives one period less
 * twice that; a period must be at least four times the skew.  0, or
 * SYNX_EXIT_USAGE after reporting.
 */
int synx_keys_period_check(int clock, __u8 shift);
/* Period of @shift in seconds; shift 0 means SYNX_COOKIE_PERIOD_SHIFT. */
double synx_period_seconds(__u8 shift);

/*
 * Now, in the clock the program reads (bpf_ktime_get_coarse_ns(): the init
 * time namespace's CLOCK_MONOTONIC_COARSE), wherever synx runs.  0 or -errno.
 */
int synx_bpf_clock_ns(__u64 *ns);

/* A 128-bit SipHash key straight from the kernel's CSPRNG.  0 or -errno. */
int synx_keys_random(__u64 key[2]);
/*
 * Keys for attach: cur = @key (NULL: random), prev = cur, generation 1.
 * 0 or -errno.
 */
int synx_keys_init(struct synx_cookie_keys *k, const __u64 key[2], __u8 period_shift);
/* prev = cur, cur = random, rotated_ns = now, generation + 1. 0 or -errno. */
int synx_keys_rotate(struct synx_cookie_keys *k);
/* The same to @key, at program-clock time @now. */
void synx_keys_rotate_to(struct synx_cookie_keys *k, const __u64 key[2], __u64 now);
/*
 * A new period shift (0: the default) at program-clock time @now: the old
 * one is kept as prev_shift, so cookies issued under it live out their
 * lifetime (bpf/cookie_own.h).  Nothing changes if the period is the same.
 */
void synx_keys_set_period(struct synx_cookie_keys *k, __u8 shift, __u64 now);
/* The cookie clock now, as the program reads it for @k (offset included). 0 or -errno. */
int synx_keys_cookie_clock_ns(const struct synx_cookie_keys *k, __u64 *ns);
/* Seconds left in the current cookie period, -1 when the clock cannot be read. */
double synx_keys_period_left(const struct synx_cookie_keys *k);
/*
 * Tests only: SYNX_TEST_CLOCK_OFFSET_MS, milliseconds added to the cookie
 * clock, so that namespaces of one host can stand for hosts whose clocks
 * differ (BPF clocks ignore time namespaces).  0 (unset: 0) or -EINVAL.
 */
#define SYNX_TEST_CLOCK_OFFSET_ENV "SYNX_TEST_CLOCK_OFFSET_MS"
#define SYNX_TEST_CLOCK_OFFSET_MAX_MS 86400000LL
int synx_keys_test_offset(__s64 *ns);
/* Seconds since the last rotation, -1 when there was none. */
double synx_keys_age(const struct synx_cookie_keys *k);

#endif
