// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * forge: drive the real synx_xdp through BPF_PROG_TEST_RUN for the cookie
 * forgery test, directly or behind build/tests/lab/synx_forge.bpf.o (which
 * randomizes ack_seq and tail-calls synx_xdp), with a large repeat count.
 *
 *   forge SYNX_OBJ FORGE_OBJ      then, on stdin, one command per line:
 *   run HEX                       one run of synx_xdp on HEX (ingress lo)
 *     -> retval N / out HEX / reason NAME PKTS ... / end
 *   flood HEX TCP_OFF N           N runs of the forge program (chunks of 1M)
 *     -> flood runs N counted C accepted A invalid I aborted X ns T / end
 *   maps                          what the kernel holds for each synx map
 *     -> map NAME type T key K value V max_entries M flags F id I / end
 *   own                           switch synx to own cookies, with a key
 *                                 from getrandom() -> end
 *
 * Built by the test itself (tests/robust/test_cookie_forgery), with nothing
 * pinned: every map of both objects has its pin path cleared.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "synx_config.h"
#include "counters.h"

#define FRAME_MAX 4096
#define CHUNK 1000000U

static struct bpf_object *synx_obj, *forge_obj;
static int synx_fd, forge_fd, counters_fd, ncpus;

static struct bpf_object *open_load(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_map *map;

	if (!obj) {
		fprintf(stderr, "forge: open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);
	if (bpf_object__load(obj)) {
		fprintf(stderr, "forge: load %s: %s\n", path, strerror(errno));
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

static int prog_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	return p ? bpf_program__fd(p) : -1;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -1;
}

static int snap(__u64 *pkts)
{
	struct synx_counter vals[ncpus];

	for (__u32 r = 0; r < SYNX_REASON_SLOTS; r++) {
		if (bpf_map_lookup_elem(counters_fd, &r, vals))
			return -errno;
		pkts[r] = 0;
		for (int c = 0; c < ncpus; c++)
			pkts[r] += vals[c].packets;
	}
	return 0;
}

static int hex_decode(const char *hex, __u8 *buf, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > FRAME_MAX)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		buf[i] = b;
	}
	*len = n / 2;
	return 0;
}

static void print_deltas(const __u64 *a, const __u64 *b)
{
	for (int r = 0; r < SYNX_REASON_SLOTS; r++)
		if (b[r] != a[r])
			printf("reason %s %llu\n", r < __SYNX_REASON_MAX ? synx_reasons[r].name : "?",
			       (unsigned long long)(b[r] - a[r]));
}

static void cmd_run(const char *hex)
{
	static __u8 in[FRAME_MAX], out[FRAME_MAX + 256];
	static __u64 a[SYNX_REASON_SLOTS], b[SYNX_REASON_SLOTS];
	struct xdp_md ctx = {};
	size_t len;
	LIBBPF_OPTS(bpf_test_run_opts, o);

	if (hex_decode(hex, in, &len)) {
		printf("error bad frame\n");
		return;
	}
	ctx.data_end = len;
	ctx.ingress_ifindex = 1;
	o.data_in = in;
	o.data_size_in = len;
	o.data_out = out;
	o.data_size_out = sizeof(out);
	o.ctx_in = &ctx;
	o.ctx_size_in = sizeof(ctx);
	o.repeat = 1;
	if (snap(a) || bpf_prog_test_run_opts(synx_fd, &o) || snap(b)) {
		printf("error %s\n", strerror(errno));
		return;
	}
	printf("retval %u\nout ", o.retval);
	for (__u32 i = 0; i < o.data_size_out; i++)
		printf("%02x", out[i]);
	printf("\n");
	print_deltas(a, b);
	printf("end\n");
}

static void cmd_flood(const char *hex, unsigned int tcp_off, unsigned long long n)
{
	static __u8 in[FRAME_MAX];
	static __u64 a[SYNX_REASON_SLOTS], b[SYNX_REASON_SLOTS];
	unsigned long long done = 0, ns = 0, counted = 0;
	struct xdp_md ctx = {};
	__u32 key = 0;
	size_t len;
	int cfg_fd = map_fd(forge_obj, "forge_cfg");

	if (hex_decode(hex, in, &len) || bpf_map_update_elem(cfg_fd, &key, &tcp_off, BPF_ANY)) {
		printf("error setup\n");
		return;
	}
	if (snap(a)) {
		printf("error counters\n");
		return;
	}
	while (done < n) {
		__u32 rep = n - done > CHUNK ? CHUNK : n - done;
		LIBBPF_OPTS(bpf_test_run_opts, o);

		ctx.data_end = len;
		ctx.ingress_ifindex = 1;
		o.data_in = in;
		o.data_size_in = len;
		o.ctx_in = &ctx;
		o.ctx_size_in = sizeof(ctx);
		o.repeat = rep;
		if (bpf_prog_test_run_opts(forge_fd, &o)) {
			printf("error test_run: %s\n", strerror(errno));
			return;
		}
		ns += (unsigned long long)o.duration * rep;
		done += rep;
	}
	if (snap(b)) {
		printf("error counters\n");
		return;
	}
	for (int r = 0; r < SYNX_REASON_SLOTS; r++)
		counted += b[r] - a[r];
	/* Runs synx never counted are runs whose tail call failed (aborted). */
	/*
	 * Accepted, in either cookie mode.  An own cookie that checks out
	 * moves the metadata pointer; under repeat the frame is not reset, so
	 * after 4 of them the 32-byte metadata room is gone and the next
	 * counts as PASS_NO_META: accepted all the same.
	 */
	printf("flood runs %llu counted %llu accepted %llu invalid %llu aborted %llu ns %llu\n",
	       done, counted,
	       (unsigned long long)(b[SYNX_R_PASS_COOKIE_OK] - a[SYNX_R_PASS_COOKIE_OK] +
				    b[SYNX_R_PASS_OWN_COOKIE_OK] - a[SYNX_R_PASS_OWN_COOKIE_OK] +
				    b[SYNX_R_PASS_NO_META] - a[SYNX_R_PASS_NO_META]),
	       (unsigned long long)(b[SYNX_R_DROP_COOKIE_INVALID] - a[SYNX_R_DROP_COOKIE_INVALID]),
	       done - counted, ns);
	print_deltas(a, b);
	printf("end\n");
}

static void cmd_own(void)
{
	struct synx_config cfg = {
		.version = SYNX_CONFIG_VERSION,
		.flags = SYNX_DEFAULT_FLAGS | SYNX_F_TIMESTAMPS,
		.ttl = SYNX_DEFAULT_TTL,
		.hop_limit = SYNX_DEFAULT_HOP_LIMIT,
		.wscale = SYNX_DEFAULT_WSCALE,
		.cookie_mode = SYNX_COOKIE_OWN,
	};
	struct synx_cookie_keys k = { .generation = 1 };
	__u32 key = 0;

	if (getrandom(k.cur, sizeof(k.cur), 0) != sizeof(k.cur) ||
	    bpf_map_update_elem(map_fd(synx_obj, SYNX_MAP_KEYS), &key, &k, BPF_ANY) ||
	    bpf_map_update_elem(map_fd(synx_obj, SYNX_MAP_CONFIG), &key, &cfg, BPF_ANY)) {
		printf("error own: %s\n", strerror(errno));
		return;
	}
	printf("end\n");
}

static void cmd_maps(void)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, synx_obj) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len)) {
			printf("error map info %s: %s\n", bpf_map__name(map), strerror(errno));
			return;
		}
		printf("map %s type %u key %u value %u max_entries %u flags %u id %u\n",
		       bpf_map__name(map), info.type, info.key_size, info.value_size,
		       info.max_entries, info.map_flags, info.id);
	}
	{
		/* The maps the verified program really uses, by id. */
		__u32 ids[64], len;
		struct bpf_prog_info pi = {};

		len = sizeof(pi);
		pi.nr_map_ids = 64;
		pi.map_ids = (__u64)(unsigned long)ids;
		if (bpf_obj_get_info_by_fd(synx_fd, &pi, &len)) {
			printf("error prog info: %s\n", strerror(errno));
			return;
		}
		printf("prog_maps");
		for (__u32 i = 0; i < pi.nr_map_ids && i < 64; i++)
			printf(" %u", ids[i]);
		printf("\n");
	}
	printf("end\n");
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	__u32 key = 0;
	int tgt, rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: forge SYNX_OBJ FORGE_OBJ\n");
		return 2;
	}
	ncpus = libbpf_num_possible_cpus();
	synx_obj = open_load(argv[1]);
	forge_obj = synx_obj ? open_load(argv[2]) : NULL;
	if (!forge_obj)
		goto out;
	synx_fd = prog_fd(synx_obj, "synx_xdp");
	forge_fd = prog_fd(forge_obj, "synx_forge");
	counters_fd = map_fd(synx_obj, SYNX_MAP_COUNTERS);
	tgt = map_fd(forge_obj, "forge_target");
	if (synx_fd < 0 || forge_fd < 0 || counters_fd < 0 || tgt < 0 ||
	    bpf_map_update_elem(tgt, &key, &synx_fd, BPF_ANY)) {
		fprintf(stderr, "forge: wiring the tail call: %s\n", strerror(errno));
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (getline(&line, &cap, stdin) > 0) {
		char cmd[16], hex[2 * FRAME_MAX + 1];
		unsigned int off;
		unsigned long long n;

		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%15s", cmd) != 1)
			continue;
		if (!strcmp(cmd, "run") && sscanf(line, "%*s %8192s", hex) == 1)
			cmd_run(hex);
		else if (!strcmp(cmd, "flood") &&
			 sscanf(line, "%*s %8192s %u %llu", hex, &off, &n) == 3)
			cmd_flood(hex, off, n);
		else if (!strcmp(cmd, "maps"))
			cmd_maps();
		else if (!strcmp(cmd, "own"))
			cmd_own();
		else if (!strcmp(cmd, "quit"))
			break;
		else
			printf("error unknown command\n");
	}
	rc = 0;
out:
	free(line);
	bpf_object__close(forge_obj);
	bpf_object__close(synx_obj);
	return rc;
}
