// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What the system must offer before synx changes anything: see prereqs.h. */
#include <stdbool.h>
#include <unistd.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include "cli.h"
#include "pins.h"
#include "prereqs.h"

/*
 * Root is not the point, capabilities are: loading needs CAP_BPF (or
 * CAP_SYS_ADMIN on older kernels) and attaching needs CAP_NET_ADMIN.  Ask the
 * kernel directly (capget) instead of trusting the uid.
 */
int synx_check_root(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	bool bpf, net_admin, sys_admin;

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() ? synx_err(SYNX_EXIT_PERM, "must be run as root") : SYNX_EXIT_OK;

#define HAS_CAP(c) (data[CAP_TO_INDEX(c)].effective & CAP_TO_MASK(c))
	bpf = HAS_CAP(CAP_BPF);
	net_admin = HAS_CAP(CAP_NET_ADMIN);
	sys_admin = HAS_CAP(CAP_SYS_ADMIN);
#undef HAS_CAP
	if ((bpf || sys_admin) && net_admin)
		return SYNX_EXIT_OK;
	return synx_err(SYNX_EXIT_PERM,
			"must be run as root (needs CAP_BPF or CAP_SYS_ADMIN, and CAP_NET_ADMIN)");
}

int synx_check_bpffs(void)
{
	struct statfs st;

	if (statfs(SYNX_BPFFS, &st) || st.f_type != BPF_FS_MAGIC)
		return synx_err(SYNX_EXIT_NOBPFFS,
				"%s is not a bpf filesystem: mount it with 'mount -t bpf bpf %s'",
				SYNX_BPFFS, SYNX_BPFFS);
	return SYNX_EXIT_OK;
}

/*
 * libxdp's dispatcher is built from BTF (freplace needs the target's BTF),
 * and synx's object carries BTF for its maps; a kernel without
 * CONFIG_DEBUG_INFO_BTF cannot run either.
 */
int synx_check_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return synx_err(
			SYNX_EXIT_NOBTF,
			"kernel BTF not found (/sys/kernel/btf/vmlinux): synx needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
	return SYNX_EXIT_OK;
}
