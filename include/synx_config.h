/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Runtime configuration shared by the XDP program and the loader.
 *
 * Held in single-entry array maps pinned by name, so that `synx config`
 * changes a running program in place.  An all-zero entry (what a plain
 * `ip link set dev IF xdp obj synx.bpf.o` leaves) means "built-in defaults":
 * the program only trusts the entry once `version` is SYNX_CONFIG_VERSION.
 * Fixed-width fields, explicit padding, size checked on both sides.
 */
#ifndef SYNX_CONFIG_H
#define SYNX_CONFIG_H

#include <linux/types.h>
#include "synx_cookie.h"

#define SYNX_CONFIG_VERSION 2

/*
 * synx_config.flags.  The program reads the server's TCP settings from the
 * running kernel at packet time (bpf/kstate.h); the SACK/WSCALE/ECN/
 * TIMESTAMPS/TS_COOKIES bits, which the loader derives from the sysctls at
 * attach time, are only the fallback for a kernel whose BTF lacks them.
 */
#define SYNX_F_ALL_PORTS (1U << 0)  /* protect every port; ignore synx_ports */
#define SYNX_F_TS_COOKIES (1U << 1) /* fallback: tcp_timestamps=2 (options in TSval) */
#define SYNX_F_SACK (1U << 2)       /* fallback: net.ipv4.tcp_sack=1 */
#define SYNX_F_WSCALE (1U << 3)     /* fallback: net.ipv4.tcp_window_scaling=1 */
#define SYNX_F_ECN (1U << 4)        /* fallback: net.ipv4.tcp_ecn != 0 */
#define SYNX_F_TIMESTAMPS (1U << 5) /* fallback: net.ipv4.tcp_timestamps >= 1 */
/*
 * Monitor only: every decision is made and counted as usual, under the
 * verdict and reason synx would have given, but every packet passes
 * untouched (no SYN-ACK, no drop, no metadata, no kernel cookie asked for).
 */
#define SYNX_F_MONITOR (1U << 6)
/*
 * Drop, rather than pass to the kernel, SYNs to a listener that carry IPv4
 * options or an IPv6 hop-by-hop, destination-options or routing header
 * (drop_ip_options).  Few clients send them (IPv6 IOAM or PDM options,
 * Mobile IPv6 home addresses); passed, they reach the kernel's own SYN
 * handling, which answers a flood of them far slower.
 */
#define SYNX_F_DROP_IP_OPTIONS (1U << 7)
/*
 * Gateway mode: SYNs this host forwards to a destination in synx_gateway,
 * to a protected port, are answered in the destination's name with the
 * kernel's raw cookie; a valid handshake ACK goes on to netfilter's
 * SYNPROXY, which connects to the backend (bpf/gateway.h).
 */
#define SYNX_F_GATEWAY (1U << 8)
/*
 * Stateless edge (with SYNX_F_GATEWAY): those SYNs are answered with an own
 * cookie of the shared key instead, and every other segment to them is
 * forwarded untouched: the backend, running synx in local own-cookie mode
 * with the same key, checks the handshake ACK and completes the connection.
 * No SYNPROXY, no conntrack, nothing per connection on the edge.
 */
#define SYNX_F_EDGE (1U << 9)

/* What to do with a SYN or ACK to a protected port that no socket owns. */
enum synx_no_listener {
	SYNX_NOLISTEN_PASS = 0, /* let the kernel answer with RST (RFC 9293 3.10.7.1) */
	SYNX_NOLISTEN_DROP = 1, /* stay silent: no RST backscatter during floods */
};

/* Where the cookie comes from, and who completes the connection. */
enum synx_cookie_mode {
	/* The listener's own cookie; the kernel checks the ACK (any kernel, ip link). */
	SYNX_COOKIE_KERNEL = 0,
	/*
	 * synx's keyed cookie carrying MSS/WS/SACK/ECN itself; the XDP program
	 * checks the ACK and the tc program synx_tc hands the kernel a request
	 * socket (bpf_sk_assign_tcp_reqsk, Linux 6.9+).  Needs synx_keys.
	 */
	SYNX_COOKIE_OWN = 1,
};

struct synx_config {
	__u32 version;    /* SYNX_CONFIG_VERSION, or 0 for built-in defaults */
	__u32 flags;      /* SYNX_F_* */
	__u16 mss4;       /* MSS we advertise over IPv4; 0 = as the kernel (device MTU) */
	__u16 mss6;       /* MSS we advertise over IPv6; 0 = as the kernel (device MTU) */
	__u8 ttl;         /* IPv4 TTL of our SYN-ACKs; 0 = as the kernel */
	__u8 hop_limit;   /* IPv6 hop limit of our SYN-ACKs; 0 = as the kernel */
	__u8 wscale;      /* fallback: our window shift when the listener cannot be read */
	__u8 no_listener; /* enum synx_no_listener */
	__u8 cookie_mode; /* enum synx_cookie_mode */
	__u8 pad[3];
	__u32 rmem_max; /* net.core.rmem_max (BPF cannot read it); 0 = SYNX_RMEM_MAX_ASSUMED */
	/*
	 * Reflection budget: SYN-ACKs per second in all and per source prefix
	 * (the first prefix4/prefix6 bits of the SYN's source); 0 = no limit.
	 * Totals for the device: the program gives each of the ncpus CPUs an
	 * equal share (bpf/budget.h).
	 */
	__u32 synack_limit;
	__u32 synack_prefix_limit;
	__u8 prefix4; /* 1-32; 0 = SYNX_DEFAULT_PREFIX4 */
	__u8 prefix6; /* 1-128; 0 = SYNX_DEFAULT_PREFIX6 */
	__u16 ncpus;  /* possible CPUs, as the loader counted them; 0 = 1 */
};

/* Built-in defaults (a plain `ip link` attach): every port, options read live. */
#define SYNX_DEFAULT_FLAGS (SYNX_F_ALL_PORTS | SYNX_F_SACK | SYNX_F_WSCALE)
#define SYNX_DEFAULT_WSCALE 7 /* ilog2(tcp_rmem[2] = 6 MiB) - 15 */
/*
 * The kernel's default net.core.rmem_max on 64-bit (SK_RMEM_MAX).  A
 * larger real value can only raise the kernel's window shift, so assuming
 * this one errs towards advertising a smaller window, never a larger one.
 */
#define SYNX_RMEM_MAX_ASSUMED 212992
#define SYNX_DEFAULT_PREFIX4 24
#define SYNX_DEFAULT_PREFIX6 48

/* Protected destination ports, one bit each, used unless SYNX_F_ALL_PORTS. */
#define SYNX_PORT_WORDS (65536 / 64)
struct synx_ports {
	__u64 bits[SYNX_PORT_WORDS];
};

/*
 * Which clock counts own cookies' periods.  Each host's own boot clock by
 * default; hosts that share a key (a --key-file) and agree on TAI (NTP or
 * PTP sync, the same TAI offset) issue and accept each other's cookies on
 * the TAI clock.
 */
enum synx_cookie_clock {
	SYNX_CLOCK_BOOT = 0, /* CLOCK_MONOTONIC, as synx_now_ns() (bpf/clock.h) */
	SYNX_CLOCK_TAI = 1,  /* CLOCK_TAI, bpf_ktime_get_tai_ns() (Linux 6.1+) */
};

/*
 * On the TAI clock a cookie is checked against the period of "now + this":
 * a host whose clock is up to this much behind the issuer's still finds
 * the issuing period, and a cookie's life shrinks by at most twice this
 * (bpf/cookie_own.h).
 */
#define SYNX_CLOCK_SKEW_NS 2000000000ULL

/*
 * Gateway mode: map synx_gateway, a longest-prefix-match trie of the
 * protected destinations behind this host.  The key's data is the family
 * (4 or 6) then the address (IPv4 in its first 4 bytes), so one trie holds
 * both families: prefixlen = 8 + the address prefix length.
 */
struct synx_gw_key {
	__u32 prefixlen;
	__u8 family;
	__u8 addr[16];
	__u8 pad[3];
};

/* What the backends of a prefix take, as SYNPROXY must announce it for them. */
#define SYNX_GW_SACK (1U << 0)   /* SACK-permitted */
#define SYNX_GW_TS (1U << 1)     /* timestamps */
#define SYNX_GW_WSCALE (1U << 2) /* window scaling, with wscale */
#define SYNX_GW_ECN (1U << 3)    /* ECN */

struct synx_gw_backend {
	__u16 mss;   /* the backends' MSS, announced to the client */
	__u8 wscale; /* their window shift, with SYNX_GW_WSCALE */
	__u8 flags;  /* SYNX_GW_* */
};

#define SYNX_GW_MAX 1024 /* prefixes */

/*
 * Keys of synx's own cookies, map synx_keys[0], written by the loader
 * (from getrandom() or a key file); never in the object file.  Until
 * generation is non-zero the program does not trust the entry and behaves
 * as in SYNX_COOKIE_KERNEL.  The *_ns times are the program's clock
 * (CLOCK_MONOTONIC), whatever the cookie clock.
 */
struct synx_cookie_keys {
	__u64 cur[2];      /* SipHash-2-4 key for new cookies */
	__u64 prev[2];     /* the key before the last rotation, still checked */
	__u64 rotated_ns;  /* time of that rotation; 0: none */
	__u32 generation;  /* keys written so far: 1 after attach, +1 per rotation */
	__u8 period_shift; /* cookie clock period 2^shift ns; 0: SYNX_COOKIE_PERIOD_SHIFT */
	__u8 prev_shift;   /* the period shift before the last change of it */
	__u8 clock;        /* enum synx_cookie_clock */
	__u8 pad;
	__u64 shift_changed_ns; /* time of the last period change; 0: none */
	/*
	 * Kernel cookie mode after own cookies: own cookies issued before the
	 * switch are still checked (and handed to synx_tc) until this time;
	 * 0: never.  Own mode ignores it.
	 */
	__u64 own_until_ns;
	__s64 clock_offset_ns; /* added to the cookie clock: tests only (SYNX_TEST_CLOCK_OFFSET_MS) */
};

/*
 * What the program learned of the running kernel: map synx_state[0], not
 * pinned (a reload learns afresh), read by `synx status` through the
 * program's maps.
 */
struct synx_state {
	__u32 kernel;      /* SYNX_K_*: what this kernel's BTF lets the program read */
	__u8 addr_hash[2]; /* enum synx_addr_hash, [0] IPv4, [1] IPv6 address table */
	__u8 addr_miss[2]; /* SYNs whose address only the direct walk found, while learning */
};

#define SYNX_K_DEVICE (1U << 0)   /* ingress device: MAC, MTU, forwarding, addresses */
#define SYNX_K_SYSCTL (1U << 1)   /* the namespace's TCP sysctls */
#define SYNX_K_LISTENER (1U << 2) /* listener queues, receive buffer, window clamp */
#define SYNX_K_ADDR4 (1U << 3)    /* the namespace's IPv4 address table (Linux 6.13+) */
#define SYNX_K_ADDR6 (1U << 4)    /* the namespace's IPv6 address table */
#define SYNX_K_VALID (1U << 31)   /* set at the first well-formed SYN judged, any port */

/* Which bucket function the kernel's address table was found to use. */
enum synx_addr_hash {
	SYNX_ADDRH_UNKNOWN = 0, /* not learnt yet */
	SYNX_ADDRH_PLAIN = 1,   /* hash_32(addr) */
	SYNX_ADDRH_XOR = 2,     /* hash_32(addr ^ net_hash_mix) */
	SYNX_ADDRH_JHASH = 3,   /* hash_32(jhash(addr, net_hash_mix)) */
	SYNX_ADDRH_NONE = 0xff, /* none matched: only the ingress device and lo are walked */
};

/* Map names: the pin names under the bpffs directory. */
#define SYNX_MAP_CONFIG "synx_config"
#define SYNX_MAP_PORTS "synx_ports"
#define SYNX_MAP_COUNTERS "synx_counters"
#define SYNX_MAP_VERDICTS "synx_verdicts"
#define SYNX_MAP_KEYS "synx_keys"
#define SYNX_MAP_STATE "synx_state"
#define SYNX_MAP_GATEWAY "synx_gateway"

/*
 * Keep layouts fixed across compilers and the BPF target. _Static_assert is
 * C11, accepted by clang for BPF and by gcc for userspace.
 */
_Static_assert(sizeof(struct synx_config) == 36, "synx_config layout is ABI");
_Static_assert(sizeof(struct synx_state) == 8, "synx_state layout is ABI");
_Static_assert(sizeof(struct synx_ports) == 8192, "synx_ports layout is ABI");
_Static_assert(sizeof(struct synx_cookie_keys) == 72, "synx_cookie_keys layout is ABI");
_Static_assert(sizeof(struct synx_gw_key) == 24, "synx_gw_key layout is ABI");
_Static_assert(sizeof(struct synx_gw_backend) == 4, "synx_gw_backend layout is ABI");

#endif /* SYNX_CONFIG_H */
