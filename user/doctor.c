// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * synx doctor IFACE: from live state, what would keep SYNs from being
 * answered or connections from completing, each with its fix.
 *
 * Every check reports once, in a fixed order and under a stable name:
 * ok, problem (exit SYNX_EXIT_UNHEALTHY), note (worth knowing, not wrong)
 * or skipped (cannot be checked here, and why).  Nothing is changed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/timex.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "synx_config.h"
#include "attachment.h"
#include "cli.h"
#include "commands.h"
#include "gateway.h"
#include "handoff.h"
#include "iface.h"
#include "maps.h"
#include "netlink.h"
#include "options.h"
#include "pins.h"
#include "ports.h"
#include "prereqs.h"
#include "sysctl.h"

enum verdict { OK, PROBLEM, NOTE, SKIPPED };
static const char *const verdict_names[] = { "ok", "problem", "note", "skipped" };

#define MSG_LEN 512

struct finding {
	const char *check;
	enum verdict v;
	char msg[MSG_LEN];
	char fix[MSG_LEN];
};

struct doctor {
	const char *ifname;
	int ifindex;
	struct synx_attachment a;
	bool have_cfg; /* a valid synx config */
	struct synx_config cfg;
	struct synx_ports *ports;
	struct synx_pins pins;
	struct synx_tc_info tc;
	struct synx_link link;
	struct finding f[32];
	int n;
};

__attribute__((format(printf, 4, 5))) static struct finding *add(struct doctor *d,
								 const char *check, enum verdict v,
								 const char *fmt, ...)
{
	struct finding *f = &d->f[d->n < 31 ? d->n++ : 31];
	va_list ap;

	f->check = check;
	f->v = v;
	f->fix[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return f;
}

#define FIX(f, ...) snprintf((f)->fix, sizeof((f)->fix), __VA_ARGS__)

/* What a veth's peer looks like, wherever it lives. */
struct peer {
	bool found;
	char name[IF_NAMESIZE];
	char netns[256]; /* its named namespace, "" when it is this one */
	int tx_csum;     /* -1: unknown */
	bool xdp;        /* an XDP program is attached */
	unsigned int mtu;
};

static void peer_read(const char *name, int ifindex, struct peer *p)
{
	struct synx_offloads off;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	p->found = true;
	snprintf(p->name, sizeof(p->name), "%s", name);
	synx_iface_offloads(name, &off);
	p->tx_csum = off.tx_csum;
	p->xdp = !bpf_xdp_query(ifindex, 0, &q) && q.attach_mode != XDP_ATTACHED_NONE;
	if (synx_iface_mtu(name, &p->mtu))
		p->mtu = 0;
}

/* In the namespace we are in: is @peer_ifindex the other end of our veth @ifindex? */
static bool peer_here(int ifindex, int peer_ifindex, struct peer *p)
{
	struct synx_link l;
	char name[IF_NAMESIZE];

	if (!if_indextoname(peer_ifindex, name) || synx_nl_link(peer_ifindex, &l) ||
	    strcmp(l.kind, "veth") || !l.has_link || l.iflink != ifindex)
		return false;
	peer_read(name, peer_ifindex, p);
	return true;
}

/*
 * The peer of a veth: in this namespace, or in one of the named ones
 * (/run/netns, `ip netns`), entered for the time of a look.  A peer in an
 * unnamed namespace (a container's) is out of reach.
 */
static void find_peer(const struct doctor *d, struct peer *p)
{
	struct dirent *de;
	int self, fd, nsid;
	DIR *dir;

	memset(p, 0, sizeof(*p));
	p->tx_csum = -1;
	if (!d->link.has_link)
		return;
	if (d->link.link_netnsid < 0) {
		peer_here(d->ifindex, d->link.iflink, p);
		return;
	}
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	dir = self >= 0 ? opendir("/run/netns") : NULL;
	while (dir && !p->found && (de = readdir(dir))) {
		char path[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* Enter only the namespace the peer is in: the one our id for it names. */
		if (!synx_nl_netnsid(fd, &nsid) && nsid == d->link.link_netnsid &&
		    !setns(fd, CLONE_NEWNET)) {
			if (peer_here(d->ifindex, d->link.iflink, p))
				snprintf(p->netns, sizeof(p->netns), "%s", de->d_name);
			if (setns(self, CLONE_NEWNET)) {
				/* Cannot get back: stop here rather than report from elsewhere. */
				synx_err(SYNX_EXIT_FAIL, "cannot return to the network namespace");
				exit(SYNX_EXIT_FAIL);
			}
		}
		close(fd);
	}
	if (dir)
		closedir(dir);
	if (self >= 0)
		close(self);
}

/* "ip netns exec NS " when the peer lives there, for the fixes. */
static const char *in_ns(const struct peer *p, char *buf, size_t len)
{
	if (!p->netns[0])
		return "";
	snprintf(buf, len, "ip netns exec %s ", p->netns);
	return buf;
}

/* TCP ports someone listens on in this namespace, from /proc/self/net/tcp{,6}. */
static void listening_ports(struct synx_ports *l)
{
	static const char *const files[] = { "/proc/self/net/tcp", "/proc/self/net/tcp6" };
	char line[512];

	memset(l, 0, sizeof(*l));
	for (unsigned int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");

		while (f && fgets(line, sizeof(line), f)) {
			char local[128];
			unsigned int port, state;
			char *colon;

			if (sscanf(line, " %*d: %127s %*s %x", local, &state) != 2 || state != 0x0A)
				continue;
			colon = strrchr(local, ':');
			if (colon && sscanf(colon + 1, "%x", &port) == 1)
				synx_ports_add_range(l, port, port);
		}
		if (f)
			fclose(f);
	}
}

static void check_attached(struct doctor *d)
{
	struct finding *f;

	if (d->a.attached) {
		add(d, "attached", OK, "program %u, %s mode", d->a.prog_id,
		    synx_mode_str(d->a.mode));
		return;
	}
	f = add(d, "attached", PROBLEM,
		"synx is not attached to %s: SYNs go to the kernel as without it", d->ifname);
	FIX(f, "synx attach %s", d->ifname);
}

static void check_monitor(struct doctor *d)
{
	struct finding *f;

	if (!d->have_cfg || !(d->cfg.flags & SYNX_F_MONITOR)) {
		add(d, "monitor", OK, "enforcing (not monitor-only)");
		return;
	}
	f = add(d, "monitor", NOTE,
		"monitor only: synx counts what it would do, but passes every SYN to the kernel and answers none");
	FIX(f, "synx config %s --monitor off", d->ifname);
}

static void check_listener(struct doctor *d)
{
	struct synx_ports *l = calloc(1, sizeof(*l)), *missing = calloc(1, sizeof(*missing));
	bool all = !d->have_cfg || (d->cfg.flags & SYNX_F_ALL_PORTS);
	char list[256];
	struct finding *f;
	unsigned int n;

	if (!l || !missing) {
		add(d, "listener", SKIPPED, "out of memory");
		goto out;
	}
	listening_ports(l);
	if (all) {
		if (synx_ports_count(l)) {
			add(d, "listener", OK,
			    "%u TCP ports have a listener (every port is protected)",
			    synx_ports_count(l));
		} else {
			f = add(d, "listener", PROBLEM,
				"no TCP listener in this network namespace: SYN cookies come from a listener, so no SYN is answered");
			FIX(f,
			    "start the server, or protect only its ports: synx config %s --ports PORTS",
			    d->ifname);
		}
		goto out;
	}
	for (unsigned int w = 0; w < SYNX_PORT_WORDS; w++)
		missing->bits[w] = d->ports->bits[w] & ~l->bits[w];
	n = synx_ports_count(missing);
	if (!n) {
		add(d, "listener", OK, "every protected port has a listener");
		goto out;
	}
	synx_ports_format(missing, false, list, sizeof(list));
	f = add(d, "listener", PROBLEM,
		"no listener on protected port%s %s: SYNs there get %s, never a cookie",
		n > 1 ? "s" : "", list,
		d->cfg.no_listener == SYNX_NOLISTEN_DROP ? "dropped" : "an RST from the kernel");
	FIX(f, "start the server on %s, or leave %s out: synx config %s --ports PORTS", list,
	    n > 1 ? "them" : "it", d->ifname);
out:
	free(l);
	free(missing);
}

static void check_syncookies(struct doctor *d)
{
	struct synx_sysctls k;
	struct finding *f;

	synx_sysctls_read(&k);
	if (k.tcp_syncookies == 0) {
		f = add(d, "syncookies", PROBLEM,
			"net.ipv4.tcp_syncookies=0: the kernel neither makes nor accepts SYN cookies, so synx answers no SYN");
		FIX(f, "sysctl -w net.ipv4.tcp_syncookies=2 (or 1: cookies only under a flood)");
	} else if (k.tcp_syncookies == 1) {
		f = add(d, "syncookies", NOTE,
			"net.ipv4.tcp_syncookies=1: SYNs are answered with cookies only once a listener's SYN queue overflows");
		FIX(f, "sysctl -w net.ipv4.tcp_syncookies=2 to answer every SYN from XDP");
	} else if (k.tcp_syncookies < 0) {
		add(d, "syncookies", SKIPPED, "net.ipv4.tcp_syncookies cannot be read");
	} else {
		add(d, "syncookies", OK, "net.ipv4.tcp_syncookies=%d", k.tcp_syncookies);
	}
}

static void check_veth(struct doctor *d, const struct peer *p)
{
	char ns[300];
	struct finding *f;
	bool veth = !strcmp(d->link.kind, "veth");

	if (!veth) {
		add(d, "veth_peer_csum", SKIPPED, "%s is not a veth", d->ifname);
		add(d, "veth_peer_xdp", SKIPPED, "%s is not a veth", d->ifname);
		return;
	}
	if (!p->found) {
		add(d, "veth_peer_csum", SKIPPED,
		    "the peer of %s is in a namespace synx cannot reach (not in /run/netns)",
		    d->ifname);
		add(d, "veth_peer_xdp", SKIPPED, "the peer of %s is out of reach", d->ifname);
		return;
	}
	if (p->tx_csum == 1) {
		f = add(d, "veth_peer_csum", PROBLEM,
			"TX checksum offload is on at the veth peer %s%s%s: its stack hands over SYNs with unfinished checksums, which synx drops (drop_tcp_csum)",
			p->name, p->netns[0] ? " in namespace " : "", p->netns);
		FIX(f, "%sethtool -K %s tx off", in_ns(p, ns, sizeof(ns)), p->name);
	} else {
		add(d, "veth_peer_csum", OK, "TX checksum offload is off at the peer %s", p->name);
	}
	if (d->a.attached && d->a.mode == XDP_MODE_NATIVE && !p->xdp) {
		f = add(d, "veth_peer_xdp", PROBLEM,
			"the veth peer %s has no XDP program: frames synx sends back with native XDP_TX (its SYN-ACKs) are lost",
			p->name);
		FIX(f, "%sxdp-loader load %s <an XDP_PASS program>, or attach synx with --mode skb",
		    in_ns(p, ns, sizeof(ns)), p->name);
	} else {
		add(d, "veth_peer_xdp", OK, "%s",
		    p->xdp ? "the peer has an XDP program"
			   : "synx does not use native XDP_TX here");
	}
}

static void check_generic(struct doctor *d)
{
	__u64 feat = 0;
	int err = synx_nl_xdp_features(d->ifindex, &feat);
	struct finding *f;

	if (!d->a.attached || d->a.mode != XDP_MODE_SKB) {
		add(d, "generic_mode", OK, "%s",
		    d->a.attached ? "not in generic (skb) mode" : "synx not attached");
		return;
	}
	if (err) {
		add(d, "generic_mode", SKIPPED,
		    "the kernel does not say which XDP features the driver has (%s)",
		    strerror(-err));
		return;
	}
	if (feat & SYNX_XDP_ACT_BASIC) {
		f = add(d, "generic_mode", PROBLEM,
			"synx runs in generic (skb) mode, but the driver of %s has native XDP: every packet pays an skb first, the protection synx exists for",
			d->ifname);
		FIX(f, "synx detach %s && synx attach %s --mode native", d->ifname, d->ifname);
	} else {
		add(d, "generic_mode", OK, "generic mode: the driver has no native XDP");
	}
}

static void check_gro(struct doctor *d)
{
	int lro = -1, gro = -1;
	struct finding *f;

	synx_iface_gro_lro(d->ifname, &gro, &lro);
	if (lro > 0) {
		f = add(d, "gro_lro", PROBLEM,
			"LRO is on: the device merges segments before XDP sees them, handshake ACKs with data included");
		FIX(f, "ethtool -K %s lro off", d->ifname);
	} else if (gro > 0 && d->a.attached && d->a.mode == XDP_MODE_SKB) {
		f = add(d, "gro_lro", PROBLEM,
			"GRO is on and synx runs in generic mode, which sees packets after GRO merged them");
		FIX(f, "ethtool -K %s gro off, or attach in native mode", d->ifname);
	} else {
		add(d, "gro_lro", OK, "no LRO%s",
		    gro > 0 ? "; GRO runs after native XDP" : ", no GRO");
	}
}

static void check_mtu(struct doctor *d, const struct peer *p)
{
	unsigned int mtu = 0;
	struct finding *f;

	if (synx_iface_mtu(d->ifname, &mtu)) {
		add(d, "mtu_mss", SKIPPED, "cannot read the MTU of %s", d->ifname);
		return;
	}
	if (d->have_cfg && d->cfg.mss4 && d->cfg.mss4 + 40U > mtu) {
		f = add(d, "mtu_mss", PROBLEM,
			"SYN-ACKs announce MSS %u over IPv4, more than MTU %u carries (%u): full-sized segments are dropped and connections stall",
			d->cfg.mss4, mtu, mtu - 40);
		FIX(f, "synx config %s --mss4 %u", d->ifname, mtu - 40);
	} else if (d->have_cfg && d->cfg.mss6 && d->cfg.mss6 + 60U > mtu) {
		f = add(d, "mtu_mss", PROBLEM,
			"SYN-ACKs announce MSS %u over IPv6, more than MTU %u carries (%u): full-sized segments are dropped and connections stall",
			d->cfg.mss6, mtu, mtu - 60);
		FIX(f, "synx config %s --mss6 %u", d->ifname, mtu - 60);
	} else if (p->found && p->mtu && p->mtu < mtu) {
		f = add(d, "mtu_mss", PROBLEM,
			"the veth peer %s has MTU %u, below %u here: SYN-ACKs announce an MSS for %u, and the peer drops the segments that use it",
			p->name, p->mtu, mtu, mtu);
		FIX(f,
		    "give both ends one MTU (ip link set %s mtu %u), or synx config %s --mss4 %u --mss6 %u",
		    d->ifname, p->mtu, d->ifname, p->mtu - 40, p->mtu - 60);
	} else {
		add(d, "mtu_mss", OK, "MTU %u; the MSS synx announces fits it", mtu);
	}
}

static void check_other_xdp(struct doctor *d)
{
	struct finding *f;

	if (!d->a.attached && d->a.other_prog_id) {
		f = add(d, "other_xdp", PROBLEM,
			"another XDP program (id %u) holds %s alone: synx cannot attach beside it",
			d->a.other_prog_id, d->ifname);
		FIX(f,
		    "remove it (ip link set dev %s xdp off) or load both through libxdp (xdp-loader)",
		    d->ifname);
	} else if (d->a.attached && d->a.dispatcher && d->a.nr_progs > 1) {
		f = add(d, "other_xdp", NOTE,
			"%d other XDP programs share %s through the dispatcher: one that runs first and drops, redirects or transmits a SYN keeps it from synx",
			d->a.nr_progs - 1, d->ifname);
		FIX(f, "xdp-loader status %s shows their order", d->ifname);
	} else {
		add(d, "other_xdp", OK, "no other XDP program");
	}
}

static void check_dispatcher(struct doctor *d)
{
	struct finding *f;

	if (!d->a.attached) {
		add(d, "dispatcher", SKIPPED, "synx not attached");
	} else if (d->a.dispatcher) {
		add(d, "dispatcher", OK, "behind libxdp's dispatcher (program %u)",
		    d->a.dispatcher_id);
	} else {
		f = add(d, "dispatcher", NOTE,
			"the kernel refused libxdp's dispatcher (freplace): synx runs alone, and no other XDP program can join it on %s",
			d->ifname);
		FIX(f,
		    "a kernel that allows BPF_PROG_TYPE_EXT (check 'bpftool feature probe kernel')");
	}
}

static void check_own(struct doctor *d)
{
	bool kfunc = synx_kfunc_available();
	bool own = d->have_cfg && d->cfg.cookie_mode == SYNX_COOKIE_OWN;
	struct finding *f;

	if (!d->a.attached) {
		add(d, "own_cookies", SKIPPED, "synx not attached");
		return;
	}
	if (!own) {
		add(d, "own_cookies", OK, "kernel cookies: no hand-off needed");
		return;
	}
	if (!kfunc) {
		f = add(d, "own_cookies", PROBLEM,
			"own cookies, but this kernel has no " SYNX_KFUNC_REQSK
			"() (Linux 6.9+): no validated handshake can be handed to the kernel");
		FIX(f, "synx detach %s && synx attach %s --cookies kernel", d->ifname, d->ifname);
	} else if (!(d->tc.attached && d->tc.is_synx)) {
		f = add(d, "own_cookies", PROBLEM,
			"own cookies without the " SYNX_TC_PROG
			" hand-off at tc ingress: the kernel resets every handshake synx validates");
		FIX(f, "synx detach %s && synx attach %s", d->ifname, d->ifname);
	} else {
		add(d, "own_cookies", OK, "own cookies, %s program %u at tc ingress", SYNX_TC_PROG,
		    d->tc.prog_id);
	}
}

/* The running program's own-cookie keys; false when it has none. */
static bool running_keys(const struct doctor *d, struct synx_cookie_keys *k)
{
	struct synx_maps m;
	__u32 key = 0;
	bool ok;

	synx_maps_init(&m);
	ok = !synx_maps_open_prog(d->a.prog_id, &m) && m.fd[SYNX_MAP_IDX_KEYS] >= 0 &&
	     !bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_KEYS], &key, k) && k->generation;
	synx_maps_close(&m);
	return ok;
}

/*
 * Own cookies on the TAI clock are shared by hosts whose clocks agree:
 * that needs a synchronised clock and the TAI offset every other host
 * has (adjtimex(2): chrony and ptp4l set it, an unset kernel has 0).
 */
static void check_cookie_clock(struct doctor *d)
{
	struct synx_cookie_keys k = {};
	struct timex tx = { 0 };
	struct finding *f;
	int state;

	if (!d->a.attached || !running_keys(d, &k)) {
		add(d, "cookie_clock", SKIPPED, "no own cookies");
		memset(&k, 0, sizeof(k));
		return;
	}
	if (k.clock_offset_ns) {
		f = add(d, "cookie_clock", PROBLEM,
			"the cookie clock is offset by %lld ms (SYNX_TEST_CLOCK_OFFSET_MS, for tests): no other host agrees with it",
			(long long)(k.clock_offset_ns / 1000000));
		FIX(f, "unset SYNX_TEST_CLOCK_OFFSET_MS, then synx attach %s --replace", d->ifname);
	} else if (k.clock != SYNX_CLOCK_TAI) {
		add(d, "cookie_clock", OK,
		    "boot clock: own cookies are this host's (--cookie-clock tai to share them)");
	} else if ((state = adjtimex(&tx)) < 0) {
		add(d, "cookie_clock", SKIPPED, "TAI cookie clock; adjtimex: %s", strerror(errno));
	} else if (state == TIME_ERROR || (tx.status & STA_UNSYNC)) {
		f = add(d, "cookie_clock", PROBLEM,
			"TAI cookie clock, but the system clock is not synchronised: hosts sharing the key may disagree by more than %.0f s and refuse each other's cookies",
			SYNX_CLOCK_SKEW_NS / 1e9);
		FIX(f, "run an NTP or PTP client (chronyd, systemd-timesyncd, ptp4l)");
	} else if (tx.tai == 0) {
		f = add(d, "cookie_clock", NOTE,
			"TAI cookie clock, but the kernel's TAI offset is 0 (TAI = UTC here): hosts whose offset is set (37 s) count other periods");
		FIX(f,
		    "the same TAI offset on every host: chronyd with 'leapsectz right/UTC', or ptp4l");
	} else {
		add(d, "cookie_clock", OK, "TAI cookie clock, synchronised, TAI offset %d s",
		    tx.tai);
	}
	memset(&k, 0, sizeof(k));
}

/*
 * Gateway mode needs, beside synx: its nftables table, conntrack seeing
 * handshake ACKs as invalid (nf_conntrack_tcp_loose=0), the interface
 * forwarding every family it protects, and room in the conntrack table.
 */
static void check_gateway(struct doctor *d)
{
	struct synx_gw_list *l = calloc(1, sizeof(*l));
	struct synx_maps m;
	char table[64];
	bool fam[2] = { false, false }, edge;
	long count, max;
	struct finding *f;

	synx_maps_init(&m);
	if (!l || !d->a.attached || !d->have_cfg || !(d->cfg.flags & SYNX_F_GATEWAY) ||
	    synx_maps_open_prog(d->a.prog_id, &m) || m.fd[SYNX_MAP_IDX_GATEWAY] < 0 ||
	    synx_gw_map_read(m.fd[SYNX_MAP_IDX_GATEWAY], l)) {
		add(d, "gateway", SKIPPED, "no gateway mode");
		goto out;
	}
	synx_gw_table(d->ifindex, table, sizeof(table));
	for (unsigned int i = 0; i < l->n; i++)
		fam[l->e[i].key.family == 6] = true;
	/* A stateless edge has no table and leaves conntrack as it is: forwarding is all. */
	edge = d->cfg.flags & SYNX_F_EDGE;
	if (edge)
		goto forwarding;
	if (!synx_gw_nft_present(d->ifindex)) {
		f = add(d, "gateway", PROBLEM,
			"gateway mode without its nftables table inet %s: no handshake ACK synx passes reaches a backend",
			table);
		FIX(f, "synx attach %s --replace", d->ifname);
		goto out;
	}
	if (synx_gw_loose_get() != 0) {
		f = add(d, "gateway", PROBLEM,
			"net.netfilter.nf_conntrack_tcp_loose is not 0: conntrack takes handshake ACKs for connections and SYNPROXY never sees them");
		FIX(f, "sysctl -w net.netfilter.nf_conntrack_tcp_loose=0");
		goto out;
	}
forwarding:
	for (int i = 0; i < 2; i++) {
		if (!fam[i])
			continue;
		if (synx_sysctl_forwards(d->ifname, i ? 6 : 4) == 0) {
			char fix[128];

			synx_sysctl_forwarding_fix(d->ifname, i ? 6 : 4, fix, sizeof(fix));
			f = add(d, "gateway", PROBLEM,
				"%s does not forward IPv%d: its IPv%d gateway prefixes get no answer",
				d->ifname, i ? 6 : 4, i ? 6 : 4);
			FIX(f, "sysctl -w %s", fix);
			goto out;
		}
	}
	if (edge) {
		add(d, "gateway", OK, "%u prefix%s, stateless edge, forwarding on", l->n,
		    l->n == 1 ? "" : "es");
		goto out;
	}
	count = synx_sysctl_read("/proc/sys/net/netfilter/nf_conntrack_count");
	max = synx_sysctl_read("/proc/sys/net/netfilter/nf_conntrack_max");
	if (count >= 0 && max > 0 && count * 10 >= max * 9) {
		f = add(d, "gateway", NOTE,
			"conntrack holds %ld of %ld entries: SYNPROXY cannot open connections once it is full",
			count, max);
		FIX(f, "sysctl -w net.netfilter.nf_conntrack_max=%ld", 2 * max);
		goto out;
	}
	add(d, "gateway", OK, "%u prefix%s, table inet %s, tcp_loose 0, forwarding on", l->n,
	    l->n == 1 ? "" : "es", table);
out:
	synx_maps_close(&m);
	free(l);
}

static void check_pins(struct doctor *d)
{
	struct finding *f;
	int fd;

	if (d->pins.exists && !d->a.attached) {
		f = add(d, "stale_pins", PROBLEM,
			"pins in %s without a running synx: they are left from a synx that is gone",
			d->pins.dir);
		FIX(f, "synx detach %s", d->ifname);
		return;
	}
	fd = bpf_obj_get(SYNX_IPROUTE2_GLOBALS "/" SYNX_MAP_CONFIG);
	if (fd >= 0) {
		struct synx_config c = {};
		__u32 key = 0;

		if (!d->a.attached && !bpf_map_lookup_elem(fd, &key, &c) &&
		    c.version == SYNX_CONFIG_VERSION) {
			f = add(d, "stale_pins", NOTE,
				"%s/%s holds a configuration: a plain 'ip link ... xdp obj' load inherits it instead of the defaults",
				SYNX_IPROUTE2_GLOBALS, SYNX_MAP_CONFIG);
			FIX(f, "rm %s/%s %s/%s", SYNX_IPROUTE2_GLOBALS, SYNX_MAP_CONFIG,
			    SYNX_IPROUTE2_GLOBALS, SYNX_MAP_PORTS);
			close(fd);
			return;
		}
		close(fd);
	}
	add(d, "stale_pins", OK, "no stale pins");
}

static void report(const struct doctor *d, int problems)
{
	json_writer_t *jw = synx_cli.json ? synx_json() : NULL;

	if (jw) {
		jw_start_object(jw);
		jw_string_field(jw, "ifname", d->ifname);
		jw_int_field(jw, "ifindex", d->ifindex);
		jw_bool_field(jw, "healthy", !problems);
		jw_int_field(jw, "problems", problems);
		jw_name(jw, "checks");
		jw_start_array(jw);
		for (int i = 0; i < d->n; i++) {
			jw_start_object(jw);
			jw_string_field(jw, "check", d->f[i].check);
			jw_string_field(jw, "status", verdict_names[d->f[i].v]);
			jw_string_field(jw, "message", d->f[i].msg);
			jw_name(jw, "fix");
			if (d->f[i].fix[0])
				jw_string(jw, d->f[i].fix);
			else
				jw_null(jw);
			jw_end_object(jw);
		}
		jw_end_array(jw);
		jw_end_object(jw);
		return;
	}
	printf("synx doctor %s: %s\n", d->ifname,
	       problems ? (problems > 1 ? "problems found" : "a problem found") : "healthy");
	for (int i = 0; i < d->n; i++) {
		const struct finding *f = &d->f[i];

		printf("  %-8s %-15s %s\n", f->v == PROBLEM ? "PROBLEM" : verdict_names[f->v],
		       f->check, f->msg);
		if (f->fix[0] && f->v != OK)
			printf("  %-8s %-15s fix: %s\n", "", "", f->fix);
	}
}

int synx_cmd_doctor(struct synx_cmdline *cl)
{
	struct doctor *d = calloc(1, sizeof(*d));
	struct synx_maps m;
	struct peer peer;
	int err, problems = 0;
	__u32 key = 0;

	synx_maps_init(&m);
	if (!d)
		return synx_err(SYNX_EXIT_FAIL, "out of memory");
	d->ifname = cl->ifname;
	d->ports = calloc(1, sizeof(*d->ports));
	err = d->ports ? synx_check_root() : synx_err(SYNX_EXIT_FAIL, "out of memory");
	if (!err)
		d->ifindex = synx_iface_index(cl->ifname, &err);
	if (!err)
		err = synx_pins_of(d->ifindex, &d->pins);
	if (!err && synx_attachment_query(d->ifindex, &d->a))
		err = synx_err(SYNX_EXIT_FAIL, "cannot query XDP on %s", cl->ifname);
	if (err)
		goto out;
	if (d->a.attached && !synx_maps_open_prog(d->a.prog_id, &m) &&
	    m.fd[SYNX_MAP_IDX_CONFIG] >= 0 &&
	    !bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_CONFIG], &key, &d->cfg) &&
	    d->cfg.version == SYNX_CONFIG_VERSION) {
		d->have_cfg = true;
		if (m.fd[SYNX_MAP_IDX_PORTS] >= 0)
			bpf_map_lookup_elem(m.fd[SYNX_MAP_IDX_PORTS], &key, d->ports);
	}
	synx_tc_query(d->ifindex, &d->tc);
	synx_nl_link(d->ifindex, &d->link);
	find_peer(d, &peer);

	check_attached(d);
	check_monitor(d);
	check_listener(d);
	check_syncookies(d);
	check_veth(d, &peer);
	check_generic(d);
	check_gro(d);
	check_mtu(d, &peer);
	check_other_xdp(d);
	check_dispatcher(d);
	check_own(d);
	check_cookie_clock(d);
	check_gateway(d);
	check_pins(d);
	for (int i = 0; i < d->n; i++)
		problems += d->f[i].v == PROBLEM;
	report(d, problems);
	err = problems ? SYNX_EXIT_UNHEALTHY : 0;
out:
	synx_maps_close(&m);
	if (d)
		free(d->ports);
	free(d);
	return err;
}
