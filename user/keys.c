// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Own-cookie keys and the cookie clock period.  See keys.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "cli.h"
#include "keys.h"

/*
 * The program compares rotated_ns with bpf_ktime_get_coarse_ns(): the
 * kernel's CLOCK_MONOTONIC_COARSE, which no time namespace offsets.  A synx
 * run in a time namespace (a container's) reads its clocks shifted, so ask
 * the kernel for the program's clock: a small XDP program, run once on a
 * test frame through BPF_PROG_TEST_RUN, writes it into the frame.  Where
 * that cannot load, subtract the namespace's monotonic offset
 * (/proc/self/timens_offsets) ourselves.
 */
static int clock_from_bpf(__u64 *ns)
{
#define LDX_W(dst, field)                                                                  \
	{                                                                                  \
		.code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = (dst), .src_reg = BPF_REG_1, \
		.off = (field)                                                             \
	}
	const struct bpf_insn insns[] = {
		LDX_W(BPF_REG_6, offsetof(struct xdp_md, data)),
		LDX_W(BPF_REG_7, offsetof(struct xdp_md, data_end)),
		/* if (data + 8 > data_end) return XDP_PASS; */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_8, .src_reg = BPF_REG_6 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_8, .imm = 8 },
		{ .code = BPF_JMP | BPF_JGT | BPF_X,
		  .dst_reg = BPF_REG_8,
		  .src_reg = BPF_REG_7,
		  .off = 2 },
		/* *(u64 *)data = bpf_ktime_get_coarse_ns(); */
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_ktime_get_coarse_ns },
		{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_6, .src_reg = BPF_REG_0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
#undef LDX_W
	unsigned char in[64] = {}, out[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, ropts, .data_in = in, .data_size_in = sizeof(in),
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	int fd, err;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "synx_clock", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), NULL);
	if (fd < 0)
		return -errno;
	err = bpf_prog_test_run_opts(fd, &ropts) ? -errno : 0;
	close(fd);
	if (!err)
		memcpy(ns, out, sizeof(*ns));
	if (!err && !*ns)
		err = -EIO;
	return err;
}

/* CLOCK_MONOTONIC_COARSE of this time namespace, less its offset. */
static int clock_from_timens(__u64 *ns)
{
	FILE *f = fopen("/proc/self/timens_offsets", "r");
	long long off_s = 0, off_ns = 0, s, n;
	char clk[32];
	struct timespec ts;

	while (f && fscanf(f, "%31s %lld %lld", clk, &s, &n) == 3)
		if (!strcmp(clk, "monotonic") || !strcmp(clk, "1")) {
			off_s = s;
			off_ns = n;
		}
	if (f)
		fclose(f);
	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts))
		return -errno;
	*ns = (__u64)((ts.tv_sec - off_s) * 1000000000LL + ts.tv_nsec - off_ns);
	return 0;
}

int synx_bpf_clock_ns(__u64 *ns)
{
	return clock_from_bpf(ns) ? clock_from_timens(ns) : 0;
}

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

int synx_keys_random(__u64 key[2])
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
int synx_keys_init(struct synx_cookie_keys *k, const __u64 key[2], __u8 period_shift)
{
	int err = 0;

	memset(k, 0, sizeof(*k));
	if (key)
		memcpy(k->cur, key, sizeof(k->cur));
	else
		err = synx_keys_random(k->cur);
	if (err)
		return err;
	memcpy(k->prev, k->cur, sizeof(k->prev));
	k->generation = 1;
	k->period_shift = period_shift;
	return 0;
}

void synx_keys_rotate_to(struct synx_cookie_keys *k, const __u64 key[2], __u64 now)
{
	memcpy(k->prev, k->cur, sizeof(k->prev));
	memcpy(k->cur, key, sizeof(k->cur));
	k->rotated_ns = now;
	/* 0 means "no keys": skip it should the counter ever wrap. */
	k->generation = k->generation + 1 ? k->generation + 1 : 1;
}

int synx_keys_rotate(struct synx_cookie_keys *k)
{
	__u64 fresh[2], now;
	int err;

	err = synx_keys_random(fresh);
	if (!err)
		err = synx_bpf_clock_ns(&now);
	if (!err)
		synx_keys_rotate_to(k, fresh, now);
	explicit_bzero(fresh, sizeof(fresh));
	return err;
}

const char *synx_cookie_clock_str(int clock)
{
	return clock == SYNX_CLOCK_TAI ? "tai" : "boot";
}

int synx_keys_period_check(int clock, __u8 shift)
{
	if (clock != SYNX_CLOCK_TAI || (1ULL << synx_keys_shift(shift)) >= 4 * SYNX_CLOCK_SKEW_NS)
		return 0;
	return synx_err(
		SYNX_EXIT_USAGE,
		"the tai cookie clock needs a cookie period of 7 s or more (2^33 ns): an ACK is checked %.0f s ahead, for hosts whose clocks differ, so a cookie lives a period less %.0f s",
		SYNX_CLOCK_SKEW_NS / 1e9, 2 * SYNX_CLOCK_SKEW_NS / 1e9);
}

void synx_keys_set_period(struct synx_cookie_keys *k, __u8 shift, __u64 now)
{
	__u8 cur = k->period_shift ? k->period_shift : SYNX_COOKIE_PERIOD_SHIFT;

	if ((shift ? shift : SYNX_COOKIE_PERIOD_SHIFT) == cur)
		return;
	k->prev_shift = cur;
	k->shift_changed_ns = now;
	k->period_shift = shift;
}

int synx_keys_cookie_clock_ns(const struct synx_cookie_keys *k, __u64 *ns)
{
	struct timespec ts;
	int err = 0;

	if (k->clock == SYNX_CLOCK_TAI) {
		/* Time namespaces offset neither CLOCK_TAI nor the helper's clock. */
		if (clock_gettime(CLOCK_TAI, &ts))
			return -errno;
		*ns = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	} else {
		err = synx_bpf_clock_ns(ns);
	}
	if (!err)
		*ns += (__u64)k->clock_offset_ns;
	return err;
}

double synx_keys_period_left(const struct synx_cookie_keys *k)
{
	__u8 shift = k->period_shift ? k->period_shift : SYNX_COOKIE_PERIOD_SHIFT;
	__u64 now;

	if (synx_keys_cookie_clock_ns(k, &now))
		return -1;
	return (double)((1ULL << shift) - (now & ((1ULL << shift) - 1))) / 1e9;
}

int synx_keys_test_offset(__s64 *ns)
{
	const char *env = getenv(SYNX_TEST_CLOCK_OFFSET_ENV);
	char *end;
	long long ms;

	*ns = 0;
	if (!env || !*env)
		return 0;
	errno = 0;
	ms = strtoll(env, &end, 10);
	if (errno || *end || ms < -SYNX_TEST_CLOCK_OFFSET_MAX_MS ||
	    ms > SYNX_TEST_CLOCK_OFFSET_MAX_MS)
		return -EINVAL;
	*ns = ms * 1000000LL;
	return 0;
}

double synx_keys_age(const struct synx_cookie_keys *k)
{
	__u64 now;

	if (!k->rotated_ns || synx_bpf_clock_ns(&now))
		return -1;
	return now > k->rotated_ns ? (now - k->rotated_ns) / 1e9 : 0;
}
