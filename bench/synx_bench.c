// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx_bench: the userspace half of `make bench` (bench/run.sh drives it).
 *
 *   attach DEV sink|reflect|drop|pass [--csum-every N]
 *                      load a bench program and attach it in native mode
 *   attach DEV synproxy --obj FILE --ports P[,P] [--mss4 N --mss6 N --wscale N --ttl N]
 *                      the peer: the kernel's xdp_synproxy, configured as its userspace does
 *   peer-stats DEV     SYN-ACKs the attached peer has sent
 *   peer-check OBJ     load the peer's object once; print the verifier's statistics
 *   detach DEV         remove whatever XDP program DEV has (native mode)
 *   sink-stats DEV     the counters of the bench_sink program on DEV
 *   gen DEV --kind syn4|syn6|ack4|ack6 --smac M --dmac M --dst A
 *       --dport P --count N --secs S [--rate PPS] [--batch B] [--cpu C]
 *                      generate: BPF_PROG_TEST_RUN + LIVE_FRAMES, XDP_TX on DEV
 *   serve --port P --secs S          listen on 0.0.0.0:P and [::]:P; accept, send 1 byte, close
 *   clients --dst A --port P --secs S [--gap-ms G] [--timeout-ms T]
 *                      sequential real connections (connect, then the server's byte);
 *                      success and latency
 *   micro --frames FILE --repeat N --rounds R [--dev DEV] [--peer OBJ]
 *                      per packet class ns through BPF_PROG_TEST_RUN, DEV as the
 *                      frames' ingress device; OBJ: the peer, for its rows
 *   probe-tracing      may fentry/freplace programs target synx here?
 *
 * Every load is bounded twice, by a count and by seconds, and stops by itself.
 * Output is "key value" lines (and "row ..." lines for micro) for run.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "synx_config.h"
#include "synx.skel.h"
#include "counters.h"
#include "bench.h"
#include "bench/bench_gen.skel.h"
#include "bench/bench_sink.skel.h"
#include "bench/bench_bounds.skel.h"
#include "bench/bench_micro.skel.h"
#include "bench/bench_probe.skel.h"
#include "bench/bench_parts.skel.h"

static int verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "synx_bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int ifindex_of(const char *dev)
{
	int i = if_nametoindex(dev);

	if (!i)
		die("no interface %s", dev);
	return i;
}

static void parse_mac(const char *s, __u8 *mac)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		   &mac[4], &mac[5]) != 6)
		die("bad MAC %s", s);
}

/* ------------------------------------------------------------ checksums */

static __u32 sum16(const void *p, size_t len, __u32 s)
{
	const __u8 *b = p;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (b[i] << 8) | b[i + 1];
	if (len & 1)
		s += b[len - 1] << 8;
	return s;
}

static __u16 fold(__u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* Recompute the IPv4 header and TCP checksums of an Ethernet frame (no VLAN, no ext headers). */
static void frame_fix_csums(__u8 *f, size_t len)
{
	__u16 proto = f[12] << 8 | f[13];
	size_t l4, seg;
	__u32 s;

	if (proto == 0x0800) {
		size_t ihl = (f[14] & 0xf) * 4;

		f[24] = f[25] = 0;
		s = ~fold(sum16(f + 14, ihl, 0)) & 0xffff;
		f[24] = s >> 8, f[25] = s;
		l4 = 14 + ihl;
		seg = (f[16] << 8 | f[17]) - ihl;
		s = sum16(f + 26, 8, 0) + 6 + seg;
	} else {
		l4 = 54;
		seg = f[18] << 8 | f[19];
		s = sum16(f + 22, 32, 0) + 6 + seg;
	}
	if (l4 + seg > len)
		return;
	f[l4 + 16] = f[l4 + 17] = 0;
	s = ~fold(sum16(f + l4, seg, s)) & 0xffff;
	f[l4 + 16] = s >> 8, f[l4 + 17] = s;
}

/* ------------------------------------ the peer: the kernel's xdp_synproxy */

/*
 * The XDP SYN proxy that ships with the kernel (its selftests' xdp_synproxy,
 * built at bench time from Debian's linux-source package by
 * bench/peer_build.sh; nothing of it lives in this repository).  Only its
 * XDP program is loaded, and it is configured the way its own userspace
 * (xdp_synproxy.c) does it, through two array maps found by name:
 *
 *   values[0]         (mss6 << 32) | (ttl << 24) | (wscale << 16) | mss4
 *                     (0: the program's built-in defaults)
 *   values[1]         SYN-ACKs it sent (the program counts them)
 *   allowed_ports[i]  __u16 ports in host order, ended by a 0 (8 slots)
 *
 * Its userspace attaches first and fills the maps after; here the maps are
 * filled before the attach, so that no SYN meets an empty port list (which
 * the program answers with XDP_DROP).
 */
struct peer_cfg {
	unsigned long mss4, mss6, wscale, ttl;
	__u16 ports[8];
	int nports;
};

#define PEER_PROG "syncookie_xdp"

/* Open and load the peer's object, its XDP program only; @log gets the verifier's statistics. */
static struct bpf_object *peer_load(const char *path, char *log, size_t log_len)
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

static void peer_configure(struct bpf_object *obj, const struct peer_cfg *c)
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
		if (bpf_map__update_elem(ports, &key, sizeof(key), &c->ports[key], sizeof(__u16), 0))
			die("peer allowed_ports: %s", strerror(errno));
	if (key < 8 && bpf_map__update_elem(ports, &key, sizeof(key), &end, sizeof(end), 0))
		die("peer allowed_ports: %s", strerror(errno));
}

/* Parse the peer's settings, with xdp_synproxy's own bounds. */
static int peer_opt(struct peer_cfg *c, const char *opt, const char *val)
{
	char *end;
	unsigned long v;

	if (!strcmp(opt, "--ports")) {
		char buf[128], *tok, *save;

		snprintf(buf, sizeof(buf), "%s", val);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			v = strtoul(tok, &end, 10);
			if (*end || !v || v > 65535 || c->nports >= 7)
				die("bad --ports %s (1-7 ports, 1-65535)", val);
			c->ports[c->nports++] = v;
		}
		return 1;
	}
	v = strtoul(val, &end, 10);
	if (*end || !*val)
		die("bad %s %s", opt, val);
	if (!strcmp(opt, "--mss4") && v && v <= 65535)
		c->mss4 = v;
	else if (!strcmp(opt, "--mss6") && v && v <= 65535)
		c->mss6 = v;
	else if (!strcmp(opt, "--wscale") && v && v <= 14)
		c->wscale = v;
	else if (!strcmp(opt, "--ttl") && v && v <= 255)
		c->ttl = v;
	else
		return 0;
	return 1;
}

/* The peer's SYN-ACK counter, values[1]. */
static __u64 peer_synacks(int values_fd)
{
	__u32 key = 1;
	__u64 v = 0;

	if (bpf_map_lookup_elem(values_fd, &key, &v))
		die("peer values: %s", strerror(errno));
	return v;
}

/* ------------------------------------------------------ attach / detach */

static int cmd_attach(int argc, char **argv)
{
	/* The peer's settings: the selftest's (test_xdp_synproxy). */
	struct peer_cfg pc = { .mss4 = 1460, .mss6 = 1440, .wscale = 7, .ttl = 64 };
	const char *what, *obj_path = NULL;
	int ifindex, fd, err, csum_every = 1;

	if (argc < 3)
		die("usage: attach DEV sink|reflect|drop|pass [--csum-every N]\n"
		    "       attach DEV synproxy --obj FILE --ports P[,P] [--mss4 N --mss6 N "
		    "--wscale N --ttl N]");
	ifindex = ifindex_of(argv[1]);
	what = argv[2];
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--csum-every"))
			csum_every = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--obj"))
			obj_path = argv[i + 1];
		else if (!peer_opt(&pc, argv[i], argv[i + 1]))
			die("attach: unknown option %s", argv[i]);
	}

	if (!strcmp(what, "synproxy")) {
		struct bpf_object *obj;

		if (!obj_path || !pc.nports)
			die("attach synproxy needs --obj and --ports");
		obj = peer_load(obj_path, NULL, 0);
		peer_configure(obj, &pc);
		fd = bpf_program__fd(bpf_object__find_program_by_name(obj, PEER_PROG));
	} else if (!strcmp(what, "sink")) {
		struct bench_sink *s = bench_sink__open();

		if (!s)
			die("open sink: %s", strerror(errno));
		s->rodata->csum_every = csum_every > 0 ? csum_every : 1;
		if (bench_sink__load(s))
			die("load sink");
		fd = bpf_program__fd(s->progs.bench_sink);
	} else {
		struct bench_bounds *b = bench_bounds__open_and_load();

		if (!b)
			die("load bounds: %s", strerror(errno));
		if (!strcmp(what, "reflect"))
			fd = bpf_program__fd(b->progs.bench_reflect);
		else if (!strcmp(what, "drop"))
			fd = bpf_program__fd(b->progs.bench_drop);
		else if (!strcmp(what, "pass"))
			fd = bpf_program__fd(b->progs.bench_pass);
		else
			die("unknown program %s", what);
	}
	/* A netlink attachment, not a bpf_link: it outlives this process. */
	err = bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		die("attach %s to %s: %s", what, argv[1], strerror(-err));
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	int err;

	if (argc < 2)
		die("usage: detach DEV");
	err = bpf_xdp_detach(ifindex_of(argv[1]), XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		die("detach %s: %s", argv[1], strerror(-err));
	return 0;
}

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

/* The map called NAME of the XDP program attached to DEV, or -1. */
static int map_of_xdp_prog(const char *dev, const char *name)
{
	struct bpf_prog_info info = {};
	__u32 prog_id = 0, map_ids[8], len = sizeof(info);
	int fd, map_fd = -1;

	if (bpf_xdp_query_id(ifindex_of(dev), XDP_FLAGS_DRV_MODE, &prog_id) || !prog_id)
		die("no XDP program on %s", dev);
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		die("prog %u: %s", prog_id, strerror(errno));
	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("prog info: %s", strerror(errno));
	for (__u32 i = 0; i < info.nr_map_ids && i < 8; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int m = bpf_map_get_fd_by_id(map_ids[i]);

		if (m < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(m, &mi, &mlen) && !strcmp(mi.name, name)) {
			map_fd = m;
			break;
		}
		close(m);
	}
	close(fd);
	return map_fd;
}

/* The peer's SYN-ACK counter, for run.sh's snapshots. */
static int cmd_peer_stats(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		die("usage: peer-stats DEV");
	fd = map_of_xdp_prog(argv[1], "values");
	if (fd < 0)
		die("the program on %s is not the xdp_synproxy peer", argv[1]);
	printf("synacks %llu\n", (unsigned long long)peer_synacks(fd));
	return 0;
}

/*
 * Can the peer's object be loaded here?  Prints the verifier's statistics
 * line ("processed N insns ..."), or dies with libbpf's reason.
 */
static int cmd_peer_check(int argc, char **argv)
{
	static char log[1 << 16];
	struct bpf_object *obj;
	char *line;

	if (argc < 2)
		die("usage: peer-check OBJ");
	obj = peer_load(argv[1], log, sizeof(log));
	line = strstr(log, "processed ");
	if (line)
		line[strcspn(line, "\n")] = 0;
	printf("%s\n", line ? line : "loaded");
	bpf_object__close(obj);
	return 0;
}

/* Find the sink's map through the program attached to DEV. */
static int cmd_sink_stats(int argc, char **argv)
{
	int ncpus = libbpf_num_possible_cpus(), map_fd;

	if (argc < 2)
		die("usage: sink-stats DEV");
	map_fd = map_of_xdp_prog(argv[1], "sink_stats");
	if (map_fd < 0)
		die("the program on %s is not bench_sink", argv[1]);
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

/* ------------------------------------------------------------ generator */

/* Linux's SYN options: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7. */
static const __u8 linux_syn_opts[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x01, 0x02,
					 0x03, 0x04, 0, 0, 0, 0, 1, 3, 3, 7 };

static size_t build_template(__u8 *f, int kind, const __u8 *smac, const __u8 *dmac,
			     const char *dst, int dport)
{
	size_t l4, len;
	__u8 *th;

	memset(f, 0, BENCH_TMPL_WORDS * 8);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	if (kind == BENCH_SYN6 || kind == BENCH_ACK6) {
		len = kind == BENCH_ACK6 ? BENCH_ACK6_LEN : BENCH_SYN6_LEN;
		f[12] = 0x86, f[13] = 0xdd;
		f[14] = 0x60;
		f[19] = len - 54;   /* payload length */
		f[20] = 6, f[21] = 64; /* next header TCP, hop limit */
		f[22] = 0xfd;       /* source fd00:0:0:1::/64, low bits randomised */
		f[29] = 1;
		if (inet_pton(AF_INET6, dst, f + 38) != 1)
			die("bad IPv6 destination %s", dst);
		l4 = 54;
	} else {
		len = kind == BENCH_ACK4 ? BENCH_ACK4_LEN : BENCH_SYN4_LEN;
		f[12] = 0x08, f[13] = 0x00;
		f[14] = 0x45;
		f[16] = (len - 14) >> 8, f[17] = len - 14;
		f[20] = 0x40;            /* DF */
		f[22] = 64, f[23] = 6;   /* TTL, TCP */
		f[26] = 198, f[27] = 18; /* 198.18.0.0: low 16 bits randomised */
		if (inet_pton(AF_INET, dst, f + 30) != 1)
			die("bad IPv4 destination %s", dst);
		l4 = 34;
	}
	th = f + l4;
	th[2] = dport >> 8, th[3] = dport;
	if (kind == BENCH_ACK4 || kind == BENCH_ACK6) {
		th[12] = 8 << 4;
		th[13] = 0x10; /* ACK */
		th[14] = 0x01, th[15] = 0xf5;
		memcpy(th + 20, (const __u8[]){ 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7 }, 12);
	} else {
		th[12] = 10 << 4;
		th[13] = 0x02; /* SYN */
		th[14] = 0xfa, th[15] = 0xf0; /* 64240 */
		memcpy(th + 20, linux_syn_opts, sizeof(linux_syn_opts));
	}
	frame_fix_csums(f, len);
	return len;
}

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

		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &u, &ni, &sy,
			   &id, &io, &irq, &sirq, &st) == 9 && cpu == n)
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

#define WATCH_MAX 16

static int cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, 0, 'k' },  { "smac", required_argument, 0, 's' },
		{ "dmac", required_argument, 0, 'd' },  { "dst", required_argument, 0, 'a' },
		{ "dport", required_argument, 0, 'p' }, { "count", required_argument, 0, 'n' },
		{ "secs", required_argument, 0, 't' },  { "rate", required_argument, 0, 'r' },
		{ "batch", required_argument, 0, 'b' }, { "cpu", required_argument, 0, 'c' },
		{ "watch", required_argument, 0, 'w' }, { 0 }
	};
	const char *dev, *dst = NULL, *kind_s = "syn4";
	__u8 smac[6] = {}, dmac[6] = {}, frame[BENCH_TMPL_WORDS * 8];
	unsigned long long count = 1000000, rate = 0, sent = 0, busy0[64], busy1[64];
	double secs = 2;
	int kind, dport = 80, batch = 64, cpu = -1, c, ncpu, err;
	struct bench_gen *g;
	size_t len;
	__u64 t0, t1, deadline;
	long hz = sysconf(_SC_CLK_TCK);
	char *watch[WATCH_MAX], *role[WATCH_MAX], *tok;
	unsigned long long w0[WATCH_MAX], self0;
	int nwatch = 0;

	if (argc < 2)
		die("usage: gen DEV --kind K ...");
	dev = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': kind_s = optarg; break;
		case 's': parse_mac(optarg, smac); break;
		case 'd': parse_mac(optarg, dmac); break;
		case 'a': dst = optarg; break;
		case 'p': dport = atoi(optarg); break;
		case 'n': count = strtoull(optarg, NULL, 0); break;
		case 't': secs = atof(optarg); break;
		case 'r': rate = strtoull(optarg, NULL, 0); break;
		case 'b': batch = atoi(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		case 'w':
			/* Threads whose CPU time to report: ROLE=PID,... */
			for (tok = strtok(optarg, ","); tok && nwatch < WATCH_MAX; tok = strtok(NULL, ",")) {
				char *eq = strchr(tok, '=');

				if (!eq || !eq[1])
					continue;
				*eq = 0;
				role[nwatch] = tok;
				watch[nwatch++] = eq + 1;
			}
			break;
		default: die("bad gen option");
		}
	}
	if (!strcmp(kind_s, "syn4"))
		kind = BENCH_SYN4;
	else if (!strcmp(kind_s, "syn6"))
		kind = BENCH_SYN6;
	else if (!strcmp(kind_s, "ack4"))
		kind = BENCH_ACK4;
	else if (!strcmp(kind_s, "ack6"))
		kind = BENCH_ACK6;
	else
		die("unknown kind %s", kind_s);
	if (!dst)
		die("--dst is required");
	if (secs <= 0 || secs > 60 || count == 0 || count > 1000000000ULL)
		die("loads are bounded: 0 < secs <= 60, 0 < count <= 1e9");
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("pin to CPU %d: %s", cpu, strerror(errno));
	}

	len = build_template(frame, kind, smac, dmac, dst, dport);
	g = bench_gen__open();
	if (!g)
		die("open generator: %s", strerror(errno));
	g->rodata->kind = kind;
	g->rodata->gap_ns = rate ? 1000000000ULL / rate : 0;
	memcpy((void *)g->rodata->tmpl, frame, sizeof(frame));
	if (bench_gen__load(g))
		die("load generator");

	ncpu = cpu_busy(busy0, 64);
	for (int i = 0; i < nwatch; i++)
		w0[i] = runtime_ns(watch[i]);
	self0 = runtime_ns("thread-self");
	t0 = now_ns();
	deadline = t0 + (__u64)(secs * 1e9);
	/*
	 * Chunks of ~20 ms (or 64k frames at full speed), so that both bounds
	 * are checked often; the per-call setup (~0.4 ms) is amortised.
	 */
	while (sent < count && now_ns() < deadline) {
		unsigned long long chunk = rate ? (rate / 50 ? rate / 50 : 1) : 65536;
		struct xdp_md ctx_in = { .data_end = len, .ingress_ifindex = ifindex_of(dev) };
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = frame, .data_size_in = len,
			    .ctx_in = &ctx_in, .ctx_size_in = sizeof(ctx_in),
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = batch);

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
	for (int i = 0; i < nwatch; i++)
		printf("runtime_ns.%s.%s %llu\n", role[i], watch[i], runtime_ns(watch[i]) - w0[i]);
	cpu_busy(busy1, 64);
	printf("sent %llu\nelapsed_ns %llu\n", sent, (unsigned long long)(t1 - t0));
	for (int i = 0; i < ncpu; i++)
		printf("cpu%d_busy_ns %llu\n", i, (busy1[i] - busy0[i]) * (1000000000ULL / hz));
	bench_gen__destroy(g);
	return 0;
}

/* -------------------------------------------------------- real traffic */

static int listen_on(int family, int port)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	struct sockaddr_storage ss = {};
	socklen_t sl;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (void *)&ss;

		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (void *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		sl = sizeof(*a);
	}
	if (bind(fd, (void *)&ss, sl) || listen(fd, 4096))
		die("listen on port %d: %s", port, strerror(errno));
	return fd;
}

static int cmd_serve(int argc, char **argv)
{
	int port = 80;
	double secs = 10;
	struct pollfd p[2];
	__u64 end;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--port"))
			port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--secs"))
			secs = atof(argv[i + 1]);
	}
	if (secs <= 0 || secs > 3600)
		die("serve is bounded: 0 < secs <= 3600");
	p[0] = (struct pollfd){ .fd = listen_on(AF_INET, port), .events = POLLIN };
	p[1] = (struct pollfd){ .fd = listen_on(AF_INET6, port), .events = POLLIN };
	printf("listening\n");
	fflush(stdout);
	end = now_ns() + (__u64)(secs * 1e9);
	while (now_ns() < end) {
		if (poll(p, 2, 100) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			int c;

			/*
			 * One byte, then close: a client counts a connection only
			 * once that byte arrives, i.e. once the handshake reached
			 * this socket (a SYN-ACK alone proves nothing behind a proxy).
			 */
			while ((c = accept(p[i].fd, NULL, NULL)) >= 0) {
				if (send(c, "k", 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
					perror("serve: send");
				close(c);
			}
		}
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * One connection with a deadline: connect(), then the server's one byte
 * (cmd_serve).  Returns the time until that byte in ns, or 0 on failure;
 * *synack_only is set when connect() succeeded (a SYN-ACK came back) but
 * the byte never did: the handshake's ACK did not reach the server.
 */
static __u64 connect_once(const struct sockaddr *sa, socklen_t sl, int timeout_ms,
			  int *synack_only)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0, left;
	socklen_t el = sizeof(err);
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	__u64 t0 = now_ns(), t = 0;
	char b;

	*synack_only = 0;
	if (fd < 0)
		return 0;
	if (connect(fd, sa, sl) == 0 ||
	    (errno == EINPROGRESS && poll(&p, 1, timeout_ms) == 1 &&
	     !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) && !err)) {
		left = timeout_ms - (int)((now_ns() - t0) / 1000000);
		p.events = POLLIN;
		if (left > 0 && poll(&p, 1, left) == 1 && recv(fd, &b, 1, 0) == 1)
			t = now_ns() - t0;
		else
			*synack_only = 1;
	}
	close(fd);
	return t;
}

static int cmd_clients(int argc, char **argv)
{
	const char *dst = NULL;
	int port = 80, gap_ms = 20, timeout_ms = 3000;
	double secs = 2;
	struct sockaddr_storage ss = {};
	socklen_t sl;
	__u64 end, *lat;
	size_t n = 0, ok = 0, half = 0, cap = 100000;
	int synack_only;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--dst"))
			dst = argv[i + 1];
		else if (!strcmp(argv[i], "--port"))
			port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--secs"))
			secs = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--gap-ms"))
			gap_ms = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--timeout-ms"))
			timeout_ms = atoi(argv[i + 1]);
	}
	if (!dst || secs <= 0 || secs > 60)
		die("usage: clients --dst A --port P --secs S (<= 60)");
	if (strchr(dst, ':')) {
		struct sockaddr_in6 *a = (void *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, dst, &a->sin6_addr);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (void *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, dst, &a->sin_addr);
		sl = sizeof(*a);
	}
	lat = calloc(cap, sizeof(*lat));
	end = now_ns() + (__u64)(secs * 1e9);
	while (now_ns() < end && n < cap) {
		__u64 t = connect_once((void *)&ss, sl, timeout_ms, &synack_only);

		n++;
		if (t)
			lat[ok++] = t;
		half += synack_only;
		usleep(gap_ms * 1000);
	}
	qsort(lat, ok, sizeof(*lat), cmp_u64);
	printf("attempts %zu\nok %zu\nfailed %zu\nsynack_only %zu\n", n, ok, n - ok, half);
	if (ok) {
		printf("p50_us %.1f\np99_us %.1f\nmax_us %.1f\n", lat[(ok - 1) / 2] / 1e3,
		       lat[(ok * 99 + 99) / 100 - 1] / 1e3, lat[ok - 1] / 1e3);
		/* Raw samples, for pooling percentiles across rounds. */
		printf("samples_us");
		for (size_t i = 0; i < ok; i++)
			printf(" %.1f", lat[i] / 1e3);
		printf("\n");
	}
	return 0;
}

/* ------------------------------------------------------ micro-benchmark */

#define MICRO_ROWS 96
#define MICRO_FRAME_MAX 256

struct micro_row {
	char name[48];
	__u8 frame[MICRO_FRAME_MAX];
	size_t len;
	char expect[40]; /* synx reason name, or bound:reflect / bound:drop */
	char opts[80];   /* cfg=unprot, syncookies=1, ackof=ROW */
	int reason;      /* index of expect, or -1 */
	__u32 forget_slot; /* follow-up slot a handshake ACK notes, or ~0U */
	int prime;       /* row to run once before each timing, or -1 */
	double net[64], direct[64], tc[64];
};

static struct micro_row rows[MICRO_ROWS];
static int nrows;

static int hexval(int c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static void load_rows(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[2048], hex[1024];

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) && nrows < MICRO_ROWS) {
		struct micro_row *r = &rows[nrows];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		r->opts[0] = 0;
		if (sscanf(line, "%47s %1023s %39s %79s", r->name, hex, r->expect, r->opts) < 3)
			die("bad frames line: %s", line);
		if (!strcmp(r->opts, "-"))
			r->opts[0] = 0;
		r->len = strlen(hex) / 2;
		if (r->len > MICRO_FRAME_MAX)
			die("frame %s too long", r->name);
		for (size_t i = 0; i < r->len; i++)
			r->frame[i] = hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]);
		r->reason = synx_reason_by_name(r->expect);
		r->forget_slot = ~0U;
		r->prime = -1;
		nrows++;
	}
	fclose(f);
}

static void write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die("sysctl %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * The device XDP runs see as their ingress (ctx->ingress_ifindex, and with
 * it the netns, MTU and MAC): a device of the micro netns that holds the
 * DUT's addresses, whose MAC every frame is sent to (run.sh, frames.py).
 * 0: the kernel's default, the netns's loopback.
 */
static int micro_ifindex;

/*
 * Test-run options for one XDP run of @len bytes; @ctx must live as long as
 * the options.  tc programs (synx_tc) get no context: theirs is an skb.
 */
static void xdp_run_ctx(struct bpf_test_run_opts *o, struct xdp_md *ctx, size_t len)
{
	if (!micro_ifindex)
		return;
	*ctx = (struct xdp_md){ .data_end = len, .ingress_ifindex = micro_ifindex };
	o->ctx_in = ctx;
	o->ctx_size_in = sizeof(*ctx);
}

/* Average ns per run of PROG on FRAME over REPEAT runs (the kernel's own timing). */
static double run_avg_ctx(int prog_fd, const void *frame, size_t len, int repeat, __u32 *retval,
			  int xdp)
{
	__u8 out[MICRO_FRAME_MAX + 512];
	struct xdp_md ctx;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = repeat);
	int err;

	if (xdp)
		xdp_run_ctx(&o, &ctx, len);
	err = bpf_prog_test_run_opts(prog_fd, &o);

	if (err)
		die("test_run (%zu bytes): %s", len, strerror(-err));
	if (retval)
		*retval = o.retval;
	return o.duration;
}

static double run_avg(int prog_fd, const void *frame, size_t len, int repeat, __u32 *retval)
{
	return run_avg_ctx(prog_fd, frame, len, repeat, retval, 1);
}

static __u64 reason_count(struct synx *s, int reason)
{
	int ncpus = libbpf_num_possible_cpus();
	struct synx_counter v[ncpus];
	__u32 key = reason;
	__u64 sum = 0;

	if (reason < 0 || bpf_map__lookup_elem(s->maps.synx_counters, &key, sizeof(key), v,
					       sizeof(v), 0))
		return 0;
	for (int i = 0; i < ncpus; i++)
		sum += v[i].packets;
	return sum;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n, double *lo, double *hi)
{
	double t[64];

	memcpy(t, v, n * sizeof(*v));
	qsort(t, n, sizeof(*t), cmp_double);
	*lo = t[0];
	*hi = t[n - 1];
	return n & 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Complete a handshake ACK: ack = the cookie synx put in SYN's SYN-ACK, + 1. */
static void make_cookie_ack(struct synx *s, struct micro_row *ack, const struct micro_row *syn)
{
	__u8 out[MICRO_FRAME_MAX + 512];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = syn->frame, .data_size_in = syn->len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	struct xdp_md ctx;
	size_t l4s, l4a;
	__u32 cookie;

	xdp_run_ctx(&o, &ctx, syn->len);

	if (bpf_prog_test_run_opts(bpf_program__fd(s->progs.synx_xdp), &o) || o.retval != XDP_TX)
		die("%s: %s did not produce a SYN-ACK", ack->name, syn->name);
	l4s = out[12] == 0x86 ? 54 : 14 + (out[14] & 0xf) * 4;
	l4a = ack->frame[12] == 0x86 ? 54 : 14 + (ack->frame[14] & 0xf) * 4;
	memcpy(&cookie, out + l4s + 4, 4);
	cookie = htonl(ntohl(cookie) + 1);
	memcpy(ack->frame + l4a + 8, &cookie, 4);
	frame_fix_csums(ack->frame, ack->len);
}

/* Run ROW's frame once through synx (repeat 1); returns the XDP verdict. */
static __u32 run_once(struct synx *s, const struct micro_row *r)
{
	__u8 out[MICRO_FRAME_MAX + 512];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = r->frame, .data_size_in = r->len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	struct xdp_md ctx;

	xdp_run_ctx(&o, &ctx, r->len);
	if (bpf_prog_test_run_opts(bpf_program__fd(s->progs.synx_xdp), &o))
		die("%s: test_run: %s", r->name, strerror(errno));
	return o.retval;
}

/*
 * The follow-up cache slot a handshake ACK row notes (bpf/followup.h): empty
 * the cache, pass the ACK once and see which slot it filled.
 */
static __u32 find_followup_slot(struct synx *s, const struct micro_row *r)
{
	struct bpf_map *map = s->maps.synx_followup;
	__u32 n = bpf_map__max_entries(map), vsz = bpf_map__value_size(map), found = ~0U;
	__u8 v[256] = {};

	if (vsz > sizeof(v))
		die("synx_followup value of %u bytes", vsz);
	for (__u32 k = 0; k < n; k++)
		if (bpf_map__update_elem(map, &k, sizeof(k), v, vsz, 0))
			die("synx_followup: %s", strerror(errno));
	run_once(s, r);
	for (__u32 k = 0; k < n; k++) {
		static const __u8 zero[256];

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
static void before_timing(struct synx *s, const struct micro_row *r)
{
	if (r->prime >= 0)
		run_once(s, &rows[r->prime]);
}

/* Established 4-tuples for the "established data" rows: SRC:40001 -> DST:80. */
static void make_established(int family, const char *src, const char *dst)
{
	struct sockaddr_storage a = {}, b = {};
	socklen_t sl;
	int fd = socket(family, SOCK_STREAM, 0), one = 1;

	if (family == AF_INET) {
		struct sockaddr_in *x = (void *)&a, *y = (void *)&b;

		x->sin_family = y->sin_family = AF_INET;
		x->sin_port = htons(40001);
		y->sin_port = htons(80);
		inet_pton(AF_INET, src, &x->sin_addr);
		inet_pton(AF_INET, dst, &y->sin_addr);
		sl = sizeof(*x);
	} else {
		struct sockaddr_in6 *x = (void *)&a, *y = (void *)&b;

		x->sin6_family = y->sin6_family = AF_INET6;
		x->sin6_port = htons(40001);
		y->sin6_port = htons(80);
		inet_pton(AF_INET6, src, &x->sin6_addr);
		inet_pton(AF_INET6, dst, &y->sin6_addr);
		sl = sizeof(*x);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&a, sl) || connect(fd, (void *)&b, sl))
		die("established %s -> %s: %s", src, dst, strerror(errno));
	/* Kept open (and leaked on purpose) for the life of the process. */
}

enum { CFG_DEFAULT, CFG_UNPROTECTED, CFG_OWN };

static void set_config(struct synx *s, int mode)
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
	if (bpf_map__update_elem(s->maps.synx_config, &key, sizeof(key), &c, sizeof(c), 0))
		die("config: %s", strerror(errno));
}

static int cmd_micro(int argc, char **argv)
{
	const char *path = NULL, *peer_path = NULL;
	int repeat = 1000000, rounds = 5, lfd4, lfd6, prog_fd, restore_fd, empty_fd, arr_fd;
	int tc_fd, tc_empty_fd, peer_fd = -1, peer_values = -1;
	struct bench_micro *m;
	struct bench_bounds *b;
	struct bench_parts *parts;
	struct synx *s;
	struct bpf_map *map;
	__u32 key = 0, ret;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--frames"))
			path = argv[i + 1];
		else if (!strcmp(argv[i], "--repeat"))
			repeat = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--dev"))
			micro_ifindex = ifindex_of(argv[i + 1]);
		else if (!strcmp(argv[i], "--peer"))
			peer_path = argv[i + 1];
	}
	if (!path || repeat < 1 || repeat > 10000000 || rounds < 1 || rounds > 64)
		die("usage: micro --frames FILE --repeat N (<= 1e7) --rounds R (<= 64) [--dev DEV] "
		    "[--peer OBJ]");
	load_rows(path);

	/* The listeners the SYN and ACK rows talk to; cookies always on (no flood needed). */
	write_sysctl("/proc/sys/net/ipv4/tcp_syncookies", "2");
	lfd4 = listen_on(AF_INET, 80);
	lfd6 = listen_on(AF_INET6, 80);
	make_established(AF_INET, "198.18.0.1", "198.18.0.2");
	make_established(AF_INET6, "fd00::1", "fd00::2");

	s = synx__open();
	if (!s)
		die("open synx: %s", strerror(errno));
	bpf_object__for_each_map(map, s->obj)
		bpf_map__set_pin_path(map, NULL); /* nothing in bpffs */
	if (synx__load(s))
		die("load synx");
	/* The wrapper shares synx's follow-up cache, to expire a slot per run. */
	m = bench_micro__open();
	if (!m || bpf_map__reuse_fd(m->maps.synx_followup, bpf_map__fd(s->maps.synx_followup)) ||
	    bench_micro__load(m))
		die("load bench_micro");
	b = bench_bounds__open_and_load();
	parts = bench_parts__open_and_load();
	if (!b || !parts)
		die("load bench programs");
	{
		/* Own-cookie keys, used only by the rows that switch the config to own cookies. */
		struct synx_cookie_keys k = { .cur = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL },
					      .generation = 1 };

		if (bpf_map__update_elem(s->maps.synx_keys, &key, sizeof(key), &k, sizeof(k), 0))
			die("synx_keys: %s", strerror(errno));
	}
	if (peer_path) {
		/* The peer, configured as in the lab (run.sh): rows "peer:tx" / "peer:drop". */
		struct peer_cfg pc = { .mss4 = 1460, .mss6 = 1440, .wscale = 7, .ttl = 64,
				       .ports = { 80 }, .nports = 1 };
		struct bpf_object *po = peer_load(peer_path, NULL, 0);

		peer_configure(po, &pc);
		peer_fd = bpf_program__fd(bpf_object__find_program_by_name(po, PEER_PROG));
		peer_values = bpf_map__fd(bpf_object__find_map_by_name(po, "values"));
	}
	restore_fd = bpf_program__fd(m->progs.bench_restore);
	empty_fd = bpf_program__fd(m->progs.bench_empty);
	tc_fd = bpf_program__fd(s->progs.synx_tc);
	tc_empty_fd = bpf_program__fd(m->progs.bench_empty_tc);
	arr_fd = bpf_map__fd(m->maps.progs);

	for (int i = 0; i < nrows; i++) {
		struct micro_row *r = &rows[i];
		const char *ackof = strstr(r->opts, "ackof=");

		if (ackof) {
			char name[48];

			sscanf(ackof + 6, "%47[^,]", name);
			for (int j = 0; j < nrows; j++) {
				if (strcmp(rows[j].name, name))
					continue;
				set_config(s, strstr(rows[j].opts, "cookie=own") ? CFG_OWN : CFG_DEFAULT);
				make_cookie_ack(s, r, &rows[j]);
				set_config(s, CFG_DEFAULT);
			}
		}
	}
	/* Prime rows and follow-up slots, once every cookie is in its ACK. */
	for (int i = 0; i < nrows; i++) {
		struct micro_row *r = &rows[i];
		const char *prime = strstr(r->opts, "prime=");

		if (prime) {
			char name[48];

			sscanf(prime + 6, "%47[^,]", name);
			for (int j = 0; j < nrows; j++)
				if (!strcmp(rows[j].name, name))
					r->prime = j;
			if (r->prime < 0)
				die("%s: no row %s to prime with", r->name, name);
		}
		if (r->reason == SYNX_R_PASS_COOKIE_OK || r->reason == SYNX_R_PASS_OWN_COOKIE_OK) {
			set_config(s, strstr(r->opts, "cookie=own") ? CFG_OWN : CFG_DEFAULT);
			r->forget_slot = find_followup_slot(s, r);
			set_config(s, CFG_DEFAULT);
		}
	}

	for (int round = 0; round < rounds; round++) {
		for (int i = 0; i < nrows; i++) {
			struct micro_row *r = &rows[i];
			int cfg = strstr(r->opts, "cfg=unprot") ? CFG_UNPROTECTED
				  : strstr(r->opts, "cookie=own") ? CFG_OWN : CFG_DEFAULT;
			int declined = !!strstr(r->opts, "syncookies=1");
			double t_we, t_wx, t_e, t_x;
			__u64 snap[SYNX_REASON_SLOTS];
			int direct_ok;

			int peer = !strncmp(r->expect, "peer:", 5);
			int part = !strncmp(r->expect, "part:", 5);
			__u64 peer_sa = 0;

			if (part) {
				char pname[48];
				struct bpf_program *pp;

				snprintf(pname, sizeof(pname), "part_%s", r->expect + 5);
				pp = bpf_object__find_program_by_name(parts->obj, pname);
				if (!pp)
					die("%s: no program %s in bench_parts", r->name, pname);
				prog_fd = bpf_program__fd(pp);
			} else if (!strcmp(r->expect, "bound:reflect"))
				prog_fd = bpf_program__fd(b->progs.bench_reflect);
			else if (!strcmp(r->expect, "bound:drop"))
				prog_fd = bpf_program__fd(b->progs.bench_drop);
			else if (peer && peer_fd >= 0)
				prog_fd = peer_fd;
			else if (peer)
				continue; /* no peer object: its rows stay empty */
			else
				prog_fd = bpf_program__fd(s->progs.synx_xdp);
			if (cfg != CFG_DEFAULT)
				set_config(s, cfg);
			if (declined)
				write_sysctl("/proc/sys/net/ipv4/tcp_syncookies", "1");

			memcpy(m->bss->frame, r->frame, r->len);
			m->bss->frame_len = r->len;
			m->data->forget_slot = r->forget_slot;
			/* Alternate: wrapper -> empty, wrapper -> program, empty, program. */
			if (bpf_map_update_elem(arr_fd, &key, &empty_fd, 0))
				die("prog array: %s", strerror(errno));
			t_we = run_avg(restore_fd, r->frame, r->len, repeat, NULL);
			if (bpf_map_update_elem(arr_fd, &key, &prog_fd, 0))
				die("prog array: %s", strerror(errno));
			before_timing(s, r);
			for (int k = 0; k < SYNX_REASON_SLOTS; k++)
				snap[k] = reason_count(s, k);
			if (peer)
				peer_sa = peer_synacks(peer_values);
			t_wx = run_avg(restore_fd, r->frame, r->len, repeat, &ret);
			/* The peer's rows: every run a SYN-ACK (its counter), or the verdict. */
			if (round == 0 && peer && !strcmp(r->expect, "peer:tx") &&
			    peer_synacks(peer_values) - peer_sa != (__u64)repeat)
				printf("mismatch %s expected %s: %llu SYN-ACKs in %d runs\n", r->name,
				       r->expect,
				       (unsigned long long)(peer_synacks(peer_values) - peer_sa), repeat);
			if (round == 0 && peer && !strcmp(r->expect, "peer:drop") && ret != XDP_DROP)
				printf("mismatch %s expected %s: verdict %u\n", r->name, r->expect, ret);
			if (round == 0 && part && ret != XDP_PASS)
				printf("mismatch %s expected %s: verdict %u\n", r->name, r->expect, ret);
			if (round == 0 && r->reason >= 0 &&
			    reason_count(s, r->reason) - snap[r->reason] != (__u64)repeat) {
				/* Say where the runs went instead: the figure is not the class's. */
				printf("mismatch %s expected %s:", r->name, r->expect);
				for (int k = 0; k < __SYNX_REASON_MAX; k++) {
					__u64 d = reason_count(s, k) - snap[k];

					if (d)
						printf(" %s=%llu", synx_reasons[k].name, (unsigned long long)d);
				}
				printf("\n");
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
				t_e = run_avg(empty_fd, r->frame, r->len, repeat, NULL);
				before_timing(s, r);
				if (r->reason >= 0)
					snap[0] = reason_count(s, r->reason);
				t_x = run_avg(prog_fd, r->frame, r->len, repeat, NULL);
				if (r->reason >= 0)
					direct_ok = reason_count(s, r->reason) - snap[0] == (__u64)repeat;
				else
					direct_ok = ret != XDP_TX;
			}
			r->net[round] = t_wx - t_we;
			r->direct[round] = direct_ok ? t_x - t_e : NAN;
			/*
			 * Own mode's tc hand-off on traffic without XDP metadata (all
			 * but validated handshake ACKs), minus an empty tc program.
			 */
			if (strstr(r->opts, "tc"))
				r->tc[round] = run_avg_ctx(tc_fd, r->frame, r->len, repeat, NULL, 0) -
					       run_avg_ctx(tc_empty_fd, r->frame, r->len, repeat, NULL, 0);
			if (round == 0)
				printf("verdict %s %u\n", r->name, ret);
			if (i == 0)
				printf("calib %d wrapper_empty_ns %.1f empty_ns %.1f\n", round, t_we, t_e);

			if (cfg != CFG_DEFAULT)
				set_config(s, CFG_DEFAULT);
			if (declined)
				write_sysctl("/proc/sys/net/ipv4/tcp_syncookies", "2");
		}
	}
	for (int i = 0; i < nrows; i++) {
		struct micro_row *r = &rows[i];
		double lo, hi, dlo = NAN, dhi = NAN, med, dmed = NAN;

		if (!strncmp(r->expect, "peer:", 5) && peer_fd < 0)
			continue;
		med = median(r->net, rounds, &lo, &hi);
		int all_direct = 1;

		for (int k = 0; k < rounds; k++)
			all_direct &= !isnan(r->direct[k]);
		if (all_direct)
			dmed = median(r->direct, rounds, &dlo, &dhi);
		printf("row %s %s %.1f %.1f %.1f %.1f %.1f %.1f\n", r->name, r->expect, med, lo, hi,
		       dmed, dlo, dhi);
		/* Per round too: rows of one round ran moments apart, ratios between them are tighter. */
		printf("rounds %s", r->name);
		for (int k = 0; k < rounds; k++)
			printf(" %.1f", r->net[k]);
		printf("\n");
		if (strstr(r->opts, "tc")) {
			med = median(r->tc, rounds, &lo, &hi);
			printf("tcrow %s %.1f %.1f %.1f\n", r->name, med, lo, hi);
		}
	}
	close(lfd4);
	close(lfd6);
	synx__destroy(s);
	bench_micro__destroy(m);
	bench_bounds__destroy(b);
	bench_parts__destroy(parts);
	return 0;
}

/* ------------------------------------------------------- tracing probes */

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

/* Can a tracing (fentry) or extension (freplace) program target synx here? */
static int cmd_probe_tracing(void)
{
	struct synx *s = synx__open();
	struct bpf_map *map;
	const char *f;

	if (!s)
		die("open synx");
	bpf_object__for_each_map(map, s->obj)
		bpf_map__set_pin_path(map, NULL);
	if (synx__load(s))
		die("load synx");
	libbpf_set_print(NULL); /* the expected refusals are not errors here */
	f = probe_one(bpf_program__fd(s->progs.synx_xdp), 1);
	printf("fentry on synx_xdp: %s; ", f);
	printf("freplace of synx_xdp: %s\n", probe_one(bpf_program__fd(s->progs.synx_xdp), 0));
	synx__destroy(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argc--, argv++;
	}
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		die("usage: synx_bench [-v] attach|detach|sink-stats|peer-stats|peer-check|gen|serve|"
		    "clients|micro ...");
	argv++, argc--;
	if (!strcmp(argv[0], "attach"))
		return cmd_attach(argc, argv);
	if (!strcmp(argv[0], "detach"))
		return cmd_detach(argc, argv);
	if (!strcmp(argv[0], "sink-stats"))
		return cmd_sink_stats(argc, argv);
	if (!strcmp(argv[0], "peer-stats"))
		return cmd_peer_stats(argc, argv);
	if (!strcmp(argv[0], "peer-check"))
		return cmd_peer_check(argc, argv);
	if (!strcmp(argv[0], "gen"))
		return cmd_gen(argc, argv);
	if (!strcmp(argv[0], "serve"))
		return cmd_serve(argc, argv);
	if (!strcmp(argv[0], "clients"))
		return cmd_clients(argc, argv);
	if (!strcmp(argv[0], "micro"))
		return cmd_micro(argc, argv);
	if (!strcmp(argv[0], "probe-tracing"))
		return cmd_probe_tracing();
	die("unknown command %s", argv[0]);
	return 1;
}
