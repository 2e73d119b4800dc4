// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx_testrun: run the real synx XDP object through BPF_PROG_TEST_RUN.
 *
 *   synx_testrun [-v] [-f FORGE_OBJ] [-p SIDE_OBJ] [-B BTF]
 *
 * -B relocates the object against BTF (a file of tests/tools/btf_strip)
 * instead of the running kernel's: a kernel that lacks some fields.
 * Loads the object embedded in the skeleton with pinning cleared (nothing
 * touches bpffs), then serves a line protocol on stdin/stdout so that a test
 * driver (tests/lib/synxtest/testrun.py) can build packets in Python and
 * assert on the results:
 *
 *   names                      reason ID NAME VERDICT ... then "max N", "end"
 *   config [FIELD=V ...]       write synx_config[0]; FIELD: a field of struct
 *                              synx_config (include/synx_config.h); unset = 0
 *   ports none|P[,P...]        write synx_ports[0] with exactly these bits
 *   keys C0 C1 P0 P1 ROT GEN SHIFT PSHIFT CHANGED UNTIL CLOCK OFFSET
 *                              write synx_keys[0]: current and previous
 *                              SipHash key, rotated_ns, generation,
 *                              period_shift, prev_shift, shift_changed_ns,
 *                              own_until_ns, clock, clock_offset_ns (signed)
 *   gateway none|LIST          make synx_gateway hold exactly LIST, as
 *                              `synx attach --gateway LIST` takes it
 *   state                      synx_state[0]: "state kernel K addr4 A addr6 B"
 *   forget                     empty the handshake follow-up cache, so that
 *                              a replayed handshake ACK is judged afresh
 *   run HEX [IFINDEX]          run the program once on the frame HEX
 *     -> retval N
 *        out HEX               the frame as the program left it (metadata first)
 *        t0 NS / t1 NS         the datapath's clock just before / after the run
 *                              (CLOCK_MONOTONIC_COARSE: bpf/clock.h)
 *        reason NAME PKTS BYTES  one line per reason counter that changed
 *        verdict ACTION PKTS BYTES one line per verdict counter that changed
 *        end
 *   flood HEX TCP_OFF N [IFINDEX]
 *                              N runs (1M per syscall) of FORGE_OBJ's program
 *                              on HEX, which sets a random TCP ack_seq at
 *                              TCP_OFF and tail-calls synx (the forgery test)
 *     -> flood runs N ns T     T: BPF time of all runs
 *        reason ... / verdict ... as for run, over all runs; end
 *   prun HEX [IFINDEX]         run SIDE_OBJ's first program once on HEX (e.g.
 *                              tests/lab/kcookie_probe.bpf.o, the kernel's own
 *                              answer to a SYN)
 *     -> retval N / out HEX / end
 *   maps                       what the kernel holds for each synx map
 *     -> map NAME type T key K value V max_entries M flags F id I
 *        prog_maps ID ...      the maps the verified synx_xdp uses
 *        end
 *   quit
 *
 * Every command answers "ok", "end"-terminated data, or "error ERRNO TEXT".
 * Counters are per-CPU: deltas are sums over every possible CPU, so the run
 * may land on any CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* The skeleton names struct synx_config (rodata defaults): define it first. */
#include "synx_config.h"
#include "synx.skel.h"
#include "counters.h"
#include "gateway.h"
#include "testrun.h"

#define FLOOD_CHUNK 1000000U

static struct synx *skel;
static struct bpf_object *forge_obj, *side_obj;
static const char *forge_path, *side_path;
static int verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void reply_err(int err, const char *what)
{
	printf("error %d %s: %s\n", err, what, strerror(err));
}

static void reply_update(int err, const char *map)
{
	if (err)
		reply_err(-err, map);
	else
		printf("ok\n");
}

static int update0(struct bpf_map *map, const void *val, size_t size)
{
	__u32 key = 0;

	return bpf_map__update_elem(map, &key, sizeof(key), val, size, BPF_ANY);
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int counters_read(struct tr_counters *c)
{
	return tr_counters_read(bpf_map__fd(skel->maps.synx_counters),
				bpf_map__fd(skel->maps.synx_verdicts), c);
}

/* "reason NAME PKTS BYTES" / "verdict ACTION PKTS BYTES" for every counter that moved. */
static void print_deltas(const struct tr_counters *a, const struct tr_counters *b)
{
	for (int i = 0; i < SYNX_REASON_SLOTS; i++) {
		__u64 p = b->reason[i].packets - a->reason[i].packets;
		__u64 n = b->reason[i].bytes - a->reason[i].bytes;
		const char *name = i < __SYNX_REASON_MAX ? synx_reasons[i].name : NULL;

		if (!p && !n)
			continue;
		if (name)
			printf("reason %s %llu %llu\n", name, (unsigned long long)p,
			       (unsigned long long)n);
		else
			printf("reason SLOT_%d %llu %llu\n", i, (unsigned long long)p,
			       (unsigned long long)n);
	}
	for (int i = 0; i < SYNX_VERDICT_SLOTS; i++) {
		__u64 p = b->verdict[i].packets - a->verdict[i].packets;
		__u64 n = b->verdict[i].bytes - a->verdict[i].bytes;

		if (p || n)
			printf("verdict %d %llu %llu\n", i, (unsigned long long)p,
			       (unsigned long long)n);
	}
}

static void cmd_names(void)
{
	for (int i = 0; i < __SYNX_REASON_MAX; i++) {
		const char *name = synx_reasons[i].name;

		/* An unnamed hole prints "-": the driver flags it. */
		printf("reason %d %s %u\n", i, name && *name ? name : "-", synx_reasons[i].verdict);
	}
	printf("max %d\nend\n", __SYNX_REASON_MAX);
}

static void cmd_config(char *args)
{
	struct synx_config cfg = {};
	char *tok, *save = NULL;
	int err;

	for (tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			reply_err(EINVAL, tok);
			return;
		}
		*eq = '\0';
		err = tr_config_set(&cfg, tok, strtoull(eq + 1, NULL, 0));
		if (err) {
			reply_err(-err, tok);
			return;
		}
	}
	reply_update(update0(skel->maps.synx_config, &cfg, sizeof(cfg)), "update synx_config");
}

static void cmd_ports(char *args)
{
	static struct synx_ports ports;
	char *tok, *save = NULL;

	memset(&ports, 0, sizeof(ports));
	if (args && strcmp(args, "none")) {
		for (tok = strtok_r(args, ", \t", &save); tok;
		     tok = strtok_r(NULL, ", \t", &save)) {
			unsigned long p = strtoul(tok, NULL, 0);

			if (p > 65535) {
				reply_err(EINVAL, tok);
				return;
			}
			ports.bits[p / 64] |= 1ULL << (p % 64);
		}
	}
	reply_update(update0(skel->maps.synx_ports, &ports, sizeof(ports)), "update synx_ports");
}

static void cmd_gateway(char *args)
{
	static struct synx_gw_list l;
	int err;

	memset(&l, 0, sizeof(l));
	if (args && strcmp(args, "none") && synx_parse_gateway(args, &l)) {
		reply_err(EINVAL, "gateway: not a --gateway list");
		return;
	}
	err = synx_gw_map_write(bpf_map__fd(skel->maps.synx_gateway), &l);
	reply_update(err, "update synx_gateway");
}

static void cmd_keys(char *args)
{
	struct synx_cookie_keys k = {};
	unsigned long long v[12];
	char *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(args, " \t", &save); tok && n < 12;
	     tok = strtok_r(NULL, " \t", &save), n++)
		v[n] = n == 11 ? (unsigned long long)strtoll(tok, NULL, 0) : strtoull(tok, NULL, 0);
	if (n != 12) {
		reply_err(EINVAL, "keys needs 12 numbers");
		return;
	}
	k.cur[0] = v[0];
	k.cur[1] = v[1];
	k.prev[0] = v[2];
	k.prev[1] = v[3];
	k.rotated_ns = v[4];
	k.generation = v[5];
	k.period_shift = v[6];
	k.prev_shift = v[7];
	k.shift_changed_ns = v[8];
	k.own_until_ns = v[9];
	k.clock = v[10];
	k.clock_offset_ns = (long long)v[11];
	reply_update(update0(skel->maps.synx_keys, &k, sizeof(k)), "update synx_keys");
}

static void cmd_forget(void)
{
	struct bpf_map *map = skel->maps.synx_followup;
	__u32 n = bpf_map__max_entries(map), vsz = bpf_map__value_size(map);
	void *zero = calloc(1, vsz);
	int err = zero ? 0 : -ENOMEM;

	for (__u32 key = 0; key < n && !err; key++)
		err = bpf_map__update_elem(map, &key, sizeof(key), zero, vsz, BPF_ANY);
	free(zero);
	reply_update(err, "update synx_followup");
}

/* HEX [IFINDEX ...]: the frame into @in; the rest of the arguments in @rest. */
static int frame_arg(char *args, __u8 *in, size_t *len, char **rest)
{
	char *hex = strtok_r(args, " \t", rest);

	if (!hex || tr_hex_decode(hex, in, TR_FRAME_MAX, len)) {
		reply_err(EINVAL, "bad frame");
		return -1;
	}
	return 0;
}

/* The optional IFINDEX after a command's other arguments (0: none). */
static __u32 ifindex_arg(char **rest)
{
	char *ifs = strtok_r(NULL, " \t", rest);

	return ifs ? strtoul(ifs, NULL, 0) : 0;
}

static void cmd_run(char *args)
{
	static __u8 in[TR_FRAME_MAX], out[TR_FRAME_OUT_MAX];
	static struct tr_counters before, after;
	char *rest = NULL;
	__u32 out_len = sizeof(out), retval = 0, ifindex;
	size_t len;
	__u64 t0, t1;
	int err;

	if (frame_arg(args, in, &len, &rest))
		return;
	ifindex = ifindex_arg(&rest);
	err = counters_read(&before);
	if (err) {
		reply_err(-err, "read counters");
		return;
	}
	t0 = mono_ns();
	err = tr_run(bpf_program__fd(skel->progs.synx_xdp), in, len, ifindex, 1, out, &out_len,
		     &retval, NULL);
	t1 = mono_ns();
	if (err) {
		reply_err(-err, "BPF_PROG_TEST_RUN");
		return;
	}
	err = counters_read(&after);
	if (err) {
		reply_err(-err, "read counters");
		return;
	}
	printf("retval %u\nout ", retval);
	tr_hex_print(stdout, out, out_len);
	printf("\nt0 %llu\nt1 %llu\n", (unsigned long long)t0, (unsigned long long)t1);
	print_deltas(&before, &after);
	printf("end\n");
}

/* The forgery driver: FORGE_OBJ's synx_forge tail-calls synx_xdp (tests/lab/synx_forge.bpf.c). */
static int forge_load(void)
{
	int synx_fd = bpf_program__fd(skel->progs.synx_xdp), err;
	struct bpf_map *target;
	__u32 key = 0;

	if (forge_obj)
		return 0;
	if (!forge_path)
		return -ENOENT;
	forge_obj = bpf_object__open_file(forge_path, NULL);
	if (!forge_obj)
		return -errno;
	err = tr_unpin_maps(forge_obj);
	if (!err)
		err = bpf_object__load(forge_obj);
	target = bpf_object__find_map_by_name(forge_obj, "forge_target");
	if (!err && !target)
		err = -ENOENT;
	if (!err)
		err = bpf_map__update_elem(target, &key, sizeof(key), &synx_fd, sizeof(synx_fd),
					   BPF_ANY);
	if (err) {
		bpf_object__close(forge_obj);
		forge_obj = NULL;
	}
	return err;
}

static void cmd_flood(char *args)
{
	/* An output buffer although nothing reads it: valgrind's model of bpf(2) wants one. */
	static __u8 in[TR_FRAME_MAX], out[TR_FRAME_OUT_MAX];
	static struct tr_counters before, after;
	char *rest = NULL, *off_s, *n_s, *ifs;
	unsigned long long n, done = 0, ns = 0;
	struct bpf_program *prog;
	struct bpf_map *cfg;
	__u32 key = 0, tcp_off, ifindex = 0;
	size_t len;
	int err;

	if (frame_arg(args, in, &len, &rest))
		return;
	off_s = strtok_r(NULL, " \t", &rest);
	n_s = strtok_r(NULL, " \t", &rest);
	ifs = strtok_r(NULL, " \t", &rest);
	if (!off_s || !n_s) {
		reply_err(EINVAL, "flood needs HEX TCP_OFF N [IFINDEX]");
		return;
	}
	tcp_off = strtoul(off_s, NULL, 0);
	n = strtoull(n_s, NULL, 0);
	if (ifs)
		ifindex = strtoul(ifs, NULL, 0);
	err = forge_load();
	if (err) {
		reply_err(-err, forge_path ? forge_path : "no forge object (-f)");
		return;
	}
	prog = bpf_object__find_program_by_name(forge_obj, "synx_forge");
	cfg = bpf_object__find_map_by_name(forge_obj, "forge_cfg");
	if (!prog || !cfg) {
		reply_err(ENOENT, "synx_forge program or forge_cfg map");
		return;
	}
	err = bpf_map__update_elem(cfg, &key, sizeof(key), &tcp_off, sizeof(tcp_off), BPF_ANY);
	if (!err)
		err = counters_read(&before);
	while (!err && done < n) {
		__u32 rep = n - done > FLOOD_CHUNK ? FLOOD_CHUNK : n - done, dur = 0;
		__u32 out_len = sizeof(out);

		err = tr_run(bpf_program__fd(prog), in, len, ifindex, rep, out, &out_len, NULL,
			     &dur);
		ns += (unsigned long long)dur * rep;
		done += rep;
	}
	if (!err)
		err = counters_read(&after);
	if (err) {
		reply_err(-err, "flood");
		return;
	}
	printf("flood runs %llu ns %llu\n", done, ns);
	print_deltas(&before, &after);
	printf("end\n");
}

/* A side program, loaded on first use: the first program of SIDE_OBJ, maps unpinned. */
static int side_load(struct bpf_program **prog)
{
	int err;

	if (!side_obj) {
		if (!side_path)
			return -ENOENT;
		side_obj = bpf_object__open_file(side_path, NULL);
		if (!side_obj)
			return -errno;
		err = tr_unpin_maps(side_obj);
		if (!err)
			err = bpf_object__load(side_obj);
		if (err) {
			bpf_object__close(side_obj);
			side_obj = NULL;
			return err;
		}
	}
	*prog = bpf_object__next_program(side_obj, NULL);
	return *prog ? 0 : -ENOENT;
}

static void cmd_prun(char *args)
{
	static __u8 in[TR_FRAME_MAX], out[TR_FRAME_OUT_MAX];
	__u32 out_len = sizeof(out), retval = 0, ifindex;
	struct bpf_program *prog = NULL;
	char *rest = NULL;
	size_t len;
	int err;

	if (frame_arg(args, in, &len, &rest))
		return;
	ifindex = ifindex_arg(&rest);
	err = side_load(&prog);
	if (err) {
		reply_err(-err, side_path ? side_path : "no side object (-p)");
		return;
	}
	err = tr_run(bpf_program__fd(prog), in, len, ifindex, 1, out, &out_len, &retval, NULL);
	if (err) {
		reply_err(-err, "BPF_PROG_TEST_RUN");
		return;
	}
	printf("retval %u\nout ", retval);
	tr_hex_print(stdout, out, out_len);
	printf("\nend\n");
}

/* synx_state[0]: what the program learned of the kernel. */
static void cmd_state(void)
{
	struct synx_state st = {};
	__u32 key = 0;

	if (bpf_map__lookup_elem(skel->maps.synx_state, &key, sizeof(key), &st, sizeof(st), 0)) {
		reply_err(errno, "synx_state");
		return;
	}
	printf("state kernel %u addr4 %u addr6 %u\nend\n", st.kernel, st.addr_hash[0],
	       st.addr_hash[1]);
}

static void cmd_maps(void)
{
	struct bpf_prog_info pi = {};
	struct bpf_map *map;
	__u32 ids[64], len;

	bpf_object__for_each_map(map, skel->obj) {
		struct bpf_map_info info = {};

		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len)) {
			reply_err(errno, bpf_map__name(map));
			return;
		}
		printf("map %s type %u key %u value %u max_entries %u flags %u id %u\n",
		       bpf_map__name(map), info.type, info.key_size, info.value_size,
		       info.max_entries, info.map_flags, info.id);
	}
	/* The maps the verified program really uses, by id. */
	len = sizeof(pi);
	pi.nr_map_ids = 64;
	pi.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.synx_xdp), &pi, &len)) {
		reply_err(errno, "program info");
		return;
	}
	printf("prog_maps");
	for (__u32 i = 0; i < pi.nr_map_ids && i < 64; i++)
		printf(" %u", ids[i]);
	printf("\nend\n");
}

static int load(const char *btf_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path);
	int err;

	skel = synx__open_opts(&opts);
	if (!skel) {
		err = -errno;
		fprintf(stderr, "synx_testrun: open skeleton: %s\n", strerror(errno));
		return err;
	}
	/* Tests must never share, or leave behind, pinned maps. */
	err = tr_unpin_maps(skel->obj);
	if (err) {
		fprintf(stderr, "synx_testrun: unpin: %s\n", strerror(-err));
		return err;
	}
	err = synx__load(skel);
	if (err) {
		fprintf(stderr, "synx_testrun: load: %s\n", strerror(-err));
		return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	const char *btf_path = NULL;
	ssize_t n;
	int opt;

	while ((opt = getopt(argc, argv, "vf:p:B:")) != -1) {
		switch (opt) {
		case 'v':
			verbose = 1;
			break;
		case 'f':
			forge_path = optarg;
			break;
		case 'p':
			side_path = optarg;
			break;
		case 'B':
			btf_path = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: synx_testrun [-v] [-f FORGE_OBJ] [-p SIDE_OBJ] [-B BTF]\n");
			return 2;
		}
	}
	libbpf_set_print(libbpf_print);
	if (load(btf_path)) {
		synx__destroy(skel);
		/* Distinct exit code: the driver reports a load failure once. */
		return 3;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");

	while ((n = getline(&line, &cap, stdin)) > 0) {
		char *cmd, *rest;

		line[strcspn(line, "\r\n")] = '\0';
		cmd = line;
		rest = strchr(line, ' ');
		if (rest)
			*rest++ = '\0';
		if (!strcmp(cmd, "names"))
			cmd_names();
		else if (!strcmp(cmd, "config"))
			cmd_config(rest ? rest : (char *)"");
		else if (!strcmp(cmd, "ports"))
			cmd_ports(rest);
		else if (!strcmp(cmd, "gateway"))
			cmd_gateway(rest);
		else if (!strcmp(cmd, "keys"))
			cmd_keys(rest ? rest : (char *)"");
		else if (!strcmp(cmd, "run"))
			cmd_run(rest ? rest : (char *)"");
		else if (!strcmp(cmd, "flood"))
			cmd_flood(rest ? rest : (char *)"");
		else if (!strcmp(cmd, "prun"))
			cmd_prun(rest ? rest : (char *)"");
		else if (!strcmp(cmd, "maps"))
			cmd_maps();
		else if (!strcmp(cmd, "forget"))
			cmd_forget();
		else if (!strcmp(cmd, "state"))
			cmd_state();
		else if (!strcmp(cmd, "quit"))
			break;
		else
			reply_err(EINVAL, cmd);
	}
	free(line);
	bpf_object__close(forge_obj);
	bpf_object__close(side_obj);
	synx__destroy(skel);
	return 0;
}
