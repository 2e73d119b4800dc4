/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Interfaces: name checks, lookup, MTU, offloads, driver. */
#ifndef SYNX_IFACE_H
#define SYNX_IFACE_H

#include <stdbool.h>
#include <net/if.h>
#include <stddef.h>

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
/* GRO (ETHTOOL_GGRO) and LRO (ETH_FLAG_LRO): 1 on, 0 off, -1 not reported. */
void synx_iface_gro_lro(const char *ifname, int *gro, int *lro);
/* Driver name (ETHTOOL_GDRVINFO), "" when unknown. */
void synx_iface_driver(const char *ifname, char *buf, size_t len);

#endif
