/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bench's peer: the XDP SYN proxy that ships with the kernel (its
 * selftests' xdp_synproxy, built at bench time from Debian's linux-source
 * package by bench/peer_build.sh; nothing of it lives in this repository).
 * Only its XDP program is loaded, and it is configured the way its own
 * userspace (xdp_synproxy.c) does it, through two array maps found by name:
 *
 *   values[0]         (mss6 << 32) | (ttl << 24) | (wscale << 16) | mss4
 *                     (0: the program's built-in defaults)
 *   values[1]         SYN-ACKs it sent (the program counts them)
 *   allowed_ports[i]  __u16 ports in host order, ended by a 0 (8 slots)
 *
 * Its userspace attaches first and fills the maps after; here the maps are
 * filled before the attach, so that no SYN meets an empty port list (which
 * the program answers with XDP_DROP).  Used by bench_peer (the lab) and
 * bench_micro (its rows).
 */
#ifndef SYNX_BENCH_PEER_H
#define SYNX_BENCH_PEER_H

#include <stddef.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#define PEER_PROG "syncookie_xdp"
#define PEER_PORTS_MAX 7 /* the eighth slot holds the terminating 0 */

struct peer_cfg {
	unsigned long mss4, mss6, wscale, ttl;
	__u16 ports[PEER_PORTS_MAX];
	int nports;
};

/* The selftest's settings (test_xdp_synproxy), port 80: what the lab and the micro use. */
#define PEER_CFG_DEFAULT                                           \
	{                                                          \
		.mss4 = 1460, .mss6 = 1440, .wscale = 7, .ttl = 64 \
	}

/* Open and load the peer's object, its XDP program only; @log gets the verifier's statistics. */
struct bpf_object *peer_load(const char *path, char *log, size_t log_len);
/* Write @c into the loaded object's values and allowed_ports maps. */
void peer_configure(struct bpf_object *obj, const struct peer_cfg *c);
/* The fd of the loaded XDP program. */
int peer_prog_fd(struct bpf_object *obj);
/* Parse one of --ports P[,P] --mss4 --mss6 --wscale --ttl into @c (xdp_synproxy's bounds). */
int peer_opt(struct peer_cfg *c, const char *opt, const char *val);
/* The SYN-ACK counter, values[1], of the values map @values_fd. */
__u64 peer_synacks(int values_fd);

#endif /* SYNX_BENCH_PEER_H */
