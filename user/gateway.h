/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Gateway mode: protect the servers behind this host.  XDP answers the SYNs
 * this host forwards to a protected prefix (bpf/gateway.h) and hands valid
 * handshake ACKs to netfilter's SYNPROXY, which connects to the backend and
 * translates sequence numbers for the connection's life.  This file owns
 * the userspace half:
 *
 *  - the --gateway list: PREFIX[@OPT:OPT...],... where OPT is mss=N,
 *    wscale=N, sack, ts, ecn, or no- of the last three and of wscale: what
 *    the prefix's backends take, which SYNPROXY must announce for them;
 *  - the synx_gateway map that holds it;
 *  - one nftables table of synx's own per interface, through libnftables
 *    (never the admin's tables): SYNs to protected destinations untracked,
 *    the SYNPROXY statement for their handshake ACKs, and "ct state
 *    invalid" dropped for protected traffic only;
 *  - net.netfilter.nf_conntrack_tcp_loose, which must be 0 for SYNPROXY to
 *    see the ACK as invalid: namespace-wide, so it is changed with a
 *    warning and restored by the detach of the last gateway;
 *  - `synx probe ADDR:PORT`: one connection to a backend, and the entry
 *    that describes what it negotiated.
 */
#ifndef SYNX_GATEWAY_H
#define SYNX_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include "synx_config.h"
#include "json_writer.h"

#define SYNX_GW_LIST_MAX 64 /* entries on one command line or configuration file */

struct synx_gw_entry {
	struct synx_gw_key key;
	struct synx_gw_backend b;
	__u8 given; /* SYNX_GW_GIVEN_*: spelled out, not defaulted (parsed entries only) */
};

#define SYNX_GW_GIVEN_MSS 0x1
#define SYNX_GW_GIVEN_WSCALE 0x2 /* wscale=N or nowscale */

struct synx_gw_list {
	unsigned int n;
	struct synx_gw_entry e[SYNX_GW_LIST_MAX];
};

/* Defaults of an entry's backend options (most servers take them). */
#define SYNX_GW_DEFAULT_MSS4 1460
#define SYNX_GW_DEFAULT_MSS6 1440
#define SYNX_GW_DEFAULT_WSCALE 7
#define SYNX_GW_DEFAULT_FLAGS (SYNX_GW_SACK | SYNX_GW_TS | SYNX_GW_WSCALE)

/* --gateway LIST into @l.  0, or SYNX_EXIT_USAGE after reporting. */
int synx_parse_gateway(const char *s, struct synx_gw_list *l);
/* One entry as --gateway takes it: 198.51.100.0/24@mss=1460:wscale=7:sack:ts. */
void synx_gw_format(const struct synx_gw_entry *e, char *buf, size_t len);
/* The prefix alone, 198.51.100.0/24. */
void synx_gw_prefix(const struct synx_gw_entry *e, char *buf, size_t len);

/* Make map @fd hold exactly @l.  0 or -errno. */
int synx_gw_map_write(int fd, const struct synx_gw_list *l);
/* What map @fd holds.  0 or -errno. */
int synx_gw_map_read(int fd, struct synx_gw_list *l);

/* The nftables table of @ifname: "synx_gw_if" and its interface index. */
void synx_gw_table(int ifindex, char *buf, size_t len);
/*
 * Create or replace, in one transaction, the table for @ifname's gateway
 * @l on protected @ports (@all: every TCP port).  0, or an exit code after
 * reporting libnftables' error.
 */
int synx_gw_nft_apply(const char *ifname, const struct synx_gw_list *l,
		      const struct synx_ports *ports, bool all);
/* Remove it; *@removed when it was there.  0 or an exit code. */
int synx_gw_nft_remove(int ifindex, bool *removed);
/* Whether it is there. */
bool synx_gw_nft_present(int ifindex);
/* Whether any synx gateway table is there, but @ifname's. */
bool synx_gw_nft_others(int ifindex);

/*
 * The end of @ifname's gateway: its table, and nf_conntrack_tcp_loose back
 * to 1 if a gateway changed it and no other gateway of the namespace
 * remains.  0 or an exit code.
 */
int synx_gw_teardown(int ifindex, bool *removed);
/* Record that a gateway set nf_conntrack_tcp_loose from 1 to 0.  0 or -errno. */
int synx_gw_loose_mark(void);
/* Set it back to 1 if a gateway did and no other gateway of the namespace remains. */
void synx_gw_loose_restore(int ifindex);

/* nf_conntrack_tcp_loose now; -1 when it cannot be read. */
int synx_gw_loose_get(void);
/* Set it.  0 or -errno. */
int synx_gw_loose_set(int v);

/*
 * status: the gateway of @ifname (prefixes @l), its table, SYNPROXY and
 * conntrack; a stateless edge (@edge) has none of those three.
 */
void synx_gw_report(json_writer_t *jw, const char *ifname, const struct synx_gw_list *l, bool edge);

/* synx probe ADDR:PORT */
int synx_cmd_probe(int argc, char **argv);

#endif
