/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TCP option walk for SYNs (RFC 9293 section 3.2).
 *
 * The header is first copied into a per-CPU scratch buffer (struct
 * synx_syn.hdr).  Three things want that copy: this walk, the checksum, and
 * the kernel's cookie helper, whose th_len must equal doff*4 while the
 * verifier checks its access at the 60-byte maximum; in the buffer the full
 * 64 bytes always exist, whatever the frame's length, so no tail games are
 * needed.
 *
 * The walk runs under bpf_loop(): an open-coded 40-step loop over variable
 * offsets exceeds the verifier's instruction budget.  The scratch lives in
 * a map and not on the stack on purpose: since Linux 6.8 the verifier
 * re-verifies a bpf_loop callback until its state converges, and a stack
 * struct whose offset and flags it tracks precisely (20, 21, 22, ...) never
 * converges (1M instructions, rejected).  Map memory holds values the
 * verifier does not track, so one or two passes suffice.  The walk is
 * bounded by doff*4, not by the frame.
 */
#ifndef SYNX_BPF_TCP_OPTS_H
#define SYNX_BPF_TCP_OPTS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "verdict.h"

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2       /* RFC 9293 */
#define TCPOPT_WINDOW 3    /* RFC 7323 */
#define TCPOPT_SACK_PERM 4 /* RFC 2018 */
#define TCPOPT_TIMESTAMP 8 /* RFC 7323 */
#define TCPOPT_MD5SIG 19   /* RFC 2385 */
#define TCPOPT_AO 29       /* RFC 5925 */

#define TCPOLEN_MSS 4
#define TCPOLEN_WINDOW 3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TIMESTAMP 10
#define TCPOLEN_TSTAMP_ALIGNED 12 /* with its two NOPs */

#define TCP_MAX_WSCALE 14 /* RFC 7323 section 2.3 */
#define TCP_HDR_MAX 60
#define TCP_OPT_MAX (TCP_HDR_MAX - 20) /* one loop step per byte at worst */

/* synx_syn.seen */
#define SYN_SEEN_MSS (1 << 0)
#define SYN_SEEN_WS (1 << 1)
#define SYN_SEEN_SACK (1 << 2)
#define SYN_SEEN_TS (1 << 3)
#define SYN_SEEN_SIGNED (1 << 4) /* TCP-MD5 or TCP-AO */

struct synx_syn {
	/*
	 * TCP header copy: thlen bytes valid, the rest stale (earlier SYNs,
	 * and synx_tc's ACKs, which share this scratch).  Harmless: only
	 * syn_opts_known() reads past thlen (its first two words, before it
	 * looks at thlen), and tcp_walk_options() resets what it set then.
	 */
	__u8 hdr[64];
	__u32 off;    /* walk position */
	__u32 end;    /* thlen */
	__be32 tsval; /* client's TSval, network order */
	__be32 tsecr; /* and its TSecr (an ACK echoing our TSval) */
	__u16 mss;    /* client's MSS, host order */
	__u8 wscale;  /* client's shift */
	__u8 seen;    /* SYN_SEEN_* */
	__u32 reason; /* a DROP_OPT_* reason, or 0 while fine */
};

/* Not pinned: scratch, meaningless outside one program run (XDP and tc both use it). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct synx_syn);
} synx_syn_scratch SEC(".maps");

static __always_inline __u8 syn_byte(const struct synx_syn *s, __u32 i)
{
	return s->hdr[i & (sizeof(s->hdr) - 1)];
}

/* bpf_loop() wants its context on the stack: a pointer to the scratch. */
struct syn_walk {
	struct synx_syn *s;
};

static long syn_opt_step(__u32 i, void *ctx)
{
	struct synx_syn *s = ((struct syn_walk *)ctx)->s;
	__u32 off = s->off;
	__u8 kind, len;

	if (off >= s->end)
		return 1;
	kind = syn_byte(s, off);
	if (kind == TCPOPT_EOL)
		return 1;
	if (kind == TCPOPT_NOP) {
		s->off = off + 1;
		return 0;
	}
	if (off + 1 >= s->end) {
		s->reason = SYNX_R_DROP_OPT_OVERRUN;
		return 1;
	}
	len = syn_byte(s, off + 1);
	if (len < 2) {
		s->reason = SYNX_R_DROP_OPT_LEN;
		return 1;
	}
	if (off + len > s->end) {
		s->reason = SYNX_R_DROP_OPT_OVERRUN;
		return 1;
	}

	switch (kind) {
	case TCPOPT_MSS:
		if (len != TCPOLEN_MSS)
			goto bad_len;
		s->mss = (syn_byte(s, off + 2) << 8) | syn_byte(s, off + 3);
		s->seen |= SYN_SEEN_MSS;
		break;
	case TCPOPT_WINDOW:
		if (len != TCPOLEN_WINDOW)
			goto bad_len;
		s->wscale = syn_byte(s, off + 2);
		s->seen |= SYN_SEEN_WS;
		break;
	case TCPOPT_SACK_PERM:
		if (len != TCPOLEN_SACK_PERM)
			goto bad_len;
		s->seen |= SYN_SEEN_SACK;
		break;
	case TCPOPT_TIMESTAMP:
		if (len != TCPOLEN_TIMESTAMP)
			goto bad_len;
		/* Kept in network order: it is echoed as TSecr unchanged. */
		s->tsval = bpf_htonl((syn_byte(s, off + 2) << 24) | (syn_byte(s, off + 3) << 16) |
				     (syn_byte(s, off + 4) << 8) | syn_byte(s, off + 5));
		s->tsecr = bpf_htonl((syn_byte(s, off + 6) << 24) | (syn_byte(s, off + 7) << 16) |
				     (syn_byte(s, off + 8) << 8) | syn_byte(s, off + 9));
		s->seen |= SYN_SEEN_TS;
		break;
	case TCPOPT_MD5SIG:
	case TCPOPT_AO:
		s->seen |= SYN_SEEN_SIGNED;
		break;
	}
	s->off = off + len;
	return 0;

bad_len:
	s->reason = SYNX_R_DROP_OPT_FIXED_LEN;
	return 1;
}

/* Option word @i (0-9) after the fixed header, host order. */
static __always_inline __u32 syn_opt_word(const struct synx_syn *s, int i)
{
	return bpf_ntohl(*(const __be32 *)&s->hdr[sizeof(struct tcphdr) + 4 * i]);
}

#define OPTW_MSS 0x02040000U /* MSS, kind 2 length 4: the low half is the value */
#define OPTW_MASK_HI 0xffff0000U
#define OPTW_NOP_WS 0x01030300U /* NOP, window scale: the low byte is the shift */
#define OPTW_MASK_LO8 0xffffff00U
#define OPTW_SACK_TS 0x0402080aU   /* SACK-permitted, timestamps */
#define OPTW_NOPS_TS 0x0101080aU   /* NOP, NOP, timestamps */
#define OPTW_NOPS_SACK 0x01010402U /* NOP, NOP, SACK-permitted */
#define OPTW_SACK_EOL 0x04020000U  /* SACK-permitted, EOL, padding */

/*
 * The option layouts of the common clients, matched as whole words before
 * falling back to the byte walk (which costs a bpf_loop() of up to 40
 * steps).  Each sets exactly what the walk would for the same bytes.
 *   Linux   MSS | SACK-perm TS | TSval | TSecr | NOP WS         (40 bytes)
 *   Linux without timestamps: MSS | NOP NOP SACK-perm | NOP WS (32)
 *   Windows MSS | NOP WS | NOP NOP SACK-perm                   (32)
 *   macOS   MSS | NOP WS | NOP NOP TS | TSval | TSecr | SACK-perm EOL (44)
 */
static __always_inline int syn_opts_known(struct synx_syn *s, __u32 thlen)
{
	__u32 w0 = syn_opt_word(s, 0), w1 = syn_opt_word(s, 1), w2;

	if ((w0 & OPTW_MASK_HI) != OPTW_MSS)
		return 0;
	s->mss = w0 & 0xffff;
	s->seen = SYN_SEEN_MSS;
	switch (thlen) {
	case 40:
		if (w1 != OPTW_SACK_TS || (syn_opt_word(s, 4) & OPTW_MASK_LO8) != OPTW_NOP_WS)
			return 0;
		s->tsval = *(const __be32 *)&s->hdr[sizeof(struct tcphdr) + 8];
		s->tsecr = *(const __be32 *)&s->hdr[sizeof(struct tcphdr) + 12];
		s->wscale = syn_opt_word(s, 4) & 0xff;
		s->seen |= SYN_SEEN_SACK | SYN_SEEN_TS | SYN_SEEN_WS;
		return 1;
	case 32:
		w2 = syn_opt_word(s, 2);
		if ((w1 & OPTW_MASK_LO8) == OPTW_NOP_WS && w2 == OPTW_NOPS_SACK)
			s->wscale = w1 & 0xff;
		else if (w1 == OPTW_NOPS_SACK && (w2 & OPTW_MASK_LO8) == OPTW_NOP_WS)
			s->wscale = w2 & 0xff;
		else
			return 0;
		s->seen |= SYN_SEEN_SACK | SYN_SEEN_WS;
		return 1;
	case 44:
		if ((w1 & OPTW_MASK_LO8) != OPTW_NOP_WS || syn_opt_word(s, 2) != OPTW_NOPS_TS ||
		    syn_opt_word(s, 5) != OPTW_SACK_EOL)
			return 0;
		s->wscale = w1 & 0xff;
		s->tsval = *(const __be32 *)&s->hdr[sizeof(struct tcphdr) + 12];
		s->tsecr = *(const __be32 *)&s->hdr[sizeof(struct tcphdr) + 16];
		s->seen |= SYN_SEEN_SACK | SYN_SEEN_TS | SYN_SEEN_WS;
		return 1;
	}
	return 0;
}

/*
 * Walk the options of the TCP header already copied to @s->hdr (@thlen
 * bytes).  Returns 0, or the SYNX_R_DROP_OPT_* reason of the first fault.
 */
static __always_inline __u32 tcp_walk_options(struct synx_syn *s, __u32 thlen)
{
	struct syn_walk walk = { .s = s };

	/* Reused per CPU: reset everything the walk accumulates. */
	s->tsval = 0;
	s->tsecr = 0;
	s->wscale = 0;
	s->reason = 0;
	if (syn_opts_known(s, thlen))
		return 0;
	s->off = sizeof(struct tcphdr);
	s->end = thlen;
	s->tsval = 0;
	s->tsecr = 0;
	s->mss = 0;
	s->wscale = 0;
	s->seen = 0;
	bpf_loop(TCP_OPT_MAX, syn_opt_step, &walk, 0);
	return s->reason;
}

/*
 * Copy the SYN's TCP header to @s and walk its options.  Returns SYNX_NEXT,
 * a DROP_OPT_* verdict, or PASS_ERROR when the copy fails.
 */
static __always_inline struct synx_verdict syn_parse_options(struct xdp_md *ctx, __u32 l4_off,
							     __u64 thlen, struct synx_syn *s)
{
	if (thlen < sizeof(struct tcphdr) || thlen > TCP_HDR_MAX ||
	    bpf_xdp_load_bytes(ctx, l4_off, s->hdr, thlen))
		return SYNX_PASS(ERROR);
	switch (tcp_walk_options(s, thlen)) {
	case SYNX_R_DROP_OPT_LEN:
		return SYNX_DROP(OPT_LEN);
	case SYNX_R_DROP_OPT_OVERRUN:
		return SYNX_DROP(OPT_OVERRUN);
	case SYNX_R_DROP_OPT_FIXED_LEN:
		return SYNX_DROP(OPT_FIXED_LEN);
	}
	return SYNX_NEXT;
}

#endif /* SYNX_BPF_TCP_OPTS_H */
