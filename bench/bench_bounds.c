// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_bounds: the XDP programs of bench_bounds.bpf.c on a lab device.
 *
 *   bench_bounds [-v] attach DEV reflect|drop|lookup|pass
 *                          reflect-only and drop-only bounds, both after a socket
 *                          lookup (lookup), or the pass-through
 *                          that keeps veth's NAPI running for the kernel-alone and
 *                          nftables scenarios (native mode)
 *   bench_bounds detach DEV
 *                          remove whatever XDP program DEV has
 */
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "bench_lib.h"
#include "bench/bench_bounds.skel.h"

static const char usage[] =
	"usage: bench_bounds [-v] attach DEV reflect|drop|lookup|pass | detach DEV";

int main(int argc, char **argv)
{
	struct bench_bounds *b;
	struct bpf_program *prog;

	bench_init("bench_bounds");
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		bench_verbose = 1;
		argc--, argv++;
	}
	if (argc == 3 && !strcmp(argv[1], "detach")) {
		xdp_detach(argv[2]);
		return 0;
	}
	if (argc != 4 || strcmp(argv[1], "attach"))
		die("%s", usage);
	b = bench_bounds__open_and_load();
	if (!b)
		die("load bounds: %s", strerror(errno));
	if (!strcmp(argv[3], "reflect"))
		prog = b->progs.bench_reflect;
	else if (!strcmp(argv[3], "drop"))
		prog = b->progs.bench_drop;
	else if (!strcmp(argv[3], "lookup"))
		prog = b->progs.bench_lookup;
	else if (!strcmp(argv[3], "pass"))
		prog = b->progs.bench_pass;
	else
		die("%s", usage);
	xdp_attach(argv[2], bpf_program__fd(prog), argv[3]);
	return 0;
}
