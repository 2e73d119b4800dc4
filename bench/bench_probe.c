// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_probe: may a tracing (fentry) or extension (freplace) program
 * target synx_xdp on this machine?  Loads bench_probe.bpf.c's programs
 * against a loaded synx (nothing pinned, nothing attached) and prints one
 * line with each verdict, for the report's "Profiling on this machine".
 *
 *   bench_probe [-v]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "bench_lib.h"
#include "testrun.h"
/* The skeleton names struct synx_config (rodata defaults): define it first. */
#include "synx_config.h"
#include "synx.skel.h"
#include "bench/bench_probe.skel.h"

static const char *probe_one(int synx_fd, int fentry)
{
	static char msg[128];
	struct bench_probe *p = bench_probe__open();
	int err;

	if (!p)
		return "cannot open the probe object";
	bpf_program__set_autoload(p->progs.probe_fentry, fentry);
	bpf_program__set_autoload(p->progs.probe_freplace, !fentry);
	err = bpf_program__set_attach_target(fentry ? p->progs.probe_fentry
						    : p->progs.probe_freplace,
					     synx_fd, "synx_xdp");
	if (!err)
		err = bench_probe__load(p);
	snprintf(msg, sizeof(msg), "%s", err ? strerror(-err) : "allowed");
	bench_probe__destroy(p);
	return msg;
}

int main(int argc, char **argv)
{
	struct synx *s;
	int fd;

	bench_init("bench_probe");
	if (argc > 1 && !strcmp(argv[1], "-v"))
		bench_verbose = 1;
	s = synx__open();
	if (!s || tr_unpin_maps(s->obj) || synx__load(s))
		die("load synx: %s", strerror(errno));
	libbpf_set_print(NULL); /* the expected refusals are not errors here */
	fd = bpf_program__fd(s->progs.synx_xdp);
	printf("fentry on synx_xdp: %s; ", probe_one(fd, 1));
	printf("freplace of synx_xdp: %s\n", probe_one(fd, 0));
	synx__destroy(s);
	return 0;
}
