// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx_testrun: run the real synx XDP object through BPF_PROG_TEST_RUN.
 *
 * Loads the object embedded in the skeleton with pinning cleared (nothing
 * touches bpffs), then serves a line protocol on stdin/stdout so that a test
 * driver can build packets in Python and assert on the results:
 *
 *   names                      reason ID NAME VERDICT ... then "max N", "end"
 *   config [k=v ...]           write synx_config[0]; keys: version flags mss4
 *                              mss6 ttl hop wscale nolisten cookie (unset = 0)
 *   ports none|P[,P...]        write synx_ports[0] with exactly these bits
 *   keys C0 C1 P0 P1 ROT GEN SHIFT
 *                              write synx_keys[0]: current and previous
 *                              SipHash key, rotated_ns, generation, period_shift
 *   kseen SECONDS|load         when a kernel cookie last became possible
 *                              (synx_kcookie_seen): SECONDS ago, or 0 as
 *                              after a load
 *   forget                     empty the handshake follow-up cache, so that
 *                              a replayed handshake ACK is judged afresh
 *   run HEX [IFINDEX]          run the program once on the frame HEX
 *     -> retval N
 *        out HEX               the frame as the program left it
 *        t0 NS / t1 NS         CLOCK_MONOTONIC just before / after the run
 *        reason NAME PKTS BYTES  one line per reason counter that changed
 *        verdict ACTION PKTS BYTES one line per verdict counter that changed
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

#define FRAME_MAX 4096
/* The program may grow the frame (a SYN-ACK longer than the SYN). */
#define FRAME_OUT_MAX (FRAME_MAX + 256)

struct counter_snap {
	struct synx_counter reason[SYNX_REASON_SLOTS];
	struct synx_counter verdict[SYNX_VERDICT_SLOTS];
};

static int ncpus;
static struct synx *skel;
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

static int sum_percpu(struct bpf_map *map, __u32 key, struct synx_counter *out)
{
	struct synx_counter vals[ncpus];
	int err;

	err = bpf_map__lookup_elem(map, &key, sizeof(key), vals, sizeof(vals), 0);
	if (err)
		return err;
	out->packets = out->bytes = 0;
	for (int i = 0; i < ncpus; i++) {
		out->packets += vals[i].packets;
		out->bytes += vals[i].bytes;
	}
	return 0;
}

static int snapshot(struct counter_snap *s)
{
	int err;

	for (__u32 i = 0; i < SYNX_REASON_SLOTS; i++) {
		err = sum_percpu(skel->maps.synx_counters, i, &s->reason[i]);
		if (err)
			return err;
	}
	for (__u32 i = 0; i < SYNX_VERDICT_SLOTS; i++) {
		err = sum_percpu(skel->maps.synx_verdicts, i, &s->verdict[i]);
		if (err)
			return err;
	}
	return 0;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int hex_decode(const char *hex, __u8 *buf, size_t cap, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > cap)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -EINVAL;
		buf[i] = b;
	}
	*len = n / 2;
	return 0;
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
	__u32 key = 0;
	char *tok, *save = NULL;
	int err;

	for (tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');
		unsigned long v;

		if (!eq) {
			reply_err(EINVAL, tok);
			return;
		}
		*eq = '\0';
		v = strtoul(eq + 1, NULL, 0);
		if (!strcmp(tok, "version"))
			cfg.version = v;
		else if (!strcmp(tok, "flags"))
			cfg.flags = v;
		else if (!strcmp(tok, "mss4"))
			cfg.mss4 = v;
		else if (!strcmp(tok, "mss6"))
			cfg.mss6 = v;
		else if (!strcmp(tok, "ttl"))
			cfg.ttl = v;
		else if (!strcmp(tok, "hop"))
			cfg.hop_limit = v;
		else if (!strcmp(tok, "wscale"))
			cfg.wscale = v;
		else if (!strcmp(tok, "nolisten"))
			cfg.no_listener = v;
		else if (!strcmp(tok, "cookie"))
			cfg.cookie_mode = v;
		else {
			reply_err(EINVAL, tok);
			return;
		}
	}
	err = bpf_map__update_elem(skel->maps.synx_config, &key, sizeof(key), &cfg, sizeof(cfg),
				   BPF_ANY);
	if (err)
		reply_err(-err, "update synx_config");
	else
		printf("ok\n");
}

static void cmd_ports(char *args)
{
	static struct synx_ports ports;
	__u32 key = 0;
	char *tok, *save = NULL;
	int err;

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
	err = bpf_map__update_elem(skel->maps.synx_ports, &key, sizeof(key), &ports, sizeof(ports),
				   BPF_ANY);
	if (err)
		reply_err(-err, "update synx_ports");
	else
		printf("ok\n");
}

static void cmd_keys(char *args)
{
	struct synx_cookie_keys k = {};
	unsigned long long v[7];
	char *tok, *save = NULL;
	__u32 key = 0;
	int n = 0, err;

	for (tok = strtok_r(args, " \t", &save); tok && n < 7; tok = strtok_r(NULL, " \t", &save))
		v[n++] = strtoull(tok, NULL, 0);
	if (n != 7) {
		reply_err(EINVAL, "keys needs 7 numbers");
		return;
	}
	k.cur[0] = v[0];
	k.cur[1] = v[1];
	k.prev[0] = v[2];
	k.prev[1] = v[3];
	k.rotated_ns = v[4];
	k.generation = v[5];
	k.period_shift = v[6];
	err = bpf_map__update_elem(skel->maps.synx_keys, &key, sizeof(key), &k, sizeof(k), BPF_ANY);
	if (err)
		reply_err(-err, "update synx_keys");
	else
		printf("ok\n");
}

static void cmd_kseen(const char *arg)
{
	struct timespec ts;
	__u64 v = 0, now;
	__u32 key = 0;
	int err;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (!arg || !*arg) {
		reply_err(EINVAL, "kseen needs SECONDS or load");
		return;
	}
	if (strcmp(arg, "load"))
		v = now - strtoull(arg, NULL, 0) * 1000000000ULL;
	err = bpf_map__update_elem(skel->maps.synx_kcookie_seen, &key, sizeof(key), &v, sizeof(v),
				   BPF_ANY);
	if (err)
		reply_err(-err, "update synx_kcookie_seen");
	else
		printf("ok\n");
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
	if (err)
		reply_err(-err, "update synx_followup");
	else
		printf("ok\n");
}

static void cmd_run(char *args)
{
	static __u8 in[FRAME_MAX], out[FRAME_OUT_MAX];
	static struct counter_snap before, after;
	char *hex, *ifs, *save = NULL;
	struct xdp_md ctx = {};
	size_t len;
	__u64 t0, t1;
	int err, fd;

	LIBBPF_OPTS(bpf_test_run_opts, opts);

	hex = strtok_r(args, " \t", &save);
	ifs = strtok_r(NULL, " \t", &save);
	if (!hex || hex_decode(hex, in, sizeof(in), &len)) {
		reply_err(EINVAL, "bad frame");
		return;
	}
	opts.data_in = in;
	opts.data_size_in = len;
	opts.data_out = out;
	opts.data_size_out = sizeof(out);
	opts.repeat = 1;
	if (ifs) {
		/* The kernel insists that data_end matches the frame size. */
		ctx.data_end = len;
		ctx.ingress_ifindex = strtoul(ifs, NULL, 0);
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
	}

	err = snapshot(&before);
	if (err) {
		reply_err(-err, "read counters");
		return;
	}
	fd = bpf_program__fd(skel->progs.synx_xdp);
	t0 = mono_ns();
	err = bpf_prog_test_run_opts(fd, &opts);
	t1 = mono_ns();
	if (err) {
		reply_err(errno, "BPF_PROG_TEST_RUN");
		return;
	}
	err = snapshot(&after);
	if (err) {
		reply_err(-err, "read counters");
		return;
	}

	printf("retval %u\nout ", opts.retval);
	for (__u32 i = 0; i < opts.data_size_out; i++)
		printf("%02x", out[i]);
	printf("\nt0 %llu\nt1 %llu\n", (unsigned long long)t0, (unsigned long long)t1);
	for (int i = 0; i < SYNX_REASON_SLOTS; i++) {
		__u64 p = after.reason[i].packets - before.reason[i].packets;
		__u64 b = after.reason[i].bytes - before.reason[i].bytes;
		const char *name = i < __SYNX_REASON_MAX ? synx_reasons[i].name : NULL;

		if (!p && !b)
			continue;
		if (name)
			printf("reason %s %llu %llu\n", name, (unsigned long long)p,
			       (unsigned long long)b);
		else
			printf("reason SLOT_%d %llu %llu\n", i, (unsigned long long)p,
			       (unsigned long long)b);
	}
	for (int i = 0; i < SYNX_VERDICT_SLOTS; i++) {
		__u64 p = after.verdict[i].packets - before.verdict[i].packets;
		__u64 b = after.verdict[i].bytes - before.verdict[i].bytes;

		if (p || b)
			printf("verdict %d %llu %llu\n", i, (unsigned long long)p,
			       (unsigned long long)b);
	}
	printf("end\n");
}

static int load(void)
{
	struct bpf_map *map;
	int err;

	skel = synx__open();
	if (!skel) {
		err = -errno;
		fprintf(stderr, "synx_testrun: open skeleton: %s\n", strerror(errno));
		return err;
	}
	/* Tests must never share, or leave behind, pinned maps. */
	bpf_object__for_each_map(map, skel->obj) {
		err = bpf_map__set_pin_path(map, NULL);
		if (err) {
			fprintf(stderr, "synx_testrun: unpin %s: %s\n", bpf_map__name(map),
				strerror(-err));
			return err;
		}
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
	ssize_t n;
	int err;

	if (argc > 1 && !strcmp(argv[1], "-v"))
		verbose = 1;
	libbpf_set_print(libbpf_print);
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		fprintf(stderr, "synx_testrun: cannot count CPUs: %s\n", strerror(-ncpus));
		return 1;
	}
	err = load();
	if (err) {
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
		else if (!strcmp(cmd, "keys"))
			cmd_keys(rest ? rest : (char *)"");
		else if (!strcmp(cmd, "run"))
			cmd_run(rest ? rest : (char *)"");
		else if (!strcmp(cmd, "forget"))
			cmd_forget();
		else if (!strcmp(cmd, "kseen"))
			cmd_kseen(rest);
		else if (!strcmp(cmd, "quit"))
			break;
		else
			reply_err(EINVAL, cmd);
	}
	free(line);
	synx__destroy(skel);
	return 0;
}
