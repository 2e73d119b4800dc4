// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx stats: the per-CPU decision counters, summed, by stable name.
 *
 * Names are the reason identifiers of include/synx_counters.h in lower
 * case (drop_ip4_ihl): they never change meaning, so scripts, the JSON keys
 * and the Prometheus labels can rely on them.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "commands.h"
#include "counters.h"
#include "options.h"
#include "params.h"
#include "prereqs.h"
#include "targets.h"

#define NR_VERDICTS (XDP_REDIRECT + 1)

struct stats_snap {
	int ncpus;
	bool have_verdicts;
	struct synx_counter reason[__SYNX_REASON_MAX];
	struct synx_counter verdict[NR_VERDICTS];
	struct synx_counter *pc_reason;  /* [reason * ncpus + cpu] */
	struct synx_counter *pc_verdict; /* [verdict * ncpus + cpu] */
	struct timespec ts;
};

static volatile sig_atomic_t stats_stop;

static void stats_on_signal(int sig)
{
	(void)sig;
	stats_stop = 1;
}

static void reason_key(int r, char *buf, size_t len)
{
	size_t i;

	for (i = 0; synx_reasons[r].name[i] && i + 1 < len; i++)
		buf[i] = tolower((unsigned char)synx_reasons[r].name[i]);
	buf[i] = '\0';
}

static int snap_alloc(struct stats_snap *s, int ncpus)
{
	memset(s, 0, sizeof(*s));
	s->ncpus = ncpus;
	s->pc_reason = calloc((size_t)__SYNX_REASON_MAX * ncpus, sizeof(struct synx_counter));
	s->pc_verdict = calloc((size_t)NR_VERDICTS * ncpus, sizeof(struct synx_counter));
	return s->pc_reason && s->pc_verdict ? 0 : -ENOMEM;
}

static void snap_free(struct stats_snap *s)
{
	free(s->pc_reason);
	free(s->pc_verdict);
}

static int snap_read(const struct synx_maps *m, struct stats_snap *s)
{
	int err;

	clock_gettime(CLOCK_MONOTONIC, &s->ts);
	for (int r = 0; r < __SYNX_REASON_MAX; r++) {
		err = synx_counter_read(m->fd[SYNX_MAP_IDX_COUNTERS], r, s->ncpus,
					&s->pc_reason[(size_t)r * s->ncpus], &s->reason[r]);
		if (err)
			return err;
	}
	s->have_verdicts = m->fd[SYNX_MAP_IDX_VERDICTS] >= 0;
	for (int v = 0; s->have_verdicts && v < NR_VERDICTS; v++) {
		err = synx_counter_read(m->fd[SYNX_MAP_IDX_VERDICTS], v, s->ncpus,
					&s->pc_verdict[(size_t)v * s->ncpus], &s->verdict[v]);
		if (err)
			return err;
	}
	return 0;
}

struct stats_src {
	struct synx_target *t;
	struct synx_maps m;
	struct stats_snap cur, prev;
	int monitor; /* SYNX_F_MONITOR in its config */
};

static double rate(__u64 now, __u64 before, double secs)
{
	return secs > 0 && now >= before ? (now - before) / secs : 0;
}

static void json_counter(json_writer_t *jw, const char *name, const char *verdict,
			 const struct synx_counter *sum, const struct synx_counter *pc, int ncpus,
			 const struct synx_counter *prev, double secs,
			 const struct synx_stats_opts *o)
{
	jw_name(jw, name);
	jw_start_object(jw);
	if (verdict)
		jw_string_field(jw, "verdict", verdict);
	jw_uint_field(jw, "packets", sum->packets);
	jw_uint_field(jw, "bytes", sum->bytes);
	if (prev) {
		jw_float_field(jw, "packets_per_sec", rate(sum->packets, prev->packets, secs));
		jw_float_field(jw, "bytes_per_sec", rate(sum->bytes, prev->bytes, secs));
	}
	if (o->per_cpu) {
		jw_name(jw, "per_cpu");
		jw_start_array(jw);
		for (int c = 0; c < ncpus; c++) {
			jw_start_object(jw);
			jw_uint_field(jw, "packets", pc[c].packets);
			jw_uint_field(jw, "bytes", pc[c].bytes);
			jw_end_object(jw);
		}
		jw_end_array(jw);
	}
	jw_end_object(jw);
}

static void print_json(json_writer_t *jw, const struct stats_src *src,
		       const struct stats_snap *prev, double secs, const struct synx_stats_opts *o)
{
	const struct synx_target *t = src->t;
	const struct synx_maps *m = &src->m;
	const struct stats_snap *s = &src->cur;
	struct synx_counter total = {};
	char key[64];

	jw_start_object(jw);
	jw_string_field(jw, "ifname", t->ifname);
	jw_int_field(jw, "ifindex", t->a.ifindex);
	jw_name(jw, "prog_id");
	if (t->a.attached)
		jw_uint(jw, t->a.prog_id);
	else
		jw_null(jw);
	jw_string_field(jw, "source", m->where);
	jw_bool_field(jw, "monitor", src->monitor);
	if (prev)
		jw_float_field(jw, "interval", secs);
	jw_name(jw, "verdicts");
	jw_start_object(jw);
	for (int v = 0; v < NR_VERDICTS; v++) {
		json_counter(jw, synx_verdict_name(v), NULL, &s->verdict[v],
			     &s->pc_verdict[(size_t)v * s->ncpus], s->ncpus,
			     prev ? &prev->verdict[v] : NULL, secs, o);
		total.packets += s->verdict[v].packets;
		total.bytes += s->verdict[v].bytes;
	}
	jw_end_object(jw);
	jw_name(jw, "total");
	jw_start_object(jw);
	jw_uint_field(jw, "packets", total.packets);
	jw_uint_field(jw, "bytes", total.bytes);
	jw_end_object(jw);
	jw_name(jw, "counters");
	jw_start_object(jw);
	for (int r = 0; r < __SYNX_REASON_MAX; r++) {
		reason_key(r, key, sizeof(key));
		json_counter(jw, key, synx_verdict_name(synx_reasons[r].verdict), &s->reason[r],
			     &s->pc_reason[(size_t)r * s->ncpus], s->ncpus,
			     prev ? &prev->reason[r] : NULL, secs, o);
	}
	jw_end_object(jw);
	jw_end_object(jw);
}

static void print_text_line(const char *name, const struct synx_counter *sum,
			    const struct synx_counter *pc, int ncpus,
			    const struct synx_counter *prev, double secs,
			    const struct synx_stats_opts *o)
{
	if (prev)
		printf("  %-24s %14llu pkts %12.0f pps %16llu bytes %14.0f B/s\n", name,
		       (unsigned long long)sum->packets, rate(sum->packets, prev->packets, secs),
		       (unsigned long long)sum->bytes, rate(sum->bytes, prev->bytes, secs));
	else
		printf("  %-24s %14llu pkts %16llu bytes\n", name, (unsigned long long)sum->packets,
		       (unsigned long long)sum->bytes);
	if (o->per_cpu)
		for (int c = 0; c < ncpus; c++)
			if (pc[c].packets)
				printf("      cpu%-3d %14llu pkts %16llu bytes\n", c,
				       (unsigned long long)pc[c].packets,
				       (unsigned long long)pc[c].bytes);
}

static void print_text(const struct stats_src *src, const struct stats_snap *prev, double secs,
		       const struct synx_stats_opts *o)
{
	const struct synx_target *t = src->t;
	const struct synx_maps *m = &src->m;
	const struct stats_snap *s = &src->cur;
	char key[64];

	if (t->a.attached)
		printf("%s: program %u (maps of %s)\n", t->ifname, t->a.prog_id, m->where);
	else
		printf("%s: not running (maps in %s)\n", t->ifname, m->where);
	if (src->monitor)
		printf(" MONITOR ONLY: these are the decisions synx would make; every packet passed untouched\n");
	printf(" verdicts:\n");
	for (int v = 0; v < NR_VERDICTS; v++)
		print_text_line(synx_verdict_name(v), &s->verdict[v],
				&s->pc_verdict[(size_t)v * s->ncpus], s->ncpus,
				prev ? &prev->verdict[v] : NULL, secs, o);
	printf(" counters:\n");
	for (int r = 0; r < __SYNX_REASON_MAX; r++) {
		/* The live view is compact: only what moves or has moved. */
		if (prev && !s->reason[r].packets)
			continue;
		reason_key(r, key, sizeof(key));
		print_text_line(key, &s->reason[r], &s->pc_reason[(size_t)r * s->ncpus], s->ncpus,
				prev ? &prev->reason[r] : NULL, secs, o);
	}
}

/* Label values escape \, " and newline (exposition format). */
static void prom_label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*v, f);
	}
}

static void print_prometheus_metric(FILE *f, int mi, const struct synx_target *t,
				    const struct stats_snap *s, bool header)
{
	static const char *const metrics[][3] = {
		{ "synx_packets_total", "Packets by synx decision reason.", "" },
		{ "synx_bytes_total", "Bytes by synx decision reason.", "" },
		{ "synx_verdict_packets_total", "Packets by XDP verdict.", "" },
		{ "synx_verdict_bytes_total", "Bytes by XDP verdict.", "" },
	};
	char key[64];

	if (header) {
		fprintf(f, "# HELP %s %s\n", metrics[mi][0], metrics[mi][1]);
		fprintf(f, "# TYPE %s counter\n", metrics[mi][0]);
	}
	if (mi < 2) {
		for (int r = 0; r < __SYNX_REASON_MAX; r++) {
			reason_key(r, key, sizeof(key));
			fprintf(f, "%s{interface=\"", metrics[mi][0]);
			prom_label(f, t->ifname);
			fprintf(f, "\",reason=\"%s\",verdict=\"%s\"} %llu\n", key,
				synx_verdict_name(synx_reasons[r].verdict),
				(unsigned long long)(mi == 0 ? s->reason[r].packets
							     : s->reason[r].bytes));
		}
	} else {
		for (int v = 0; v < NR_VERDICTS; v++) {
			fprintf(f, "%s{interface=\"", metrics[mi][0]);
			prom_label(f, t->ifname);
			fprintf(f, "\",verdict=\"%s\"} %llu\n", synx_verdict_name(v),
				(unsigned long long)(mi == 2 ? s->verdict[v].packets
							     : s->verdict[v].bytes));
		}
	}
}

/*
 * One exposition: every metric family once, with its HELP and TYPE, then
 * one sample per interface (families must not repeat in a scrape).
 */
static void print_prometheus(FILE *f, const struct stats_src *src, int n)
{
	fputs("# HELP synx_monitor_only Whether synx only decides and counts, passing every packet (1), or enforces (0).\n"
	      "# TYPE synx_monitor_only gauge\n",
	      f);
	for (int i = 0; i < n; i++) {
		fputs("synx_monitor_only{interface=\"", f);
		prom_label(f, src[i].t->ifname);
		fprintf(f, "\"} %d\n", src[i].monitor);
	}
	for (int mi = 0; mi < 4; mi++)
		for (int i = 0; i < n; i++)
			print_prometheus_metric(f, mi, src[i].t, &src[i].cur, i == 0);
}

static void emit(FILE *f, struct stats_src *src, int n, bool watching,
		 const struct synx_stats_opts *o)
{
	json_writer_t *jw = NULL;

	if (synx_cli.json) {
		/* --watch prints one JSON document per line and interval */
		jw = watching || f != stdout ? jw_new(f, synx_cli.pretty) : synx_json();
		jw_start_array(jw);
	} else if (o->prometheus) {
		print_prometheus(f, src, n);
	} else if (watching && isatty(STDOUT_FILENO)) {
		fputs("\033[H\033[2J", stdout); /* home + clear: redraw in place */
	}
	for (int i = 0; i < n && !o->prometheus; i++) {
		struct stats_src *s = &src[i];
		double secs = 0;

		if (watching)
			secs = (s->cur.ts.tv_sec - s->prev.ts.tv_sec) +
			       (s->cur.ts.tv_nsec - s->prev.ts.tv_nsec) / 1e9;
		if (jw)
			print_json(jw, s, watching ? &s->prev : NULL, secs, o);
		else
			print_text(s, watching ? &s->prev : NULL, secs, o);
	}
	if (jw) {
		jw_end_array(jw);
		if (watching || f != stdout)
			jw_destroy(&jw);
	} else if (!n && !o->prometheus) {
		printf("synx is not attached to any interface\n");
	}
	fflush(f);
}

/*
 * --output FILE: write a temporary file in FILE's directory and rename it
 * over FILE, so that a reader (node_exporter's textfile collector) sees the
 * old exposition or the new one, whole, never a part.  The temporary name
 * starts with a dot and does not end in .prom: the collector skips it.
 */
static int emit_file(const char *path, struct stats_src *src, int n, bool watching,
		     const struct synx_stats_opts *o)
{
	char tmp[4096], *slash;
	int fd, err = 0;
	FILE *f;

	slash = strrchr(path, '/');
	if (slash)
		snprintf(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return synx_err(SYNX_EXIT_FAIL, "--output %s: cannot create a file beside it: %s",
				path, strerror(errno));
	/* Readable by the collector, which runs as another user. */
	f = fdopen(fd, "w");
	if (!f || fchmod(fd, 0644)) {
		err = errno;
		if (f)
			fclose(f);
		else
			close(fd);
		unlink(tmp);
		return synx_err(SYNX_EXIT_FAIL, "--output %s: %s", path, strerror(err));
	}
	emit(f, src, n, watching, o);
	if (ferror(f) || fsync(fd))
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		unlink(tmp);
		return synx_err(SYNX_EXIT_FAIL, "--output %s: %s", path, strerror(err));
	}
	return 0;
}

/* To stdout, or atomically to --output. */
static int emit_all(struct stats_src *src, int n, bool watching, const struct synx_stats_opts *o)
{
	if (o->output)
		return emit_file(o->output, src, n, watching, o);
	emit(stdout, src, n, watching, o);
	return 0;
}

/* Sleep, but return early (true) once Ctrl-C/SIGTERM arrived. */
static bool stats_sleep(double secs)
{
	struct timespec ts = { .tv_sec = (time_t)secs };

	while (!stats_stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
	return stats_stop;
}

int synx_cmd_stats(struct synx_cmdline *cl)
{
	const struct synx_stats_opts o = cl->stats;
	const char *ifname = cl->ifname;
	struct synx_target *t = NULL;
	struct stats_src *src = NULL;
	int n, nsrc = 0, ncpus, err;

	if (o.prometheus && synx_cli.json)
		return synx_err(SYNX_EXIT_USAGE,
				"stats: --prometheus and --json exclude each other");
	/*
	 * An exposition names each series once: several of them one after
	 * the other are no valid stream for anything that reads it.
	 */
	if (o.prometheus && o.watch && !o.output)
		return synx_err(
			SYNX_EXIT_USAGE,
			"stats: --prometheus --watch needs --output FILE: the file is rewritten whole every interval, one exposition at a time");
	if (o.output && !o.prometheus && !synx_cli.json)
		return synx_err(SYNX_EXIT_USAGE, "stats: --output writes --prometheus or --json");
	/*
	 * No bpffs needed: running programs are found through netlink and
	 * their maps by id; pin dirs are only a fallback.
	 */
	err = synx_check_root();
	if (err)
		return err;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return synx_err(SYNX_EXIT_FAIL, "cannot count CPUs: %s", strerror(-ncpus));
	n = synx_targets_collect(ifname, &t);
	if (n < 0)
		return -n;
	src = calloc(n ? n : 1, sizeof(*src));
	if (!src) {
		err = synx_err(SYNX_EXIT_FAIL, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct stats_src *s = &src[nsrc];

		if (!t[i].a.attached && !t[i].pinned) {
			if (ifname) {
				err = synx_err(SYNX_EXIT_NOT_ATTACHED, "synx is not attached to %s",
					       t[i].ifname);
				goto out;
			}
			continue;
		}
		s->t = &t[i];
		err = synx_target_maps(&t[i], &s->m);
		if (!err && s->m.fd[SYNX_MAP_IDX_COUNTERS] < 0)
			err = synx_err(SYNX_EXIT_NOT_ATTACHED, "no synx counters found for %s",
				       t[i].ifname);
		if (!err && (snap_alloc(&s->cur, ncpus) || snap_alloc(&s->prev, ncpus)))
			err = synx_err(SYNX_EXIT_FAIL, "out of memory");
		nsrc++;
		if (!err && (err = snap_read(&s->m, &s->cur)))
			err = synx_err(SYNX_EXIT_FAIL, "reading counters of %s: %s", t[i].ifname,
				       strerror(-err));
		if (!err && s->m.fd[SYNX_MAP_IDX_CONFIG] >= 0) {
			struct synx_config cfg = {};
			__u32 key = 0;

			if (!bpf_map_lookup_elem(s->m.fd[SYNX_MAP_IDX_CONFIG], &key, &cfg))
				s->monitor = cfg.version == SYNX_CONFIG_VERSION &&
					     (cfg.flags & SYNX_F_MONITOR);
		}
		if (err)
			goto out;
	}

	if (!o.watch || o.output) {
		err = emit_all(src, nsrc, false, &o);
		if (err || !o.watch)
			goto out;
	}

	signal(SIGINT, stats_on_signal);
	signal(SIGTERM, stats_on_signal);
	while (!stats_sleep(o.watch)) {
		for (int i = 0; i < nsrc; i++) {
			struct stats_snap tmp = src[i].prev;

			src[i].prev = src[i].cur;
			src[i].cur = tmp;
			err = snap_read(&src[i].m, &src[i].cur);
			if (err) {
				err = synx_err(SYNX_EXIT_FAIL, "reading counters of %s: %s",
					       src[i].t->ifname, strerror(-err));
				goto out;
			}
		}
		err = emit_all(src, nsrc, true, &o);
		if (err)
			goto out;
	}
	err = 0;
out:
	for (int i = 0; i < nsrc; i++) {
		synx_maps_close(&src[i].m);
		snap_free(&src[i].cur);
		snap_free(&src[i].prev);
	}
	free(src);
	free(t);
	return err;
}
