// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Gateway mode, the userspace half.  See gateway.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <nftables/libnftables.h>
#include "cli.h"
#include "commands.h"
#include "gateway.h"
#include "pins.h"
#include "sysctl.h"

#define LOOSE_SYSCTL "/proc/sys/net/netfilter/nf_conntrack_tcp_loose"

/* ------------------------------------------------------------ parsing */

/* PREFIX (address/len, or an address alone) into @e's key, host bits cleared. */
static int parse_prefix(const char *s, struct synx_gw_entry *e)
{
	char addr[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long len;
	int family, max;

	if (strlen(s) >= sizeof(addr))
		return -1;
	snprintf(addr, sizeof(addr), "%s", s);
	slash = strchr(addr, '/');
	if (slash)
		*slash = '\0';
	memset(&e->key, 0, sizeof(e->key));
	if (inet_pton(AF_INET, addr, e->key.addr) == 1) {
		family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, e->key.addr) == 1) {
		family = 6;
		max = 128;
	} else {
		return -1;
	}
	len = max;
	if (slash) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (!(slash[1] >= '0' && slash[1] <= '9') || errno || *end ||
		    len > (unsigned long)max)
			return -1;
	}
	/* As ip route: a prefix with host bits set is a typo, not a prefix. */
	for (int bit = len; bit < max; bit++)
		if (e->key.addr[bit / 8] & (0x80 >> (bit % 8)))
			return -2;
	e->key.family = family;
	e->key.prefixlen = 8 + len;
	return 0;
}

static int parse_opt(const char *o, struct synx_gw_entry *e)
{
	static const struct {
		const char *name;
		__u8 flag;
	} flags[] = { { "sack", SYNX_GW_SACK },
		      { "ts", SYNX_GW_TS },
		      { "ecn", SYNX_GW_ECN },
		      { "wscale", SYNX_GW_WSCALE } };
	unsigned long v;
	char *end;

	for (unsigned int i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!strcmp(o, flags[i].name)) {
			e->b.flags |= flags[i].flag;
			return 0;
		}
		if (!strncmp(o, "no", 2) && !strcmp(o + 2, flags[i].name)) {
			e->b.flags &= ~flags[i].flag;
			if (flags[i].flag == SYNX_GW_WSCALE)
				e->given |= SYNX_GW_GIVEN_WSCALE;
			return 0;
		}
	}
	if (!strncmp(o, "mss=", 4) || !strncmp(o, "wscale=", 7)) {
		const char *num = strchr(o, '=') + 1;

		errno = 0;
		v = strtoul(num, &end, 10);
		if (!(*num >= '0' && *num <= '9') || errno || *end)
			return -1;
		if (o[0] == 'm') {
			/* RFC 9293's floor of what a host must take, TCP_MIN_MSS. */
			if (v < 88 || v > 65535)
				return -1;
			e->b.mss = v;
			e->given |= SYNX_GW_GIVEN_MSS;
		} else {
			if (v > 14) /* RFC 7323 2.3 */
				return -1;
			e->b.wscale = v;
			e->b.flags |= SYNX_GW_WSCALE;
			e->given |= SYNX_GW_GIVEN_WSCALE;
		}
		return 0;
	}
	return -1;
}

int synx_parse_gateway(const char *s, struct synx_gw_list *l)
{
	char *copy = strdup(s), *save = NULL, *tok;
	int err = 0;

	if (!copy)
		return synx_err(SYNX_EXIT_FAIL, "out of memory");
	l->n = 0;
	/* strtok would skip empty entries and options: they are typos. */
	if (strstr(s, ",,") || *s == ',' || (*s && s[strlen(s) - 1] == ',')) {
		free(copy);
		return synx_err(SYNX_EXIT_USAGE, "--gateway: an empty entry in '%s'", s);
	}
	for (tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		struct synx_gw_entry *e = &l->e[l->n];
		char *opts = strchr(tok, '@'), *osave = NULL, *o;
		int perr;

		if (l->n == SYNX_GW_LIST_MAX) {
			err = synx_err(SYNX_EXIT_USAGE, "--gateway: more than %d prefixes",
				       SYNX_GW_LIST_MAX);
			break;
		}
		if (opts)
			*opts++ = '\0';
		if (opts && (!*opts || strstr(opts, "::") || *opts == ':' ||
			     opts[strlen(opts) - 1] == ':')) {
			err = synx_err(SYNX_EXIT_USAGE, "--gateway %s: an empty option after '@'",
				       tok);
			break;
		}
		perr = parse_prefix(tok, e);
		if (perr == -2) {
			err = synx_err(SYNX_EXIT_USAGE,
				       "--gateway: '%s' has host bits set beyond its prefix length",
				       tok);
			break;
		}
		if (perr) {
			err = synx_err(SYNX_EXIT_USAGE,
				       "--gateway: '%s' is not an IPv4 or IPv6 prefix (ADDR/LEN)",
				       tok);
			break;
		}
		e->b.mss = e->key.family == 4 ? SYNX_GW_DEFAULT_MSS4 : SYNX_GW_DEFAULT_MSS6;
		e->b.wscale = SYNX_GW_DEFAULT_WSCALE;
		e->b.flags = SYNX_GW_DEFAULT_FLAGS;
		e->given = 0;
		for (o = opts ? strtok_r(opts, ":", &osave) : NULL; o && !err;
		     o = strtok_r(NULL, ":", &osave))
			if (parse_opt(o, e))
				err = synx_err(
					SYNX_EXIT_USAGE,
					"--gateway %s: '%s' is not mss=88..65535, wscale=0..14, sack, ts, ecn, or no- of sack, ts, ecn, wscale",
					tok, o);
		for (unsigned int i = 0; !err && i < l->n; i++)
			if (!memcmp(&l->e[i].key, &e->key, sizeof(e->key)))
				err = synx_err(SYNX_EXIT_USAGE, "--gateway: %s twice", tok);
		if (!err)
			l->n++;
	}
	if (!err && !l->n)
		err = synx_err(SYNX_EXIT_USAGE, "--gateway: no prefix");
	free(copy);
	return err;
}

void synx_gw_prefix(const struct synx_gw_entry *e, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(e->key.family == 4 ? AF_INET : AF_INET6, e->key.addr, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, e->key.prefixlen - 8);
}

void synx_gw_format(const struct synx_gw_entry *e, char *buf, size_t len)
{
	char prefix[INET6_ADDRSTRLEN + 8], ws[16];
	const struct synx_gw_backend *b = &e->b;

	synx_gw_prefix(e, prefix, sizeof(prefix));
	if (b->flags & SYNX_GW_WSCALE)
		snprintf(ws, sizeof(ws), "wscale=%u", b->wscale);
	else
		snprintf(ws, sizeof(ws), "nowscale");
	snprintf(buf, len, "%s@mss=%u:%s:%s:%s:%s", prefix, b->mss, ws,
		 b->flags & SYNX_GW_SACK ? "sack" : "nosack", b->flags & SYNX_GW_TS ? "ts" : "nots",
		 b->flags & SYNX_GW_ECN ? "ecn" : "noecn");
}

/* ------------------------------------------------------------ the map */

int synx_gw_map_read(int fd, struct synx_gw_list *l)
{
	struct synx_gw_key k, next;
	void *prev = NULL;

	l->n = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (l->n == SYNX_GW_LIST_MAX)
			break;
		l->e[l->n].key = next;
		if (!bpf_map_lookup_elem(fd, &next, &l->e[l->n].b))
			l->n++;
		k = next;
		prev = &k;
	}
	return errno == ENOENT || l->n == SYNX_GW_LIST_MAX ? 0 : -errno;
}

int synx_gw_map_write(int fd, const struct synx_gw_list *l)
{
	struct synx_gw_list old;
	int err = synx_gw_map_read(fd, &old);

	if (err)
		return err;
	/* New and changed entries first: a destination is never unprotected in between. */
	for (unsigned int i = 0; i < l->n; i++)
		if (bpf_map_update_elem(fd, &l->e[i].key, &l->e[i].b, BPF_ANY))
			return -errno;
	for (unsigned int i = 0; i < old.n; i++) {
		bool keep = false;

		for (unsigned int j = 0; j < l->n && !keep; j++)
			keep = !memcmp(&old.e[i].key, &l->e[j].key, sizeof(old.e[i].key));
		if (!keep && bpf_map_delete_elem(fd, &old.e[i].key) && errno != ENOENT)
			return -errno;
	}
	return 0;
}

/* ------------------------------------------------------------ nftables */

void synx_gw_table(int ifindex, char *buf, size_t len)
{
	/*
	 * By index, not by name: `ip link set IFACE name NEW` under a running
	 * gateway would leave a table named after the old name, which no
	 * command given the new one finds again.  The index is unique in the
	 * namespace, as the table's name must be; it also outlives the
	 * interface (detach passes the index its pins recorded).
	 */
	snprintf(buf, len, "synx_gw_if%d", ifindex);
}

/* Run @cmd through libnftables; its error message into @err. 0 or -1. */
static int nft_run(const char *cmd, char *err, size_t errlen)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int ret = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!nft)
		return -1;
	if (!nft_ctx_buffer_output(nft) && !nft_ctx_buffer_error(nft)) {
		ret = nft_run_cmd_from_buffer(nft, cmd) ? -1 : 0;
		if (ret && err && errlen) {
			const char *e = nft_ctx_get_error_buffer(nft);

			snprintf(err, errlen, "%s", e ? e : "");
			/* The first line says it; the rest quotes our own text back. */
			err[strcspn(err, "\n")] = '\0';
		}
	}
	nft_ctx_free(nft);
	return ret;
}

struct text {
	char *buf;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->buf)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			free(t->buf);
			t->buf = NULL;
			return;
		}
		if (t->len + n < t->cap)
			break;
		t->cap = 2 * (t->len + n + 1);
		char *nb = realloc(t->buf, t->cap);

		if (!nb) {
			free(t->buf);
			t->buf = NULL;
			return;
		}
		t->buf = nb;
	}
	t->len += n;
}

/* The prefixes of @family, as an nft set body: { 198.51.100.0/24, ... }. */
static bool put_prefixes(struct text *t, const struct synx_gw_list *l, int family)
{
	char p[INET6_ADDRSTRLEN + 8];
	bool any = false;

	for (unsigned int i = 0; i < l->n; i++) {
		if (l->e[i].key.family != family)
			continue;
		synx_gw_prefix(&l->e[i], p, sizeof(p));
		put(t, "%s%s", any ? ", " : "", p);
		any = true;
	}
	return any;
}

/*
 * The protected ports as an nft match, "tcp dport { 80, 8000-8100 } ", from
 * the bitmap itself (any length); "meta l4proto tcp " for every port.
 */
static char *dport_match(const struct synx_ports *ports, bool all)
{
	struct text t = { .buf = malloc(256), .cap = 256 };
	bool first = true;

	if (all) {
		put(&t, "meta l4proto tcp ");
		return t.buf;
	}
	put(&t, "tcp dport { ");
	for (unsigned int p = 1; p < 65536; p++) {
		unsigned int q = p;

		if (!(ports->bits[p / 64] & (1ULL << (p % 64))))
			continue;
		while (q + 1 < 65536 && (ports->bits[(q + 1) / 64] & (1ULL << ((q + 1) % 64))))
			q++;
		if (q == p)
			put(&t, "%s%u", first ? "" : ", ", p);
		else
			put(&t, "%s%u-%u", first ? "" : ", ", p, q);
		first = false;
		p = q;
	}
	put(&t, " } ");
	return t.buf;
}

int synx_gw_nft_apply(const char *ifname, const struct synx_gw_list *l,
		      const struct synx_ports *ports, bool all)
{
	struct text t = { .buf = malloc(4096), .cap = 4096 };
	char table[64], err[512], p[INET6_ADDRSTRLEN + 8];
	char *dport = dport_match(ports, all);
	const char *fam[] = { "ip", "ip6" };
	unsigned int order[SYNX_GW_LIST_MAX];
	int ret;

	if (!dport) {
		free(t.buf);
		return synx_err(SYNX_EXIT_FAIL, "out of memory");
	}
	synx_gw_table((int)if_nametoindex(ifname), table, sizeof(table));
	/* Replace the whole table in one transaction: add (if missing), delete, define. */
	put(&t, "add table inet %s\ndelete table inet %s\n", table, table);
	put(&t, "table inet %s {\n", table);
	put(&t,
	    "  comment \"synx gateway mode on %s (index %u): managed by synx, removed by synx detach\"\n",
	    ifname, if_nametoindex(ifname));
	for (int f = 0; f < 2; f++) {
		struct text probe = { .buf = malloc(16), .cap = 16 };
		bool any = put_prefixes(&probe, l, f ? 6 : 4);

		free(probe.buf);
		if (!any)
			continue;
		put(&t,
		    "  set %s_protected {\n    type %s_addr; flags interval; auto-merge;\n    elements = { ",
		    fam[f], f ? "ipv6" : "ipv4");
		put_prefixes(&t, l, f ? 6 : 4);
		put(&t, " }\n  }\n");
	}
	/*
	 * SYNs synx answers never reach netfilter; those it leaves (monitor
	 * mode, signed SYNs, IP options) must not create conntrack entries:
	 * SYNPROXY answers them itself.  The rules match the destination and
	 * port, not the interface: traffic to a protected destination may
	 * arrive on a VLAN device or another interface, and gets the same
	 * protection there (from SYNPROXY alone).
	 */
	put(&t,
	    "  chain prerouting {\n    type filter hook prerouting priority raw; policy accept;\n");
	for (int f = 0; f < 2; f++)
		for (unsigned int i = 0; i < l->n; i++)
			if (l->e[i].key.family == (f ? 6 : 4)) {
				put(&t,
				    "    %s daddr @%s_protected %stcp flags syn / syn,ack,rst notrack\n",
				    fam[f], fam[f], dport);
				break;
			}
	put(&t, "  }\n");
	/*
	 * The handshake ACK is invalid to conntrack (no SYN seen, tcp_loose 0):
	 * SYNPROXY takes it, with the options of the longest matching prefix,
	 * as it takes the untracked SYNs synx left to it, and nothing else
	 * (it would answer a SYN|ACK as a SYN); then anything else invalid to a
	 * protected destination is dropped.  Ahead of the filter priority, so
	 * that an admin's "ct state invalid drop" there cannot take the ACK
	 * first.
	 */
	put(&t,
	    "  chain forward {\n    type filter hook forward priority filter - 10; policy accept;\n");
	for (unsigned int i = 0; i < l->n; i++)
		order[i] = i;
	for (unsigned int i = 1; i < l->n; i++)
		for (unsigned int j = i;
		     j > 0 && l->e[order[j]].key.prefixlen > l->e[order[j - 1]].key.prefixlen;
		     j--) {
			unsigned int x = order[j];

			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	for (unsigned int i = 0; i < l->n; i++) {
		const struct synx_gw_entry *e = &l->e[order[i]];

		synx_gw_prefix(e, p, sizeof(p));
		for (int k = 0; k < 2; k++) {
			put(&t, "    %s daddr %s %s%s synproxy mss %u", fam[e->key.family == 6], p,
			    dport,
			    k ? "tcp flags ack / syn,ack,rst,fin ct state invalid"
			      : "tcp flags syn / syn,ack,rst ct state untracked",
			    e->b.mss);
			if (e->b.flags & SYNX_GW_WSCALE)
				put(&t, " wscale %u", e->b.wscale);
			if (e->b.flags & SYNX_GW_TS)
				put(&t, " timestamp");
			if (e->b.flags & SYNX_GW_SACK)
				put(&t, " sack-perm");
			put(&t, "\n");
		}
	}
	for (int f = 0; f < 2; f++)
		for (unsigned int i = 0; i < l->n; i++)
			if (l->e[i].key.family == (f ? 6 : 4)) {
				put(&t, "    %s daddr @%s_protected %sct state invalid drop\n",
				    fam[f], fam[f], dport);
				break;
			}
	put(&t, "  }\n}\n");
	free(dport);
	if (!t.buf)
		return synx_err(SYNX_EXIT_FAIL, "out of memory");
	ret = nft_run(t.buf, err, sizeof(err));
	free(t.buf);
	if (ret)
		return synx_err(SYNX_EXIT_FAIL, "nftables refused the gateway table %s: %s", table,
				err[0] ? err : "(no message)");
	return 0;
}

int synx_gw_nft_remove(int ifindex, bool *removed)
{
	char table[64], cmd[128], err[512];

	*removed = false;
	if (!synx_gw_nft_present(ifindex))
		return 0;
	synx_gw_table(ifindex, table, sizeof(table));
	snprintf(cmd, sizeof(cmd), "delete table inet %s", table);
	if (nft_run(cmd, err, sizeof(err)))
		return synx_err(SYNX_EXIT_FAIL, "cannot remove the nftables table %s: %s", table,
				err);
	*removed = true;
	return 0;
}

bool synx_gw_nft_present(int ifindex)
{
	char table[64], cmd[128];

	synx_gw_table(ifindex, table, sizeof(table));
	snprintf(cmd, sizeof(cmd), "list table inet %s", table);
	return !nft_run(cmd, NULL, 0);
}

bool synx_gw_nft_others(int ifindex)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	char table[64], *line, *save = NULL, *out;
	bool others = false;

	if (!nft)
		return false;
	synx_gw_table(ifindex, table, sizeof(table));
	if (!nft_ctx_buffer_output(nft) && !nft_ctx_buffer_error(nft) &&
	    !nft_run_cmd_from_buffer(nft, "list tables inet")) {
		out = strdup(nft_ctx_get_output_buffer(nft));
		for (line = out ? strtok_r(out, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save)) {
			char name[64];

			if (sscanf(line, "table inet %63s", name) == 1 &&
			    !strncmp(name, "synx_gw_", 8) && strcmp(name, table))
				others = true;
		}
		free(out);
	}
	nft_ctx_free(nft);
	return others;
}

/* ------------------------------------------------------------ tcp_loose */

int synx_gw_loose_get(void)
{
	return (int)synx_sysctl_read(LOOSE_SYSCTL);
}

int synx_gw_loose_set(int v)
{
	FILE *f = fopen(LOOSE_SYSCTL, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%d\n", v) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/*
 * The namespace's record that a gateway set nf_conntrack_tcp_loose from 1
 * to 0 (an empty directory beside the pin dirs, named after the netns
 * cookie: a sysctl of the namespace, not of one interface).
 */
static int loose_marker(char *buf, size_t len)
{
	__u64 cookie;
	int err = synx_netns_cookie(&cookie);

	if (!err)
		snprintf(buf, len, "%s/%s/%llu-%s", SYNX_PIN_ROOT, SYNX_PIN_STATE,
			 (unsigned long long)cookie, SYNX_LOOSE_MARKER);
	return err;
}

int synx_gw_loose_mark(void)
{
	char path[512];
	int err = loose_marker(path, sizeof(path));

	if (!err && mkdir(path, 0700) && errno != EEXIST)
		err = -errno;
	return err;
}

void synx_gw_loose_restore(int ifindex)
{
	char path[512];
	struct stat st;
	int err;

	if (loose_marker(path, sizeof(path)) || stat(path, &st))
		return;
	if (synx_gw_nft_others(ifindex))
		return; /* another gateway of this namespace still needs it */
	err = synx_gw_loose_set(1);
	if (err)
		synx_warn("cannot set net.netfilter.nf_conntrack_tcp_loose back to 1: %s",
			  strerror(-err));
	else
		rmdir(path);
}

int synx_gw_teardown(int ifindex, bool *removed)
{
	int err = synx_gw_nft_remove(ifindex, removed);

	if (!err)
		synx_gw_loose_restore(ifindex);
	return err;
}

/* ------------------------------------------------------------ status */

/* Sum of one column of /proc/net/stat/synproxy (hex, one line per CPU). */
static int synproxy_stats(unsigned long long sum[5])
{
	FILE *f = fopen("/proc/net/stat/synproxy", "r");
	char line[256];
	unsigned int v[6];

	memset(sum, 0, 5 * sizeof(sum[0]));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%x %x %x %x %x %x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) ==
		    6)
			for (int i = 0; i < 5; i++)
				sum[i] += v[i + 1];
	fclose(f);
	return 0;
}

void synx_gw_report(json_writer_t *jw, const char *ifname, const struct synx_gw_list *l, bool edge)
{
	static const char *const stat_names[] = { "syn_received", "cookie_invalid", "cookie_valid",
						  "cookie_retrans", "conn_reopened" };
	unsigned long long st[5];
	char table[64], e[160];
	int ifindex = (int)if_nametoindex(ifname);
	bool have_stats = !synproxy_stats(st), present = synx_gw_nft_present(ifindex);
	long long count = synx_sysctl_read("/proc/sys/net/netfilter/nf_conntrack_count");
	long long max = synx_sysctl_read("/proc/sys/net/netfilter/nf_conntrack_max");
	int loose = synx_gw_loose_get();

	synx_gw_table(ifindex, table, sizeof(table));
	if (jw) {
		jw_name(jw, "gateway");
		jw_start_object(jw);
		jw_name(jw, "prefixes");
		jw_start_array(jw);
		for (unsigned int i = 0; i < l->n; i++) {
			synx_gw_format(&l->e[i], e, sizeof(e));
			jw_string(jw, e);
		}
		jw_end_array(jw);
		jw_bool_field(jw, "edge", edge);
		jw_string_field(jw, "nft_table", table);
		jw_bool_field(jw, "nft_table_present", present);
		jw_int_field(jw, "nf_conntrack_tcp_loose", loose);
		jw_int_field(jw, "conntrack_count", count);
		jw_int_field(jw, "conntrack_max", max);
		jw_name(jw, "synproxy");
		if (have_stats) {
			jw_start_object(jw);
			for (int i = 0; i < 5; i++)
				jw_uint_field(jw, stat_names[i], st[i]);
			jw_end_object(jw);
		} else {
			jw_null(jw);
		}
		jw_end_object(jw);
	} else if (edge) {
		printf("  gateway:     %u prefix%s, stateless edge: own cookies, the backends complete\n",
		       l->n, l->n == 1 ? "" : "es");
		for (unsigned int i = 0; i < l->n; i++) {
			synx_gw_format(&l->e[i], e, sizeof(e));
			printf("               %s\n", e);
		}
	} else {
		printf("  gateway:     %u prefix%s, nftables table inet %s %s\n", l->n,
		       l->n == 1 ? "" : "es", table, present ? "present" : "MISSING");
		for (unsigned int i = 0; i < l->n; i++) {
			synx_gw_format(&l->e[i], e, sizeof(e));
			printf("               %s\n", e);
		}
		printf("  conntrack:   %lld of %lld entries, nf_conntrack_tcp_loose=%d%s\n", count,
		       max, loose, loose ? " (SYNPROXY needs 0)" : "");
		if (have_stats)
			printf("  synproxy:    syn_received %llu, cookie_valid %llu, cookie_invalid %llu, cookie_retrans %llu, conn_reopened %llu\n",
			       st[0], st[2], st[1], st[3], st[4]);
	}
}

/* ------------------------------------------------------------ probe */

/*
 * One connection to ADDR:PORT, and what the backend negotiated: its MSS
 * (as far as this host's path carries it), window shift, SACK, timestamps,
 * ECN; printed as the --gateway entry for the backend's address.
 */
int synx_cmd_probe(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST },
			*ai = NULL;
	char host[INET6_ADDRSTRLEN + 2], *port, line[200];
	struct synx_gw_entry e = {};
	struct tcp_info ti = {};
	socklen_t len = sizeof(ti);
	struct pollfd pfd;
	int fd = -1, err, soerr = 0;
	socklen_t slen = sizeof(soerr);

	/* argv[0] is the command's name. */
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		bool amb;

		synx_usage(stdout, synx_command_find("probe", &amb));
		return 0;
	}
	if (argc != 2 || strlen(argv[1]) >= sizeof(host) + 6)
		return synx_err(SYNX_EXIT_USAGE,
				"usage: synx probe ADDR:PORT ([ADDR]:PORT for IPv6)");
	argv++;
	snprintf(host, sizeof(host), "%.*s", (int)sizeof(host) - 1, argv[0]);
	port = strrchr(argv[0], ':');
	if (!port || port == argv[0])
		return synx_err(SYNX_EXIT_USAGE, "synx probe: '%s' is not ADDR:PORT", argv[0]);
	snprintf(host, sizeof(host), "%.*s", (int)(port - argv[0]), argv[0]);
	port++;
	if (host[0] == '[') {
		size_t n = strlen(host);

		if (n < 2 || host[n - 1] != ']')
			return synx_err(SYNX_EXIT_USAGE, "synx probe: '%s' is not [ADDR]:PORT",
					argv[0]);
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	{
		char *end;
		unsigned long pn;

		errno = 0;
		pn = strtoul(port, &end, 10);
		if (!(*port >= '0' && *port <= '9') || *end || errno || pn < 1 || pn > 65535)
			return synx_err(SYNX_EXIT_USAGE, "synx probe: '%s' is not a port (1-65535)",
					port);
	}
	err = getaddrinfo(host, port, &hints, &ai);
	if (err)
		return synx_err(SYNX_EXIT_USAGE, "synx probe: %s: %s", argv[0], gai_strerror(err));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = synx_err(SYNX_EXIT_FAIL, "socket: %s", strerror(errno));
		goto out;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
		err = synx_err(SYNX_EXIT_FAIL, "connect to %s: %s", argv[0], strerror(errno));
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, 5000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) ||
	    soerr) {
		err = synx_err(SYNX_EXIT_FAIL, "connect to %s: %s", argv[0],
			       soerr ? strerror(soerr) : "no answer in 5 s");
		goto out;
	}
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len)) {
		err = synx_err(SYNX_EXIT_FAIL, "TCP_INFO: %s", strerror(errno));
		goto out;
	}
	e.key.family = ai->ai_family == AF_INET ? 4 : 6;
	e.key.prefixlen = 8 + (e.key.family == 4 ? 32 : 128);
	if (ai->ai_family == AF_INET)
		memcpy(e.key.addr, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
	else
		memcpy(e.key.addr, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
	/* snd_mss is less the timestamps' room when they are on. */
	e.b.mss = ti.tcpi_snd_mss + ((ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? 12 : 0);
	e.b.wscale = (ti.tcpi_options & TCPI_OPT_WSCALE) ? ti.tcpi_snd_wscale : 0;
	e.b.flags = ((ti.tcpi_options & TCPI_OPT_WSCALE) ? SYNX_GW_WSCALE : 0) |
		    ((ti.tcpi_options & TCPI_OPT_SACK) ? SYNX_GW_SACK : 0) |
		    ((ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? SYNX_GW_TS : 0) |
		    ((ti.tcpi_options & TCPI_OPT_ECN) ? SYNX_GW_ECN : 0);
	synx_gw_format(&e, line, sizeof(line));
	if (synx_cli.json) {
		jw_start_object(synx_json());
		jw_string_field(synx_json(), "backend", argv[0]);
		jw_uint_field(synx_json(), "mss", e.b.mss);
		jw_name(synx_json(), "wscale");
		if (e.b.flags & SYNX_GW_WSCALE)
			jw_uint(synx_json(), e.b.wscale);
		else
			jw_null(synx_json());
		jw_bool_field(synx_json(), "sack", e.b.flags & SYNX_GW_SACK);
		jw_bool_field(synx_json(), "timestamps", e.b.flags & SYNX_GW_TS);
		jw_bool_field(synx_json(), "ecn", e.b.flags & SYNX_GW_ECN);
		jw_string_field(synx_json(), "gateway", line);
		jw_end_object(synx_json());
	} else {
		printf("%s negotiated: mss %u, window scaling %s, sack %s, timestamps %s, ecn %s\n",
		       argv[0], e.b.mss, (e.b.flags & SYNX_GW_WSCALE) ? "on" : "off",
		       (e.b.flags & SYNX_GW_SACK) ? "on" : "off",
		       (e.b.flags & SYNX_GW_TS) ? "on" : "off",
		       (e.b.flags & SYNX_GW_ECN) ? "on" : "off");
		printf("--gateway %s\n", line);
	}
	err = 0;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return err;
}
