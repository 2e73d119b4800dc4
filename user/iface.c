// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include "cli.h"
#include "iface.h"
#include "pins.h"

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

void synx_iface_driver(const char *ifname, char *buf, size_t len)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&di };

	buf[0] = '\0';
	if (!iface_ioctl(ifname, SIOCETHTOOL, &ifr))
		snprintf(buf, len, "%s", di.driver);
}

const char *synx_mode_str(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "skb";
	case XDP_MODE_HW: return "hw";
	default: return "none";
	}
}

int synx_attachment_query(int ifindex, struct synx_attachment *a)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	long err;

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	if (!if_indextoname(ifindex, a->ifname))
		return -ENODEV;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err == -ENOENT || !mp)
		return 0; /* nothing attached */
	if (err)
		return err;

	a->mode = xdp_multiprog__attach_mode(mp);
	a->nr_progs = xdp_multiprog__program_count(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		a->nr_progs = p ? 1 : 0;
		if (p && synx_prog_is_synx(xdp_program__id(p))) {
			a->attached = true;
			a->prog_id = xdp_program__id(p);
		} else if (p) {
			a->other_prog_id = xdp_program__id(p);
		}
	} else {
		a->dispatcher = true;
		p = xdp_multiprog__main_prog(mp);
		a->dispatcher_id = p ? xdp_program__id(p) : 0;
		for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp)) {
			if (synx_prog_is_synx(xdp_program__id(p))) {
				a->attached = true;
				a->prog_id = xdp_program__id(p);
			}
		}
	}
	xdp_multiprog__close(mp);
	return 0;
}

/* bpf_prog_info.load_time is CLOCK_BOOTTIME; convert to wall-clock time. */
long long synx_prog_load_walltime(__u32 prog_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct timespec real, boot;
	int fd = bpf_prog_get_fd_by_id(prog_id);
	int err;

	if (fd < 0)
		return 0;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err || clock_gettime(CLOCK_REALTIME, &real) || clock_gettime(CLOCK_BOOTTIME, &boot))
		return 0;
	return real.tv_sec - boot.tv_sec + (long long)(info.load_time / 1000000000ULL);
}
