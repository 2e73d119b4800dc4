// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Own-cookie keys and the cookie clock period.  See keys.h. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include "keys.h"

/* round(log2(ns)) without libm: floor, then up past the geometric midpoint. */
__u8 synx_period_shift(unsigned long seconds)
{
	__u64 ns = (__u64)seconds * 1000000000ULL;
	__u8 shift = 63 - __builtin_clzll(ns);

	if ((double)ns / (double)(1ULL << shift) >= 1.4142135623730951)
		shift++;
	return shift;
}

double synx_period_seconds(__u8 shift)
{
	return (double)(1ULL << (shift ? shift : SYNX_COOKIE_PERIOD_SHIFT)) / 1e9;
}

/* A 128-bit SipHash key straight from the kernel's CSPRNG. */
static int random_key(__u64 key[2])
{
	size_t got = 0;

	while (got < 2 * sizeof(__u64)) {
		ssize_t n = getrandom((char *)key + got, 2 * sizeof(__u64) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += n;
	}
	return 0;
}

/*
 * prev = cur rather than zero: should the program ever check prev before
 * the first rotation, an all-zero key would be one every attacker knows.
 */
int synx_keys_init(struct synx_cookie_keys *k, __u8 period_shift)
{
	int err;

	memset(k, 0, sizeof(*k));
	err = random_key(k->cur);
	if (err)
		return err;
	memcpy(k->prev, k->cur, sizeof(k->prev));
	k->generation = 1;
	k->period_shift = period_shift;
	return 0;
}

int synx_keys_rotate(struct synx_cookie_keys *k)
{
	struct timespec ts;
	__u64 fresh[2];
	int err;

	err = random_key(fresh);
	if (err)
		return err;
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return -errno;
	memcpy(k->prev, k->cur, sizeof(k->prev));
	memcpy(k->cur, fresh, sizeof(k->cur));
	k->rotated_ns = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	/* 0 means "no keys": skip it should the counter ever wrap. */
	k->generation = k->generation + 1 ? k->generation + 1 : 1;
	return 0;
}

double synx_keys_age(const struct synx_cookie_keys *k)
{
	struct timespec ts;
	__u64 now;

	if (!k->rotated_ns || clock_gettime(CLOCK_MONOTONIC, &ts))
		return -1;
	now = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	return now > k->rotated_ns ? (now - k->rotated_ns) / 1e9 : 0;
}
