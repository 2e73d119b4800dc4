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

/*
 * csum_frame() sums in chunks of what one bpf_csum_diff() call takes (512
 * bytes), up to a 9000-byte jumbo frame's worth of TFO data.  Frames longer
 * than a page do not reach a non-frags XDP program in native mode anyway.
 */
#define SYNX_CSUM_CHUNK 512
#define SYNX_CSUM_MAX_CHUNKS 18
#define SYNX_CSUM_MAX (SYNX_CSUM_CHUNK * SYNX_CSUM_MAX_CHUNKS)

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
	/* The cast comes first: every addition below is 64-bit. */
	return (__u64)saddr + daddr + bpf_htons(IPPROTO_TCP) + bpf_htons(len);
}

static __always_inline __u64 csum_pseudo6(const __u32 *saddr, const __u32 *daddr, __u32 len)
{
	/*
	 * Widen before adding: both terms sit in the top byte on a little-
	 * endian host, and a 32-bit sum would drop the carry (the fuzzer's
	 * find: lengths 250-255 mod 256 failed).
	 */
	__u64 sum = (__u64)bpf_htonl(len) + bpf_htonl(IPPROTO_TCP);

	sum = csum_add_words(sum, saddr, 4);
	return csum_add_words(sum, daddr, 4);
}

#define CSUM_FRAME_ERR (1ULL << 63)

/*
 * A chunk buffer in a per-CPU map rather than on the 512-byte stack.  Four
 * spare bytes: the zero padding of an odd-length tail, and the verifier
 * bounds the rounded-up size at 515, not 512.
 */
struct csum_chunk {
	__u8 buf[SYNX_CSUM_CHUNK + 4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct csum_chunk);
} synx_csum_scratch SEC(".maps");

/*
 * Sum @len bytes of the frame at @off (odd lengths zero-padded, RFC 1071).
 * Returns the unfolded sum, or CSUM_FRAME_ERR when the stretch is longer
 * than SYNX_CSUM_MAX or cannot be read.
 *
 * A global function on purpose: the verifier checks it once, on its own,
 * instead of once per inlined call site and path (which blew past its
 * one-million-instruction budget).
 */
__noinline __u64 csum_frame(struct xdp_md *ctx, __u32 off, __u32 len)
{
	__u64 rest = len, sum = 0;
	struct csum_chunk *c;
	__u32 key = 0;

	if (!ctx || len > SYNX_CSUM_MAX)
		return CSUM_FRAME_ERR;
	c = bpf_map_lookup_elem(&synx_csum_scratch, &key);
	if (!c)
		return CSUM_FRAME_ERR;

	for (int i = 0; i < SYNX_CSUM_MAX_CHUNKS; i++) {
		__u64 n = rest; /* 64-bit: a u32 gets its bound checked on a copy */

		if (!n)
			return sum;
		if (n > SYNX_CSUM_CHUNK)
			n = SYNX_CSUM_CHUNK;
		/*
		 * clang merges the clamp above into a form whose bound the
		 * verifier cannot follow; restate it where the helpers need it.
		 */
		barrier_var(n);
		if (n == 0 || n > SYNX_CSUM_CHUNK)
			return CSUM_FRAME_ERR;
		if (bpf_xdp_load_bytes(ctx, off, c->buf, n))
			return CSUM_FRAME_ERR;
		/* Zero the pad up to the next 32-bit word. */
		c->buf[n] = 0;
		c->buf[n + 1] = 0;
		c->buf[n + 2] = 0;
		sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)c->buf, (n + 3) & ~3ULL, 0);
		off += n;
		rest -= n;
	}
	return rest ? CSUM_FRAME_ERR : sum;
}

#endif /* SYNX_BPF_CSUM_H */
