// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_peer: the bench's peer, the kernel's xdp_synproxy (peer.h), in the lab.
 *
 *   bench_peer [-v] attach DEV --obj FILE --ports P[,P] [--mss4 N] [--mss6 N]
 *                   [--wscale N] [--ttl N]
 *                          load, configure as its userspace does, attach (native)
 *   bench_peer stats DEV   "synacks N": SYN-ACKs the peer attached to DEV has sent
 *   bench_peer check OBJ   load the object once; print the verifier's statistics
 *   bench_peer detach DEV  remove whatever XDP program DEV has
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "bench_lib.h"
#include "peer.h"

static const char usage[] =
	"usage: bench_peer [-v] attach DEV --obj FILE --ports P[,P] [--mss4 N] [--mss6 N] "
	"[--wscale N] [--ttl N]\n"
	"       bench_peer [-v] stats DEV | check OBJ | detach DEV";

static int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "obj", required_argument, NULL, 'o' },
		{ "ports", required_argument, NULL, 'p' },
		{ "mss4", required_argument, NULL, 'm' },
		{ "mss6", required_argument, NULL, 'm' },
		{ "wscale", required_argument, NULL, 'm' },
		{ "ttl", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct peer_cfg pc = PEER_CFG_DEFAULT;
	const char *obj_path = NULL;
	struct bpf_object *obj;
	int c, idx;

	while ((c = getopt_long(argc, argv, "", opts, &idx)) != -1) {
		if (c == 'o')
			obj_path = optarg;
		else if (c == 'p' || c == 'm')
			peer_opt(&pc, opts[idx].name, optarg);
		else
			die("%s", usage);
	}
	if (optind + 1 != argc || !obj_path || !pc.nports)
		die("%s", usage);
	obj = peer_load(obj_path, NULL, 0);
	peer_configure(obj, &pc);
	xdp_attach(argv[optind], peer_prog_fd(obj), "the peer");
	return 0;
}

static int cmd_stats(const char *dev)
{
	int fd = xdp_map_of(dev, "values");

	if (fd < 0)
		die("the program on %s is not the xdp_synproxy peer", dev);
	printf("synacks %llu\n", (unsigned long long)peer_synacks(fd));
	return 0;
}

/* Can the peer's object be loaded here?  The verifier's "processed N insns ..." line. */
static int cmd_check(const char *path)
{
	static char log[1 << 16];
	struct bpf_object *obj = peer_load(path, log, sizeof(log));
	char *line = strstr(log, "processed ");

	if (line)
		line[strcspn(line, "\n")] = 0;
	printf("%s\n", line ? line : "loaded");
	bpf_object__close(obj);
	return 0;
}

int main(int argc, char **argv)
{
	bench_init("bench_peer");
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		bench_verbose = 1;
		argc--, argv++;
	}
	if (argc < 3)
		die("%s", usage);
	if (!strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (argc != 3)
		die("%s", usage);
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argv[2]);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argv[2]);
	if (!strcmp(argv[1], "detach")) {
		xdp_detach(argv[2]);
		return 0;
	}
	die("%s", usage);
}
