// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_micro: ns per packet class through BPF_PROG_TEST_RUN, for the real
 * synx object, the peer, the bounds and the pieces of bench_parts.bpf.c.
 *
 *   bench_micro [-v] --frames FILE --repeat N --rounds R --dev DEV
 *               [--fwd-dev DEV] [--peer OBJ]
 *
 * FILE: one row per line, "NAME HEX EXPECT OPTS" (bench/frames.py says what
 * each field means).  DEV is the frames' ingress device (ctx->ingress_ifindex,
 * and with it the netns, MTU, MAC and forwarding flag synx reads); rows with
 * the option dev=fwd run on --fwd-dev instead, a device that forwards.  OBJ:
 * the peer's object, for the peer: rows.  Runs in a netns of its own (run.sh
 * makes it): it sets tcp_syncookies there, listens on :80 and keeps two
 * established flows open.
 *
 * Output, for report.py: "row NAME EXPECT MED MIN MAX DMED DMIN DMAX" (the
 * wrapped figure, then the direct-run cross-check or nan), "rounds NAME ..."
 * (the wrapped figure of every round), "tcrow NAME MED MIN MAX" (own mode's
 * tc hand-off), "verdict NAME N", "calib ROUND wrapper_empty_ns X empty_ns Y"
 * and "mismatch ..." for a row whose runs did not all end where expected.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bench_lib.h"
#include "peer.h"
#include "testrun.h"
/* The skeleton names struct synx_config (rodata defaults): define it first. */
#include "synx_config.h"
#include "synx.skel.h"
#include "tc_obj.h"
#include "counters.h"
#include "bench/bench_micro.skel.h"
#include "bench/bench_bounds.skel.h"
#include "bench/bench_parts.skel.h"

#define MICRO_ROWS 128
#define MICRO_FRAME_MAX 256 /* bench_micro.bpf.c's FRAME_MAX */
#define ROUNDS_MAX 64

static const char usage[] = "usage: bench_micro [-v] --frames FILE --repeat N (<= 1e7) --rounds R "
			    "(<= 64) --dev DEV [--fwd-dev DEV] [--peer OBJ]";

struct micro_row {
	char name[48];
	__u8 frame[MICRO_FRAME_MAX];
	size_t len;
	char expect[40];   /* synx reason name, bound:X, peer:X or part:X */
	char opts[80];     /* frames.py's OPTS */
	int reason;        /* index of expect, or -1 */
	__u32 ifindex;     /* the ingress device */
	__u32 forget_slot; /* follow-up slot a handshake ACK notes, or ~0U */
	int prime;         /* row to run once before each timing, or -1 */
	double net[ROUNDS_MAX], direct[ROUNDS_MAX], tc[ROUNDS_MAX];
};

static struct micro_row rows[MICRO_ROWS];
static int nrows;

/* The programs and maps every row may use. */
static struct {
	struct synx *synx;
	struct synx_tc *tc; /* synx_tc, on synx's maps */
	struct bench_micro *wrap;
	struct bench_bounds *bounds;
	struct bench_parts *parts;
	int peer_fd, peer_values;
} m = { .peer_fd = -1, .peer_values = -1 };

static int has_opt(const struct micro_row *r, const char *opt)
{
	return !!strstr(r->opts, opt);
}

static void load_rows(const char *path, __u32 dev, __u32 fwd_dev)
{
	FILE *f = fopen(path, "r");
	char line[2048], hex[1024];

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct micro_row *r = &rows[nrows];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (nrows == MICRO_ROWS)
			die("%s: more than %d rows", path, MICRO_ROWS);
		r->opts[0] = 0;
		if (sscanf(line, "%47s %1023s %39s %79s", r->name, hex, r->expect, r->opts) < 3)
			die("bad frames line: %s", line);
		if (!strcmp(r->opts, "-"))
			r->opts[0] = 0;
		if (tr_hex_decode(hex, r->frame, sizeof(r->frame), &r->len))
			die("%s: bad frame (hex, at most %d bytes)", r->name, MICRO_FRAME_MAX);
		r->reason = synx_reason_by_name(r->expect);
		r->ifindex = has_opt(r, "dev=fwd") ? fwd_dev : dev;
		if (!r->ifindex)
			die("%s runs on the forwarding device: --fwd-dev is needed", r->name);
		r->forget_slot = ~0U;
		r->prime = -1;
		nrows++;
	}
	fclose(f);
}

static int row_by_name(const char *name)
{
	for (int j = 0; j < nrows; j++)
		if (!strcmp(rows[j].name, name))
			return j;
	return -1;
}

/* The row named by option @key (e.g. "ackof=ROW"), or -1 when the row has no such option. */
static int row_opt(const struct micro_row *r, const char *key)
{
	const char *p = strstr(r->opts, key);
	char name[48];
	int j;

	if (!p)
		return -1;
	sscanf(p + strlen(key), "%47[^,]", name);
	j = row_by_name(name);
	if (j < 0)
		die("%s: no row %s (%s)", r->name, name, key);
	return j;
}

static void write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die("sysctl %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * ns per run of @prog_fd on the row's frame over @repeat runs, the kernel's
 * own timing; XDP runs see the row's ingress device, tc runs (@xdp 0) no
 * context at all (theirs is an skb).
 */
static double run_ns(int prog_fd, const struct micro_row *r, __u32 repeat, __u32 *retval, int xdp)
{
	__u8 out[TR_FRAME_OUT_MAX];
	__u32 out_len = sizeof(out), dur;
	int err = tr_run(prog_fd, r->frame, r->len, xdp ? r->ifindex : 0, repeat, out, &out_len,
			 retval, &dur);

	if (err)
		die("%s: test_run: %s", r->name, strerror(-err));
	return dur;
}

/* Run the row's frame once through synx; returns the XDP verdict. */
static __u32 run_once(const struct micro_row *r)
{
	__u32 ret;

	run_ns(bpf_program__fd(m.synx->progs.synx_xdp), r, 1, &ret, 1);
	return ret;
}

/* Every reason counter of synx, summed over CPUs. */
static void counters(struct tr_counters *c)
{
	int err = tr_counters_read(bpf_map__fd(m.synx->maps.synx_counters), -1, c);

	if (err)
		die("synx_counters: %s", strerror(-err));
}

static __u64 moved(const struct tr_counters *a, const struct tr_counters *b, int reason)
{
	return b->reason[reason].packets - a->reason[reason].packets;
}

/* Complete a handshake ACK: ack = the cookie synx put in SYN's SYN-ACK, + 1. */
static void make_cookie_ack(struct micro_row *ack, const struct micro_row *syn)
{
	__u8 out[TR_FRAME_OUT_MAX];
	__u32 out_len = sizeof(out), ret;
	size_t l4s, l4a;
	__u32 cookie;

	if (tr_run(bpf_program__fd(m.synx->progs.synx_xdp), syn->frame, syn->len, syn->ifindex, 1,
		   out, &out_len, &ret, NULL) ||
	    ret != XDP_TX)
		die("%s: %s did not produce a SYN-ACK", ack->name, syn->name);
	l4s = out[12] == 0x86 ? 54 : 14 + (out[14] & 0xf) * 4;
	l4a = ack->frame[12] == 0x86 ? 54 : 14 + (ack->frame[14] & 0xf) * 4;
	memcpy(&cookie, out + l4s + 4, 4);
	cookie = htonl(ntohl(cookie) + 1);
	memcpy(ack->frame + l4a + 8, &cookie, 4);
	if (tr_frame_fix_csums(ack->frame, ack->len))
		die("%s: not a TCP frame", ack->name);
}

/*
 * The follow-up cache slot a handshake ACK row notes (bpf/followup.h): empty
 * the cache, pass the ACK once and see which slot it filled.
 */
static __u32 find_followup_slot(const struct micro_row *r)
{
	static const __u8 zero[256];
	struct bpf_map *map = m.synx->maps.synx_followup;
	__u32 n = bpf_map__max_entries(map), vsz = bpf_map__value_size(map), found = ~0U;
	__u8 v[256] = {};

	if (vsz > sizeof(v))
		die("synx_followup value of %u bytes", vsz);
	for (__u32 k = 0; k < n; k++)
		if (bpf_map__update_elem(map, &k, sizeof(k), v, vsz, 0))
			die("synx_followup: %s", strerror(errno));
	run_once(r);
	for (__u32 k = 0; k < n; k++) {
		if (bpf_map__lookup_elem(map, &k, sizeof(k), v, vsz, 0))
			die("synx_followup: %s", strerror(errno));
		if (memcmp(v, zero, vsz)) {
			if (found != ~0U)
				die("%s filled more than one follow-up slot", r->name);
			found = k;
		}
	}
	if (found == ~0U)
		die("%s did not note its flow in the follow-up cache", r->name);
	return found;
}

/* State a row's class needs right before each timed run (prime=). */
static void before_timing(const struct micro_row *r)
{
	if (r->prime >= 0)
		run_once(&rows[r->prime]);
}

/* An established 4-tuple for the "established data" rows: SRC:40001 -> DST:80. */
static void make_established(const char *src, const char *dst)
{
	struct sockaddr_storage a, b;
	socklen_t sl;
	int fd, one = 1;

	sockaddr_of(src, 40001, &a, &sl);
	sockaddr_of(dst, 80, &b, &sl);
	fd = socket(a.ss_family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (void *)&a, sl) || connect(fd, (void *)&b, sl))
		die("established %s -> %s: %s", src, dst, strerror(errno));
	/* Kept open (and leaked on purpose) for the life of the process. */
}

enum { CFG_DEFAULT, CFG_UNPROTECTED, CFG_OWN };

static void set_config(int mode)
{
	struct synx_config c = {};
	__u32 key = 0;

	if (mode != CFG_DEFAULT) {
		c.version = SYNX_CONFIG_VERSION;
		c.flags = SYNX_DEFAULT_FLAGS;
		if (mode == CFG_UNPROTECTED)
			c.flags &= ~SYNX_F_ALL_PORTS; /* and an empty port set */
		c.ttl = c.hop_limit = 64;
		c.wscale = SYNX_DEFAULT_WSCALE;
		c.cookie_mode = mode == CFG_OWN ? SYNX_COOKIE_OWN : SYNX_COOKIE_KERNEL;
	}
	if (bpf_map__update_elem(m.synx->maps.synx_config, &key, sizeof(key), &c, sizeof(c), 0))
		die("config: %s", strerror(errno));
}

static int row_config(const struct micro_row *r)
{
	return has_opt(r, "cfg=unprot")   ? CFG_UNPROTECTED
	       : has_opt(r, "cookie=own") ? CFG_OWN
					  : CFG_DEFAULT;
}

static void load_programs(const char *peer_path)
{
	/* Own-cookie keys, used only by the rows that switch the config to own cookies. */
	struct synx_cookie_keys k = { .cur = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL },
				      .generation = 1 };
	__u32 key = 0;

	m.synx = synx__open();
	if (!m.synx || tr_unpin_maps(m.synx->obj) || synx__load(m.synx))
		die("load synx: %s", strerror(errno));
	/* synx_tc, with synx's maps, as `synx attach` loads it. */
	m.tc = synx_tc_obj_open(m.synx->obj);
	if (!m.tc || synx_tc__load(m.tc))
		die("load synx_tc: %s", strerror(errno));
	/* The wrapper shares synx's follow-up cache, to expire a slot per run. */
	m.wrap = bench_micro__open();
	if (!m.wrap ||
	    bpf_map__reuse_fd(m.wrap->maps.synx_followup,
			      bpf_map__fd(m.synx->maps.synx_followup)) ||
	    bench_micro__load(m.wrap))
		die("load bench_micro");
	m.bounds = bench_bounds__open_and_load();
	/* The pieces carry synx's pinned maps (its headers): nothing goes to bpffs. */
	m.parts = bench_parts__open();
	if (!m.bounds || !m.parts || tr_unpin_maps(m.parts->obj) || bench_parts__load(m.parts))
		die("load bench programs");
	if (bpf_map__update_elem(m.synx->maps.synx_keys, &key, sizeof(key), &k, sizeof(k), 0))
		die("synx_keys: %s", strerror(errno));
	if (peer_path) {
		/* The peer, configured as in the lab (run.sh): rows "peer:tx" / "peer:drop". */
		struct peer_cfg pc = PEER_CFG_DEFAULT;
		struct bpf_object *po = peer_load(peer_path, NULL, 0);

		pc.ports[pc.nports++] = 80;
		peer_configure(po, &pc);
		m.peer_fd = peer_prog_fd(po);
		m.peer_values = bpf_map__fd(bpf_object__find_map_by_name(po, "values"));
	}
}

/* Cookies into the handshake ACKs (ackof=), then prime rows and follow-up slots. */
static void prepare_rows(void)
{
	for (int i = 0; i < nrows; i++) {
		int j = row_opt(&rows[i], "ackof=");

		if (j < 0)
			continue;
		set_config(has_opt(&rows[j], "cookie=own") ? CFG_OWN : CFG_DEFAULT);
		make_cookie_ack(&rows[i], &rows[j]);
		set_config(CFG_DEFAULT);
	}
	for (int i = 0; i < nrows; i++) {
		struct micro_row *r = &rows[i];

		r->prime = row_opt(r, "prime=");
		if (r->reason == SYNX_R_PASS_COOKIE_OK || r->reason == SYNX_R_PASS_OWN_COOKIE_OK) {
			set_config(has_opt(r, "cookie=own") ? CFG_OWN : CFG_DEFAULT);
			r->forget_slot = find_followup_slot(r);
			set_config(CFG_DEFAULT);
		}
	}
}

/* The program a row times, or -1 for a peer row without the peer. */
static int row_prog(const struct micro_row *r)
{
	if (!strncmp(r->expect, "part:", 5)) {
		char pname[48];
		struct bpf_program *pp;

		snprintf(pname, sizeof(pname), "part_%s", r->expect + 5);
		pp = bpf_object__find_program_by_name(m.parts->obj, pname);
		if (!pp)
			die("%s: no program %s in bench_parts", r->name, pname);
		return bpf_program__fd(pp);
	}
	if (!strcmp(r->expect, "bound:reflect"))
		return bpf_program__fd(m.bounds->progs.bench_reflect);
	if (!strcmp(r->expect, "bound:drop"))
		return bpf_program__fd(m.bounds->progs.bench_drop);
	if (!strncmp(r->expect, "peer:", 5))
		return m.peer_fd;
	return bpf_program__fd(m.synx->progs.synx_xdp);
}

static void set_slot(int fd)
{
	__u32 key = 0;

	if (bpf_map_update_elem(bpf_map__fd(m.wrap->maps.progs), &key, &fd, 0))
		die("prog array: %s", strerror(errno));
}

/* Where the runs of a row that did not end in its reason went instead. */
static void print_mismatch(const struct micro_row *r, const struct tr_counters *a,
			   const struct tr_counters *b)
{
	printf("mismatch %s expected %s:", r->name, r->expect);
	for (int k = 0; k < __SYNX_REASON_MAX; k++)
		if (moved(a, b, k))
			printf(" %s=%llu", synx_reasons[k].name,
			       (unsigned long long)moved(a, b, k));
	printf("\n");
}

/* One round of one row: the wrapped figure, the direct cross-check, the tc hand-off. */
static void time_row(struct micro_row *r, int round, __u32 repeat)
{
	int prog_fd = row_prog(r), cfg = row_config(r), declined = has_opt(r, "syncookies=1");
	int peer = !strncmp(r->expect, "peer:", 5), part = !strncmp(r->expect, "part:", 5);
	int empty_fd = bpf_program__fd(m.wrap->progs.bench_empty);
	int restore_fd = bpf_program__fd(m.wrap->progs.bench_restore);
	struct tr_counters c0, c1;
	double t_we, t_wx, t_e, t_x;
	__u64 peer_sa = 0;
	__u32 ret;
	int direct_ok;

	if (cfg != CFG_DEFAULT)
		set_config(cfg);
	if (declined)
		write_sysctl("/proc/sys/net/ipv4/tcp_syncookies", "1");

	memcpy(m.wrap->bss->frame, r->frame, r->len);
	m.wrap->bss->frame_len = r->len;
	m.wrap->data->forget_slot = r->forget_slot;
	/* Alternate: wrapper -> empty, wrapper -> program, empty, program. */
	set_slot(empty_fd);
	t_we = run_ns(restore_fd, r, repeat, NULL, 1);
	set_slot(prog_fd);
	before_timing(r);
	counters(&c0);
	if (peer)
		peer_sa = peer_synacks(m.peer_values);
	t_wx = run_ns(restore_fd, r, repeat, &ret, 1);
	if (round == 0) {
		counters(&c1);
		/* The peer's rows: every run a SYN-ACK (its counter), or the verdict. */
		if (peer && !strcmp(r->expect, "peer:tx") &&
		    peer_synacks(m.peer_values) - peer_sa != repeat)
			printf("mismatch %s expected %s: %llu SYN-ACKs in %u runs\n", r->name,
			       r->expect,
			       (unsigned long long)(peer_synacks(m.peer_values) - peer_sa), repeat);
		if (peer && !strcmp(r->expect, "peer:drop") && ret != XDP_DROP)
			printf("mismatch %s expected %s: verdict %u\n", r->name, r->expect, ret);
		if (part && ret != XDP_PASS)
			printf("mismatch %s expected %s: verdict %u\n", r->name, r->expect, ret);
		if (r->reason >= 0 && moved(&c0, &c1, r->reason) != repeat)
			print_mismatch(r, &c0, &c1);
	}
	/*
	 * Direct runs are valid only when every run took the class's path,
	 * i.e. the program left the frame (and its metadata) alone.  Not
	 * the peer's: on an ACK it grows the frame for good (40 bytes a
	 * run, until the page is full), so only wrapped runs time it.
	 */
	t_e = t_x = NAN;
	direct_ok = 0;
	if (!peer) {
		t_e = run_ns(empty_fd, r, repeat, NULL, 1);
		before_timing(r);
		counters(&c0);
		t_x = run_ns(prog_fd, r, repeat, NULL, 1);
		counters(&c1);
		direct_ok = r->reason >= 0 ? moved(&c0, &c1, r->reason) == repeat : ret != XDP_TX;
	}
	r->net[round] = t_wx - t_we;
	r->direct[round] = direct_ok ? t_x - t_e : NAN;
	/*
	 * Own mode's tc hand-off on traffic without XDP metadata (all
	 * but validated handshake ACKs), minus an empty tc program.
	 */
	if (has_opt(r, "tc"))
		r->tc[round] =
			run_ns(bpf_program__fd(m.tc->progs.synx_tc), r, repeat, NULL, 0) -
			run_ns(bpf_program__fd(m.wrap->progs.bench_empty_tc), r, repeat, NULL, 0);
	if (round == 0)
		printf("verdict %s %u\n", r->name, ret);
	if (r == &rows[0])
		printf("calib %d wrapper_empty_ns %.1f empty_ns %.1f\n", round, t_we, t_e);

	if (cfg != CFG_DEFAULT)
		set_config(CFG_DEFAULT);
	if (declined)
		write_sysctl("/proc/sys/net/ipv4/tcp_syncookies", "2");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n, double *lo, double *hi)
{
	double t[ROUNDS_MAX];

	memcpy(t, v, n * sizeof(*v));
	qsort(t, n, sizeof(*t), cmp_double);
	*lo = t[0];
	*hi = t[n - 1];
	return n & 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static void print_row(const struct micro_row *r, int rounds)
{
	double lo, hi, dlo = NAN, dhi = NAN, med, dmed = NAN;
	int all_direct = 1;

	med = median(r->net, rounds, &lo, &hi);
	for (int k = 0; k < rounds; k++)
		all_direct &= !isnan(r->direct[k]);
	if (all_direct)
		dmed = median(r->direct, rounds, &dlo, &dhi);
	printf("row %s %s %.1f %.1f %.1f %.1f %.1f %.1f\n", r->name, r->expect, med, lo, hi, dmed,
	       dlo, dhi);
	/* Per round too: rows of one round ran moments apart, ratios between them are tighter. */
	printf("rounds %s", r->name);
	for (int k = 0; k < rounds; k++)
		printf(" %.1f", r->net[k]);
	printf("\n");
	if (has_opt(r, "tc")) {
		med = median(r->tc, rounds, &lo, &hi);
		printf("tcrow %s %.1f %.1f %.1f\n", r->name, med, lo, hi);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "frames", required_argument, NULL, 'f' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "dev", required_argument, NULL, 'd' },
		{ "fwd-dev", required_argument, NULL, 'F' },
		{ "peer", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *peer_path = NULL;
	__u32 repeat = 0, dev = 0, fwd_dev = 0;
	int rounds = 0, c, lfd4, lfd6;

	bench_init("bench_micro");
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			bench_verbose = 1;
			break;
		case 'f':
			path = optarg;
			break;
		case 'n':
			repeat = opt_uint("--repeat", optarg, 1, 10000000);
			break;
		case 'r':
			rounds = opt_uint("--rounds", optarg, 1, ROUNDS_MAX);
			break;
		case 'd':
			dev = ifindex_of(optarg);
			break;
		case 'F':
			fwd_dev = ifindex_of(optarg);
			break;
		case 'p':
			peer_path = optarg;
			break;
		default:
			die("%s", usage);
		}
	}
	if (optind != argc || !path || !repeat || !rounds || !dev)
		die("%s", usage);
	load_rows(path, dev, fwd_dev);

	/* The listeners the SYN and ACK rows talk to; cookies always on (no flood needed). */
	write_sysctl("/proc/sys/net/ipv4/tcp_syncookies", "2");
	lfd4 = listen_on(AF_INET, 80);
	lfd6 = listen_on(AF_INET6, 80);
	make_established("198.18.0.1", "198.18.0.2");
	make_established("fd00::1", "fd00::2");

	load_programs(peer_path);
	prepare_rows();
	for (int round = 0; round < rounds; round++)
		for (int i = 0; i < nrows; i++)
			if (strncmp(rows[i].expect, "peer:", 5) || m.peer_fd >= 0)
				time_row(&rows[i], round, repeat);
	for (int i = 0; i < nrows; i++)
		if (strncmp(rows[i].expect, "peer:", 5) || m.peer_fd >= 0)
			print_row(&rows[i], rounds);
	close(lfd4);
	close(lfd6);
	synx__destroy(m.synx);
	bench_micro__destroy(m.wrap);
	bench_bounds__destroy(m.bounds);
	bench_parts__destroy(m.parts);
	return 0;
}
