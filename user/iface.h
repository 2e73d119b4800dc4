/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Interfaces: lookup, MTU, offloads, and which synx program runs where. */
#ifndef SYNX_IFACE_H
#define SYNX_IFACE_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>
#include <xdp/libxdp.h>

/* Would the kernel accept this as an interface name (dev_valid_name())? */
bool synx_ifname_valid(const char *ifname);

/* ifindex of @ifname, or 0 after reporting SYNX_EXIT_NODEV via *err. */
int synx_iface_index(const char *ifname, int *err);
int synx_iface_mtu(const char *ifname, unsigned int *mtu);

/* Offload state from the legacy ethtool ioctls; -1 when not reported. */
struct synx_offloads {
	int rx_csum;
	int tx_csum;
	int rx_vlan;
	int tx_vlan;
};
void synx_iface_offloads(const char *ifname, struct synx_offloads *o);
/* Driver name (ETHTOOL_GDRVINFO), "" when unknown. */
void synx_iface_driver(const char *ifname, char *buf, size_t len);

/* How synx sits on an interface, found through libxdp (no state of our own). */
struct synx_attachment {
	int ifindex;
	char ifname[IF_NAMESIZE];
	bool attached;           /* a synx program runs on the interface */
	__u32 prog_id;           /* the synx program */
	enum xdp_attach_mode mode;
	bool dispatcher;         /* behind libxdp's dispatcher, else directly attached */
	__u32 dispatcher_id;
	int nr_progs;            /* programs on the interface, synx included */
	__u32 other_prog_id;     /* a non-synx program directly attached, 0 if none */
};

/* Fill @a for @ifindex; 0 even when nothing is attached (a->attached). */
int synx_attachment_query(int ifindex, struct synx_attachment *a);

const char *synx_mode_str(enum xdp_attach_mode mode);

/* Wall-clock time (seconds since the epoch) a program was loaded; 0 if unknown. */
long long synx_prog_load_walltime(__u32 prog_id);

#endif
