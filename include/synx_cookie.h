/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Own cookies: the contract between the XDP program that issues and checks
 * them, the tc program that completes the connection, and the tests that
 * predict them.  bpf/cookie_own.h holds the code and the forgery argument.
 *
 * Layout of the 32-bit ISN (bit 31 first):
 *
 *   31 ........................... 10 | 9 | 8  6 | 5   2 | 1 | 0
 *   MAC: top 22 bits of SipHash-2-4  | T | MSS  | WS    | S | E
 *
 *   MAC  SipHash-2-4(key, saddr, daddr, sport, dport, client ISN, count,
 *        family, low 10 bits of the cookie);
 *   T    low bit of count, the cookie clock;
 *   MSS  index into the family's table below;
 *   WS   the client's window shift, SYNX_OWN_WS_NONE when it offered none;
 *   S, E SACK-permitted, ECN.
 */
#ifndef SYNX_COOKIE_H
#define SYNX_COOKIE_H

#include <linux/types.h>

#define SYNX_OWN_MAC_BITS 22
#define SYNX_OWN_T_SHIFT 9
#define SYNX_OWN_MSS_SHIFT 6
#define SYNX_OWN_WS_SHIFT 2
#define SYNX_OWN_SACK (1U << 1)
#define SYNX_OWN_ECN (1U << 0)
#define SYNX_OWN_WS_NONE 0xf
#define SYNX_OWN_META_MASK 0x3ffU /* the low 10 bits: T, MSS, WS, S, E */

/*
 * MSS tables, index -> value, ascending: common path MSS values (minimum,
 * tunnels and VPNs, PPPoE, Ethernet, jumbo).  X-macros, so that the BPF
 * side can expand them into a switch (clang 14 puts small const arrays in
 * .rodata.cst* sections that libbpf 1.1 cannot open) and userspace into
 * arrays; the tests read the same lines.
 */
#define SYNX_OWN_MSS4(X)                 \
	X(0, 536) /* RFC 9293 default */ \
	X(1, 1200)                       \
	X(2, 1300)                       \
	X(3, 1380)                       \
	X(4, 1400)                       \
	X(5, 1440)                       \
	X(6, 1452) /* PPPoE */           \
	X(7, 1460) /* Ethernet */

#define SYNX_OWN_MSS6(X)                       \
	X(0, 1220) /* IPv6 minimum MTU 1280 */ \
	X(1, 1280)                             \
	X(2, 1340)                             \
	X(3, 1380)                             \
	X(4, 1420) /* 6in4 */                  \
	X(5, 1432) /* PPPoE */                 \
	X(6, 1440) /* Ethernet */              \
	X(7, 8940) /* jumbo */

#define SYNX_OWN_MSS_ENTRIES 8

/* The clock period: 2^shift ns; 2^36 ns = 68.7 s, a cookie lives 1-2 periods. */
#define SYNX_COOKIE_PERIOD_SHIFT 36

/*
 * XDP -> tc: "this ACK carried a valid own cookie, and this is what it
 * said".  In the metadata area in front of the frame, so established
 * traffic, which carries none, costs the tc program one comparison.
 */
#define SYNX_META_MAGIC 0x53594e58U /* "SYNX" */

struct synx_meta {
	__u32 magic;  /* SYNX_META_MAGIC */
	__u16 mss;    /* from the MSS table: what the client can take */
	__u8 wscale;  /* the client's shift, SYNX_OWN_WS_NONE if not offered */
	__u8 flags;   /* SYNX_OWN_SACK | SYNX_OWN_ECN */
	__u16 l4_off; /* where XDP found the TCP header ... */
	__u8 l3_off;  /* ... and the IP header, from the frame start */
	__u8 ipv6;    /* 1 for IPv6 */
};

/*
 * XDP -> tc, gateway mode: "this IPv6 handshake ACK's TCP checksum is
 * verified".  nf_ip6_checksum() fails on such an ACK in the forward hook
 * when the skb carries no checksum state (CHECKSUM_NONE), so SYNPROXY
 * would drop it; synx_tc marks it CHECKSUM_UNNECESSARY instead.  Only the
 * magic is meaningful.
 */
#define SYNX_META_GW_MAGIC 0x53594e47U /* "SYNG" */

/* XDP metadata comes in 4-byte units, 32 bytes at most. */
_Static_assert(sizeof(struct synx_meta) == 12, "synx_meta layout is ABI");

#endif /* SYNX_COOKIE_H */
