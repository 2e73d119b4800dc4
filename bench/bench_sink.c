// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_sink: the generator end's XDP program (bench_sink.bpf.c).
 *
 *   bench_sink [-v] attach DEV [--csum-every N]
 *                          attach it (native mode), verifying one reply in N
 *   bench_sink stats DEV   its counters, "name value" lines summed over CPUs
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bench_lib.h"
#include "bench.h"
#include "bench/bench_sink.skel.h"

static const char usage[] = "usage: bench_sink [-v] attach DEV [--csum-every N] | stats DEV";

static const char *const sink_names[__SINK_SLOT_MAX] = {
	[SINK_RX] = "rx",
	[SINK_SYNACK4] = "synack4",
	[SINK_SYNACK6] = "synack6",
	[SINK_RST] = "rst",
	[SINK_OTHER] = "other",
	[SINK_CSUM_CHECKED] = "csum_checked",
	[SINK_CSUM_OK] = "csum_ok",
	[SINK_CSUM_PARTIAL] = "csum_partial",
	[SINK_CSUM_BAD] = "csum_bad",
	[SINK_PASSED] = "passed",
};

static int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csum-every", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long every = 1;
	struct bench_sink *s;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'c')
			die("%s", usage);
		every = opt_uint("--csum-every", optarg, 1, 1 << 20);
	}
	if (optind + 1 != argc)
		die("%s", usage);
	s = bench_sink__open();
	if (!s)
		die("open sink: %s", strerror(errno));
	s->rodata->csum_every = every;
	if (bench_sink__load(s))
		die("load sink");
	xdp_attach(argv[optind], bpf_program__fd(s->progs.bench_sink), "sink");
	return 0;
}

/* The sink's map, found through the program attached to DEV. */
static int cmd_stats(const char *dev)
{
	int ncpus = libbpf_num_possible_cpus(), map_fd = xdp_map_of(dev, "sink_stats");

	if (map_fd < 0)
		die("the program on %s is not bench_sink", dev);
	for (__u32 k = 0; k < __SINK_SLOT_MAX; k++) {
		__u64 v[ncpus], sum = 0;

		if (bpf_map_lookup_elem(map_fd, &k, v))
			die("lookup: %s", strerror(errno));
		for (int c = 0; c < ncpus; c++)
			sum += v[c];
		printf("%s %llu\n", sink_names[k], (unsigned long long)sum);
	}
	return 0;
}

int main(int argc, char **argv)
{
	bench_init("bench_sink");
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		bench_verbose = 1;
		argc--, argv++;
	}
	if (argc >= 3 && !strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (argc == 3 && !strcmp(argv[1], "stats"))
		return cmd_stats(argv[2]);
	die("%s", usage);
}
