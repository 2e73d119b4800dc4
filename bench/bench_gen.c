// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_gen: the traffic generator (bench_gen.bpf.c), BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES: every run sends one frame out of DEV (XDP_TX).
 *
 *   bench_gen [-v] DEV --kind syn4|syn6|ack4|ack6 --frame HEX --count N --secs S
 *             [--rate PPS] [--batch B] [--cpu C] [--watch ROLE=PID[,ROLE=PID...]]
 *
 * The frame is the kind's template with every randomised field zero and its
 * checksums computed that way (bench/templates.py builds it).  Every load is
 * bounded twice, by a count and by seconds.  Prints "key value" lines: frames
 * sent, elapsed ns, per-CPU busy ns, this thread's CPU time and that of
 * every watched thread (ROLE=PID: the DUT's NAPI thread, ksoftirqd).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bench_lib.h"
#include "bench.h"
#include "testrun.h"
#include "bench/bench_gen.skel.h"

#define WATCH_MAX 16
#define CPU_MAX 64

static const char usage[] =
	"usage: bench_gen [-v] DEV --kind syn4|syn6|ack4|ack6 --frame HEX --count N --secs S "
	"[--rate PPS] [--batch B] [--cpu C] [--watch ROLE=PID,...]";

static const struct {
	const char *name;
	size_t len;
} kinds[__BENCH_KIND_MAX] = {
	[BENCH_SYN4] = { "syn4", BENCH_SYN4_LEN },
	[BENCH_SYN6] = { "syn6", BENCH_SYN6_LEN },
	[BENCH_ACK4] = { "ack4", BENCH_ACK4_LEN },
	[BENCH_ACK6] = { "ack6", BENCH_ACK6_LEN },
};

/* Busy jiffies per CPU (user+nice+system+irq+softirq+steal) from /proc/stat. */
static int cpu_busy(unsigned long long *busy, int max)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned long long u, ni, sy, id, io, irq, sirq, st;
		int cpu;

		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &u, &ni,
			   &sy, &id, &io, &irq, &sirq, &st) == 9 &&
		    cpu == n)
			busy[n++] = u + ni + sy + irq + sirq + st;
	}
	fclose(f);
	return n;
}

/* CPU time a thread has run, in ns (/proc/PID/schedstat, field 1); 0 if gone. */
static unsigned long long runtime_ns(const char *pid)
{
	char path[64];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/schedstat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

struct watch {
	char *role[WATCH_MAX], *pid[WATCH_MAX];
	unsigned long long t0[WATCH_MAX];
	int n;
};

/* ROLE=PID,...: threads whose CPU time to report. */
static void parse_watch(struct watch *w, char *arg)
{
	char *tok, *save;

	for (tok = strtok_r(arg, ",", &save); tok && w->n < WATCH_MAX;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || !eq[1])
			continue;
		*eq = 0;
		w->role[w->n] = tok;
		w->pid[w->n++] = eq + 1;
	}
}

static int kind_of(const char *s)
{
	for (int k = 0; k < __BENCH_KIND_MAX; k++)
		if (!strcmp(s, kinds[k].name))
			return k;
	die("unknown kind %s", s);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "frame", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "secs", required_argument, NULL, 't' },
		{ "rate", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'b' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "watch", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long count = 0, rate = 0, sent = 0, busy0[CPU_MAX], busy1[CPU_MAX], self0;
	__u8 frame[BENCH_TMPL_WORDS * 8] = {};
	const char *hex = NULL;
	int kind = -1, batch = 64, cpu = -1, c, ncpu, ifindex;
	long hz = sysconf(_SC_CLK_TCK);
	struct watch w = {};
	double secs = 0;
	__u64 t0, t1, deadline;
	struct bench_gen *g;
	size_t len;

	bench_init("bench_gen");
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			bench_verbose = 1;
			break;
		case 'k':
			kind = kind_of(optarg);
			break;
		case 'f':
			hex = optarg;
			break;
		case 'n':
			count = opt_uint("--count", optarg, 1, 1000000000ULL);
			break;
		case 't':
			secs = opt_secs("--secs", optarg, 60);
			break;
		case 'r':
			rate = opt_uint("--rate", optarg, 0, 100000000ULL);
			break;
		case 'b':
			batch = opt_uint("--batch", optarg, 1, 256);
			break;
		case 'c':
			cpu = opt_uint("--cpu", optarg, 0, CPU_MAX - 1);
			break;
		case 'w':
			parse_watch(&w, optarg);
			break;
		default:
			die("%s", usage);
		}
	}
	if (optind + 1 != argc || kind < 0 || !hex || !count || !secs)
		die("%s", usage);
	ifindex = ifindex_of(argv[optind]);
	if (tr_hex_decode(hex, frame, sizeof(frame), &len) || len != kinds[kind].len)
		die("--frame: not a %zu-byte %s template", kinds[kind].len, kinds[kind].name);
	if (cpu >= 0)
		pin_cpu(cpu);

	g = bench_gen__open();
	if (!g)
		die("open generator: %s", strerror(errno));
	g->rodata->kind = kind;
	g->rodata->gap_ns = rate ? 1000000000ULL / rate : 0;
	memcpy((void *)g->rodata->tmpl, frame, sizeof(frame));
	if (bench_gen__load(g))
		die("load generator");

	ncpu = cpu_busy(busy0, CPU_MAX);
	for (int i = 0; i < w.n; i++)
		w.t0[i] = runtime_ns(w.pid[i]);
	self0 = runtime_ns("thread-self");
	t0 = now_ns();
	deadline = t0 + (__u64)(secs * 1e9);
	/*
	 * Chunks of ~20 ms (or 64k frames at full speed), so that both bounds
	 * are checked often; the per-call setup (~0.4 ms) is amortised.
	 */
	while (sent < count && now_ns() < deadline) {
		unsigned long long chunk = rate ? (rate / 50 ? rate / 50 : 1) : 65536;
		struct xdp_md ctx_in = { .data_end = len, .ingress_ifindex = ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = frame, .data_size_in = len,
			    .ctx_in = &ctx_in, .ctx_size_in = sizeof(ctx_in),
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = batch);
		int err;

		if (chunk > count - sent)
			chunk = count - sent;
		topts.repeat = chunk;
		err = bpf_prog_test_run_opts(bpf_program__fd(g->progs.bench_gen), &topts);
		if (err)
			die("test_run live frames: %s", strerror(-err));
		sent += chunk;
	}
	t1 = now_ns();
	/*
	 * Our own thread's CPU time: in closed mode the DUT's NAPI work runs in
	 * softirq context on it, so this (plus ksoftirqd) is the one core's
	 * work without whatever else the machine ran meanwhile.
	 */
	printf("self_runtime_ns %llu\n", runtime_ns("thread-self") - self0);
	for (int i = 0; i < w.n; i++)
		printf("runtime_ns.%s.%s %llu\n", w.role[i], w.pid[i],
		       runtime_ns(w.pid[i]) - w.t0[i]);
	cpu_busy(busy1, CPU_MAX);
	printf("sent %llu\nelapsed_ns %llu\n", sent, (unsigned long long)(t1 - t0));
	for (int i = 0; i < ncpu; i++)
		printf("cpu%d_busy_ns %llu\n", i, (busy1[i] - busy0[i]) * (1000000000ULL / hz));
	bench_gen__destroy(g);
	return 0;
}
