/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Running the synx XDP program through BPF_PROG_TEST_RUN, and reading its
 * counters: the pieces every driver of the real object needs (the tests'
 * synx_testrun, the benchmark's bench_micro and bench_gen).  No state of
 * its own: callers pass map and program fds.
 */
#ifndef SYNX_TESTS_TESTRUN_H
#define SYNX_TESTS_TESTRUN_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include "synx_config.h"
#include "synx_counters.h"

/* The largest frame fed in; the program may grow one (a SYN-ACK longer than its SYN). */
#define TR_FRAME_MAX 4096
#define TR_FRAME_OUT_MAX (TR_FRAME_MAX + 256)

/* Every reason and verdict counter, summed over all possible CPUs. */
struct tr_counters {
	struct synx_counter reason[SYNX_REASON_SLOTS];
	struct synx_counter verdict[SYNX_VERDICT_SLOTS];
};

/* Hex text (no separators) into @buf; -EINVAL on odd length, bad digit or > @cap bytes. */
int tr_hex_decode(const char *hex, __u8 *buf, size_t cap, size_t *len);
void tr_hex_print(FILE *f, const __u8 *buf, size_t len);

/*
 * Read both per-CPU counter arrays (synx_counters, synx_verdicts); a
 * negative @verdicts_fd leaves the verdicts zero.  0 or -errno.
 */
int tr_counters_read(int reasons_fd, int verdicts_fd, struct tr_counters *c);

/*
 * One BPF_PROG_TEST_RUN of @prog_fd on @in, @repeat times.  @ifindex 0
 * passes no xdp_md context (the run is on the namespace's lo); otherwise
 * it is the ingress device.  @out (may be NULL) receives up to *@out_len
 * bytes of the frame as the program left it, *@out_len its length.
 * @retval and @duration (ns per run, may be NULL) as the kernel reports
 * them.  0 or -errno.
 */
int tr_run(int prog_fd, const void *in, size_t len, __u32 ifindex, __u32 repeat, void *out,
	   __u32 *out_len, __u32 *retval, __u32 *duration);

/*
 * Recompute the IPv4 header checksum and the TCP checksum of the Ethernet
 * frame @f (no VLAN tag, no IPv6 extension header) after a caller changed
 * its fields: RFC 1071 sums over the RFC 9293 / RFC 8200 pseudo-header, as
 * tests/lib/synxtest/csum.py computes them.  -EINVAL for any other frame,
 * or one whose lengths run past @len.
 */
int tr_frame_fix_csums(__u8 *f, size_t len);

/* Clear every map's pin path, so that loading @obj pins nothing. */
int tr_unpin_maps(struct bpf_object *obj);

/*
 * Set the field of struct synx_config called @field (its name in
 * include/synx_config.h) to @value.  -ENOENT for no such field, -ERANGE
 * when @value does not fit.
 */
int tr_config_set(struct synx_config *cfg, const char *field, unsigned long long value);

#endif /* SYNX_TESTS_TESTRUN_H */
