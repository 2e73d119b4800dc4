// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Loading and configuring the kernel's xdp_synproxy, the bench's peer (peer.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bench_lib.h"
#include "peer.h"

struct bpf_object *peer_load(const char *path, char *log, size_t log_len)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;

	if (!obj)
		die("open %s: %s", path, strerror(errno));
	/* Its tc twin (syncookie_tc) is not needed: the peer runs in XDP. */
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), PEER_PROG));
	prog = bpf_object__find_program_by_name(obj, PEER_PROG);
	if (!prog)
		die("%s has no program %s", path, PEER_PROG);
	if (log) {
		log[0] = 0;
		bpf_program__set_log_buf(prog, log, log_len);
		bpf_program__set_log_level(prog, 4); /* BPF_LOG_STATS */
	}
	if (bpf_object__load(obj))
		die("load %s: %s", path, strerror(errno));
	return obj;
}

int peer_prog_fd(struct bpf_object *obj)
{
	return bpf_program__fd(bpf_object__find_program_by_name(obj, PEER_PROG));
}

void peer_configure(struct bpf_object *obj, const struct peer_cfg *c)
{
	struct bpf_map *values = bpf_object__find_map_by_name(obj, "values");
	struct bpf_map *ports = bpf_object__find_map_by_name(obj, "allowed_ports");
	__u64 tcpipopts = (__u64)c->mss6 << 32 | c->ttl << 24 | c->wscale << 16 | c->mss4;
	__u32 key = 0;
	__u16 end = 0;

	if (!values || !ports)
		die("the peer's object has no values/allowed_ports map");
	if (bpf_map__update_elem(values, &key, sizeof(key), &tcpipopts, sizeof(tcpipopts), 0))
		die("peer values: %s", strerror(errno));
	for (key = 0; key < (__u32)c->nports; key++)
		if (bpf_map__update_elem(ports, &key, sizeof(key), &c->ports[key], sizeof(__u16),
					 0))
			die("peer allowed_ports: %s", strerror(errno));
	if (key <= PEER_PORTS_MAX &&
	    bpf_map__update_elem(ports, &key, sizeof(key), &end, sizeof(end), 0))
		die("peer allowed_ports: %s", strerror(errno));
}

int peer_opt(struct peer_cfg *c, const char *opt, const char *val)
{
	if (!strcmp(opt, "ports")) {
		char buf[128], *tok, *save;

		snprintf(buf, sizeof(buf), "%s", val);
		c->nports = 0;
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (c->nports >= PEER_PORTS_MAX)
				die("bad --ports %s (1-%d ports)", val, PEER_PORTS_MAX);
			c->ports[c->nports++] = opt_uint("--ports", tok, 1, 65535);
		}
	} else if (!strcmp(opt, "mss4")) {
		c->mss4 = opt_uint("--mss4", val, 1, 65535);
	} else if (!strcmp(opt, "mss6")) {
		c->mss6 = opt_uint("--mss6", val, 1, 65535);
	} else if (!strcmp(opt, "wscale")) {
		c->wscale = opt_uint("--wscale", val, 1, 14);
	} else if (!strcmp(opt, "ttl")) {
		c->ttl = opt_uint("--ttl", val, 1, 255);
	} else {
		return 0;
	}
	return 1;
}

__u64 peer_synacks(int values_fd)
{
	__u32 key = 1;
	__u64 v = 0;

	if (bpf_map_lookup_elem(values_fd, &key, &v))
		die("peer values: %s", strerror(errno));
	return v;
}
