/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Printing a configuration and the kernel-setting warnings, text or JSON. */
#ifndef SYNX_REPORT_H
#define SYNX_REPORT_H

#include <stdbool.h>
#include <linux/types.h>
#include <linux/types.h>
#include "synx_config.h"
#include "sysctl.h"
#include "iface.h"

const char *synx_cookie_mode_str(__u8 mode);

/* Either a "config" JSON object (when @jw) or indented text lines. */
void synx_report_config(json_writer_t *jw, const struct synx_config *cfg,
			const struct synx_ports *ports);

/*
 * The cookie mode, key state (never the keys themselves) and the tc
 * hand-off: a "cookies" JSON object, or text lines.  @keys and @tc may be
 * NULL when unknown; @qdisc_created: synx made the clsact qdisc; @kfunc:
 * the kernel has bpf_sk_assign_tcp_reqsk().
 */
struct synx_cookie_keys;
struct synx_tc_info;
void synx_report_cookies(json_writer_t *jw, const struct synx_config *cfg,
			 const struct synx_cookie_keys *keys, const struct synx_tc_info *tc,
			 bool qdisc_created, bool kfunc);

/* Kernel-wide warnings: net.ipv4.* settings that defeat part of synx. */
int synx_kernel_warnings(const struct synx_sysctls *k, const struct synx_config *cfg,
			 const char **out, int max);

#define SYNX_WARN_LEN 640

/* Per-interface warnings: offloads that hide or break what XDP sees. */
int synx_iface_warnings(const char *ifname, const struct synx_offloads *o,
			const char *driver, char out[][SYNX_WARN_LEN], int max);

#endif
