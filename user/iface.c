// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Interfaces: names, MTU, offloads, driver.  See iface.h. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "cli.h"
#include "iface.h"

/*
 * The kernel's own rules (dev_valid_name()): a name that breaks them can
 * name no interface, and must never become a path under the pin root
 * ("hx0/.." would be the root itself).
 */
bool synx_ifname_valid(const char *ifname)
{
	if (!*ifname || strlen(ifname) >= IF_NAMESIZE || !strcmp(ifname, ".") ||
	    !strcmp(ifname, ".."))
		return false;
	for (const char *c = ifname; *c; c++)
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
			return false;
	return true;
}

int synx_iface_index(const char *ifname, int *err)
{
	unsigned int idx;

	*err = 0;
	if (!synx_ifname_valid(ifname)) {
		*err = synx_err(SYNX_EXIT_NODEV, "not a valid interface name: %s", ifname);
		return 0;
	}
	idx = if_nametoindex(ifname);
	if (!idx)
		*err = synx_err(SYNX_EXIT_NODEV, "no such interface: %s", ifname);
	return idx;
}

static int iface_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	ret = ioctl(fd, req, ifr) ? -errno : 0;
	close(fd);
	return ret;
}

int synx_iface_mtu(const char *ifname, unsigned int *mtu)
{
	struct ifreq ifr = {};
	int err = iface_ioctl(ifname, SIOCGIFMTU, &ifr);

	if (!err)
		*mtu = ifr.ifr_mtu;
	return err;
}

static int ethtool_get(const char *ifname, __u32 cmd)
{
	struct ethtool_value ev = { .cmd = cmd };
	struct ifreq ifr = { .ifr_data = (void *)&ev };

	if (iface_ioctl(ifname, SIOCETHTOOL, &ifr))
		return -1;
	return ev.data;
}

void synx_iface_offloads(const char *ifname, struct synx_offloads *o)
{
	int flags = ethtool_get(ifname, ETHTOOL_GFLAGS);

	o->rx_csum = ethtool_get(ifname, ETHTOOL_GRXCSUM);
	o->tx_csum = ethtool_get(ifname, ETHTOOL_GTXCSUM);
	o->rx_vlan = flags < 0 ? -1 : !!(flags & ETH_FLAG_RXVLAN);
	o->tx_vlan = flags < 0 ? -1 : !!(flags & ETH_FLAG_TXVLAN);
	if (o->rx_csum > 0)
		o->rx_csum = 1;
	if (o->tx_csum > 0)
		o->tx_csum = 1;
}

void synx_iface_gro_lro(const char *ifname, int *gro, int *lro)
{
	int flags = ethtool_get(ifname, ETHTOOL_GFLAGS);

	*gro = ethtool_get(ifname, ETHTOOL_GGRO);
	if (*gro > 0)
		*gro = 1;
	*lro = flags < 0 ? -1 : !!(flags & ETH_FLAG_LRO);
}

void synx_iface_driver(const char *ifname, char *buf, size_t len)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&di };

	buf[0] = '\0';
	if (!iface_ioctl(ifname, SIOCETHTOOL, &ifr))
		snprintf(buf, len, "%s", di.driver);
}
