// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Error reporting, logging and environment checks shared by all commands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "cli.h"
#include "pins.h"

struct synx_cli synx_cli;

json_writer_t *synx_json(void)
{
	if (!synx_cli.jw)
		synx_cli.jw = jw_new(stdout, synx_cli.pretty);
	return synx_cli.jw;
}

int synx_err(int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(synx_cli.last_err, sizeof(synx_cli.last_err), "%s", msg);
	if (synx_cli.quiet)
		return code;

	if (synx_cli.json) {
		/* Whatever was half-written is abandoned: an error replaces it. */
		json_writer_t *jw = jw_new(stdout, synx_cli.pretty);

		if (jw) {
			jw_start_object(jw);
			jw_string_field(jw, "error", msg);
			jw_int_field(jw, "exit_code", code);
			jw_end_object(jw);
			jw_destroy(&jw);
		}
	} else {
		fprintf(stderr, "synx: %s\n", msg);
	}
	return code;
}

void synx_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("synx: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void synx_note(const char *fmt, ...)
{
	va_list ap;

	fputs("synx: note: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int synx_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!synx_cli.verbose)
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

/*
 * libxdp warns on stderr when its dispatcher cannot be used and it falls back
 * to a single program; synx reports that itself (attach output, status), so
 * the raw library log is only shown with -v.
 */
static int synx_libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	if (!synx_cli.verbose)
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

void synx_setup_logging(void)
{
	libbpf_set_print(synx_libbpf_print);
	libxdp_set_print(synx_libxdp_print);
}

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
		return synx_err(SYNX_EXIT_NOBTF,
				"kernel BTF not found (/sys/kernel/btf/vmlinux): synx needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
	return SYNX_EXIT_OK;
}
