/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the benchmark's BPF programs and its userspace tool share: the
 * generator's template layout and the sink's counter slots.  Nothing of the
 * product: synx's own layouts come from include/.
 */
#ifndef SYNX_BENCH_H
#define SYNX_BENCH_H

/* Generator frame kinds; each has a fixed frame length (see bench_gen.bpf.c). */
enum bench_kind {
	BENCH_SYN4 = 0, /* Eth + IPv4 + TCP with Linux SYN options: 74 bytes */
	BENCH_SYN6 = 1, /* Eth + IPv6 + TCP with Linux SYN options: 94 bytes */
	BENCH_ACK4 = 2, /* Eth + IPv4 + TCP ACK with a timestamp: 66 bytes */
	BENCH_ACK6 = 3, /* Eth + IPv6 + TCP ACK with a timestamp: 86 bytes */
	__BENCH_KIND_MAX
};

#define BENCH_SYN4_LEN 74
#define BENCH_SYN6_LEN 94
#define BENCH_ACK4_LEN 66
#define BENCH_ACK6_LEN 86
#define BENCH_TMPL_WORDS 16 /* 128 bytes of template, as u64 */

/*
 * Spoofed sources: the template carries 198.18.0.0 (IPv4) or fd00:0:0:1::
 * (IPv6) with zero low bits, zero source port, zero seq/ack; the generator
 * adds random low bits and fixes both checksums incrementally from zero.
 * Low 15 bits of IPv4 with the top bit of the third octet set: 198.18.128.0/17.
 */
#define BENCH_SPOOF4_NET 0xc6128000U /* 198.18.128.0 */
#define BENCH_SPOOF4_MASK 0xffff8000U

/* Sink counter slots (per-CPU array "sink_stats"). */
enum sink_slot {
	SINK_RX = 0,       /* every frame the sink saw */
	SINK_SYNACK4,      /* SYN|ACK over IPv4 */
	SINK_SYNACK6,      /* SYN|ACK over IPv6 */
	SINK_RST,          /* RST (the kernel's answer to bad ACKs) */
	SINK_OTHER,        /* anything else */
	SINK_CSUM_CHECKED, /* replies whose checksums were verified (sampled) */
	SINK_CSUM_OK,      /* IP and TCP checksums both valid */
	SINK_CSUM_PARTIAL, /* TCP checksum field holds the pseudo-header sum (CHECKSUM_PARTIAL) */
	SINK_CSUM_BAD,     /* neither: a broken reply */
	SINK_PASSED,       /* not for a spoofed address: handed to the stack (real clients) */
	__SINK_SLOT_MAX
};

#endif /* SYNX_BENCH_H */
