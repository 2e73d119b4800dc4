/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Internet checksum (RFC 1071) helpers.
 *
 * Sums are accumulated in 64 bits over 32-bit words read in memory order
 * and folded at the end.  The one's complement sum does not depend on byte
 * order as long as every term is taken the same way, so network-order
 * fields are added as loaded, and host values go through bpf_htons/htonl.
 */
#ifndef SYNX_BPF_CSUM_H
#define SYNX_BPF_CSUM_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Longest stretch csum_frame() sums: a 1500-byte MTU's worth of TFO data. */
#define SYNX_CSUM_CHUNK 64
#define SYNX_CSUM_MAX_CHUNKS 24

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Add @n 32-bit words at @p; @n must be a constant so the loop unrolls. */
static __always_inline __u64 csum_add_words(__u64 sum, const __u32 *p, int n)
{
#pragma unroll
	for (int i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

static __always_inline __u64 csum_pseudo4(__be32 saddr, __be32 daddr, __u32 len)
{
	return (__u64)saddr + daddr + bpf_htons(IPPROTO_TCP) + bpf_htons(len);
}

static __always_inline __u64 csum_pseudo6(const __u32 *saddr, const __u32 *daddr, __u32 len)
{
	__u64 sum = bpf_htonl(len) + bpf_htonl(IPPROTO_TCP);

	sum = csum_add_words(sum, saddr, 4);
	return csum_add_words(sum, daddr, 4);
}

#define CSUM_FRAME_ERR (1ULL << 63)

/*
 * Sum @len bytes of the frame at @off, through a stack buffer so that the
 * length may be anything (odd lengths are zero-padded, as RFC 1071 says).
 * Returns the unfolded sum, or CSUM_FRAME_ERR when the stretch is longer
 * than we are prepared to sum or cannot be read.
 *
 * A global function on purpose: the verifier checks it once, on its own,
 * instead of once per inlined call site and path (which blew past its
 * one-million-instruction budget).
 */
__noinline __u64 csum_frame(struct xdp_md *ctx, __u32 off, __u32 len)
{
	/*
	 * Four spare bytes: the verifier bounds the rounded-up size at 67,
	 * not 64, so they must exist and be initialised.
	 */
	__u8 buf[SYNX_CSUM_CHUNK + 4] = {};
	__u64 rest = len, sum = 0;

	if (!ctx)
		return CSUM_FRAME_ERR;
	for (int i = 0; i < SYNX_CSUM_MAX_CHUNKS; i++) {
		__u64 n = rest; /* 64-bit: a u32 gets its bound checked on a copy */

		if (!n)
			return sum;
		if (n >= SYNX_CSUM_CHUNK)
			n = SYNX_CSUM_CHUNK;
		else
			__builtin_memset(buf, 0, sizeof(buf));
		/*
		 * clang merges the two arms above into a form whose bound the
		 * verifier cannot follow; restate it where the helper needs it.
		 */
		barrier_var(n);
		if (n == 0 || n > SYNX_CSUM_CHUNK)
			return CSUM_FRAME_ERR;
		if (bpf_xdp_load_bytes(ctx, off, buf, n))
			return CSUM_FRAME_ERR;
		sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)buf, (n + 3) & ~3ULL, 0);
		off += n;
		rest -= n;
	}
	return rest ? CSUM_FRAME_ERR : sum;
}

#endif /* SYNX_BPF_CSUM_H */
