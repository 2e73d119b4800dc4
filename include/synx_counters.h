/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The decision counters shared by the XDP program and userspace.
 *
 * Every packet the XDP program sees ends in exactly one reason below, and
 * the reason fixes the XDP verdict (the comment group it sits in).  The
 * numbers are ABI: counters live in pinned maps that outlive a program
 * reload, and scripts key on the names.  Append new reasons before
 * __SYNX_REASON_MAX; never renumber or reuse a retired one (rename it
 * SYNX_R_RETIRED_<n> instead, as Cilium does with drop reasons).
 */
#ifndef SYNX_COUNTERS_H
#define SYNX_COUNTERS_H

enum synx_reason {
	/* XDP_PASS: not ours to judge */
	SYNX_R_PASS_NON_IP = 0,        /* not IPv4/IPv6 (ARP, LLDP, ...) */
	SYNX_R_PASS_NON_TCP = 1,       /* IP, but not TCP */
	SYNX_R_PASS_VLAN_DEPTH = 2,    /* more VLAN tags than we parse */
	SYNX_R_PASS_IP6_EXT_DEPTH = 3, /* retired, never counted: long chains are dropped (55) */
	SYNX_R_PASS_FRAGMENT = 4,      /* IP fragment, sane offsets; kernel reassembles */
	SYNX_R_PASS_UNPROTECTED = 5,   /* well-formed TCP to a port we do not protect */
	/* XDP_PASS: protected port, handed to the local stack */
	SYNX_R_PASS_SOCKET = 6,      /* 4-tuple owned by an established/TW/request socket */
	SYNX_R_PASS_COOKIE_OK = 7,   /* handshake ACK carrying a valid kernel cookie */
	SYNX_R_PASS_SYN_KERNEL = 8,  /* kernel declined a cookie: its SYN queue has room */
	SYNX_R_PASS_NO_LISTENER = 9, /* no socket at all; the kernel answers with RST */
	SYNX_R_PASS_OTHER = 10,      /* RST, SYN-ACK, ... to a protected port */
	SYNX_R_PASS_SYN_SIGNED = 11, /* SYN with TCP-MD5/TCP-AO: only the kernel can sign */
	SYNX_R_PASS_ERROR = 12,      /* a helper failed; the kernel is the safe fallback */
	/* XDP_TX */
	SYNX_R_TX_SYNACK_COOKIE = 13, /* SYN answered with a SYN-cookie SYN-ACK */
	/* XDP_DROP: malformed (dropped before any other check) */
	SYNX_R_DROP_L2_TRUNC = 14,      /* Ethernet or VLAN header cut short */
	SYNX_R_DROP_IP4_TRUNC = 15,     /* shorter than a minimal IPv4 header */
	SYNX_R_DROP_IP4_VERSION = 16,   /* EtherType IPv4, version field not 4 */
	SYNX_R_DROP_IP4_IHL = 17,       /* IHL < 5, or options past the frame */
	SYNX_R_DROP_IP4_TOTLEN = 18,    /* total length < IHL*4 or beyond the frame */
	SYNX_R_DROP_IP6_TRUNC = 19,     /* shorter than an IPv6 header, or version not 6 */
	SYNX_R_DROP_IP6_PAYLEN = 20,    /* payload length beyond the frame */
	SYNX_R_DROP_IP6_EXT_TRUNC = 21, /* extension header runs past the payload */
	SYNX_R_DROP_FRAG_TINY = 22,     /* first fragment too short for the TCP header (RFC 1858) */
	SYNX_R_DROP_FRAG_OVERLAP = 23,  /* fragment offset inside the TCP header (RFC 1858/3128) */
	SYNX_R_DROP_FRAG_SYN = 24,      /* fragmented SYN: no stack fragments 40-120 bytes */
	SYNX_R_DROP_TCP_TRUNC = 25,     /* fewer than 20 bytes of TCP header */
	SYNX_R_DROP_TCP_DOFF = 26,      /* data offset < 5 or past the segment end */
	SYNX_R_DROP_PORT_ZERO = 27,     /* source or destination port 0 */
	SYNX_R_DROP_FLAGS_NONE = 28,    /* no flag at all (null scan) */
	SYNX_R_DROP_FLAGS_SYN_FIN = 29,
	SYNX_R_DROP_FLAGS_SYN_RST = 30,
	SYNX_R_DROP_FLAGS_FIN_RST = 31,
	SYNX_R_DROP_FLAGS_NO_ACK = 32,  /* FIN, PSH or URG without ACK (xmas/FIN scans) */
	SYNX_R_DROP_OPT_LEN = 33,       /* SYN option with length < 2 */
	SYNX_R_DROP_OPT_OVERRUN = 34,   /* SYN option running past the header */
	SYNX_R_DROP_OPT_FIXED_LEN = 35, /* MSS/WS/SACK-perm/TS with the wrong length */
	SYNX_R_DROP_MARTIAN_SRC4 = 36,  /* 0/8, 127/8, 224/4, 255.255.255.255 */
	SYNX_R_DROP_MARTIAN_SRC6 = 37,  /* ::, ::1, ff00::/8 */
	SYNX_R_DROP_LAND = 38,          /* source address == destination address */
	SYNX_R_DROP_IP4_CSUM = 39,      /* bad IPv4 header checksum on a SYN we would answer */
	SYNX_R_DROP_TCP_CSUM = 40,      /* bad TCP checksum on a SYN we would answer */
	/* XDP_DROP: policy */
	SYNX_R_DROP_COOKIE_INVALID = 41, /* ACK to a listener without a valid cookie */
	SYNX_R_DROP_NO_LISTENER = 42,    /* no socket, and the config says drop */
	/* XDP_DROP: cannot happen; counted so that it would be seen if it did */
	SYNX_R_DROP_INTERNAL = 43, /* SYN-ACK rewrite failed after the resize */
	/* XDP_PASS */
	SYNX_R_PASS_SYN_OVERSIZE = 44, /* SYN with more data than we checksum (jumbo TFO) */
	/* Own cookies (SYNX_COOKIE_OWN) */
	SYNX_R_TX_SYNACK_OWN = 45,      /* SYN answered with synx's own cookie */
	SYNX_R_PASS_OWN_COOKIE_OK = 46, /* ACK with a valid own cookie, handed to tc */
	SYNX_R_PASS_NO_META = 47,       /* valid own cookie, but the driver has no XDP metadata */
	/* Counted by the tc hand-off program, on top of the packet's XDP reason */
	SYNX_R_PASS_HANDOFF_FAILED = 48, /* bpf_sk_assign_tcp_reqsk() refused: kernel will RST */
	/* XDP_PASS: protected port, handed to the local stack */
	SYNX_R_PASS_COOKIE_FOLLOWUP = 49, /* segment right after a passed cookie ACK (followup.h) */
	/* XDP_PASS: not this host's to answer (the kernel's delivery decision, kstate.h) */
	SYNX_R_PASS_NOT_HOST = 50,  /* frame not addressed to the device's MAC */
	SYNX_R_PASS_NOT_LOCAL = 51, /* IP destination not a unicast address of this host */
	/* XDP_DROP: policy */
	SYNX_R_DROP_ACCEPT_FULL = 52, /* SYN to a listener whose accept queue is full */
	/* XDP_PASS */
	SYNX_R_PASS_IPSEC = 53, /* ESP, or a SYN behind AH: IPsec policy decides */
	/* XDP_DROP: malformed */
	SYNX_R_DROP_IP6_HBH_ORDER = 54, /* hop-by-hop options not right after the IPv6 header */
	SYNX_R_DROP_IP6_EXT_DEPTH = 55, /* more than SYNX_IP6_EXT_MAX extension headers */
	/* XDP_DROP: policy */
	SYNX_R_DROP_SYNACK_BUDGET = 56, /* SYN over the reflection budget (bpf/budget.h) */
	/* XDP_PASS / XDP_DROP: a SYN to a listener with IP options (--ip-options) */
	SYNX_R_PASS_IP_OPTIONS = 57, /* SYN with IPv4 options or IPv6 HBH/DST/routing header */
	SYNX_R_DROP_IP_OPTIONS = 58, /* the same, with --ip-options drop */
	/* Gateway mode (SYNX_F_GATEWAY): segments this host forwards */
	SYNX_R_TX_SYNACK_GATEWAY = 59,      /* SYN answered in a backend's name (raw cookie) */
	SYNX_R_PASS_GATEWAY_COOKIE_OK = 60, /* ACK with a valid cookie, on to SYNPROXY */
	SYNX_R_PASS_GATEWAY_CONNTRACK = 61, /* a connection conntrack has confirmed */
	SYNX_R_DROP_GATEWAY_INVALID = 62, /* no connection, no handshake ACK (conntrack: invalid) */
	SYNX_R_TX_SYNACK_EDGE = 63, /* SYN answered in a backend's name (own cookie, --edge) */
	__SYNX_REASON_MAX
};

/*
 * Pinned per-CPU arrays are sized with room to grow, so that appending a
 * reason does not make an existing pin incompatible.
 */
#define SYNX_REASON_SLOTS 64
#define SYNX_VERDICT_SLOTS 8 /* indexed by enum xdp_action */

struct synx_counter {
	__u64 packets;
	__u64 bytes;
};

#endif /* SYNX_COUNTERS_H */
