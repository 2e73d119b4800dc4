/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the bench's userspace tools share (one tool per file: bench_gen.c,
 * bench_sink.c, bench_bounds.c, bench_peer.c, bench_serve.c,
 * bench_clients.c, bench_micro.c, bench_probe.c): the error exit, option
 * values with their bounds, the clock, XDP attachment by device name, the
 * maps of an attached program and listening sockets.  Running the synx
 * object itself (test runs, counters, hex frames, checksums) is the tests'
 * library, tests/tools/testrun.h.
 */
#ifndef SYNX_BENCH_LIB_H
#define SYNX_BENCH_LIB_H

#include <sys/socket.h>
#include <linux/types.h>

/* Set by -v: libbpf's debug log too. */
extern int bench_verbose;

/* libbpf's log behind -v, stdout line-buffered (run.sh reads it); @tool prefixes errors. */
void bench_init(const char *tool);

/* Print "TOOL: MESSAGE" to stderr and exit 1. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* The value of option @opt as an integer in [@min, @max], or die naming it. */
unsigned long long opt_uint(const char *opt, const char *val, unsigned long long min,
			    unsigned long long max);
/* A duration in seconds, 0 < s <= @max: every load is bounded. */
double opt_secs(const char *opt, const char *val, double max);

/* CLOCK_MONOTONIC in ns. */
__u64 now_ns(void);

int ifindex_of(const char *dev);
void pin_cpu(int cpu);

/*
 * Attach @prog_fd to @dev in native mode through netlink (not a bpf_link:
 * the attachment outlives the tool); @what names it in errors.
 */
void xdp_attach(const char *dev, int prog_fd, const char *what);
/* Remove whatever native XDP program @dev has. */
void xdp_detach(const char *dev);
/* A new fd of the map called @name of the XDP program attached to @dev, or -1. */
int xdp_map_of(const char *dev, const char *name);

/* A non-blocking TCP listener on @port of every address of @family (IPv6: v6 only). */
int listen_on(int family, int port);
/* @addr (IPv4 or IPv6 text) and @port as a socket address; dies on a bad address. */
void sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss, socklen_t *len);

#endif /* SYNX_BENCH_LIB_H */
