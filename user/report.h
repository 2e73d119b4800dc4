/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Printing a configuration and the cookie state, text or JSON. */
#ifndef SYNX_REPORT_H
#define SYNX_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "synx_config.h"
#include "json_writer.h"

const char *synx_cookie_mode_str(__u8 mode);

/* Either a "config" JSON object (when @jw) or indented text lines. */
void synx_report_config(json_writer_t *jw, const struct synx_config *cfg,
			const struct synx_ports *ports);

/* The reflection budget in words ("1000 SYN-ACKs/s, 10 per source /24 ..."). */
void synx_budget_format(const struct synx_config *cfg, char *buf, size_t len);

/*
 * What differs between config @a (ports @pa) and @b (@pb), "ttl 0 -> 64;
 * ports all -> 80", for the log; "" when nothing a user sets differs.
 */
void synx_config_diff(const struct synx_config *a, const struct synx_ports *pa,
		      const struct synx_config *b, const struct synx_ports *pb, char *buf,
		      size_t len);

/*
 * The cookie mode, key state (never the keys themselves) and the tc
 * hand-off: a "cookies" JSON object, or text lines.  @keys and @tc may be
 * NULL when unknown; @ks: where own cookies' key comes from (the path,
 * never the key), NULL: unknown; @qdisc_created: synx made the clsact
 * qdisc; @kfunc: the kernel has bpf_sk_assign_tcp_reqsk().
 */
struct synx_cookie_keys;
struct synx_key_source;
struct synx_tc_info;
void synx_report_cookies(json_writer_t *jw, const struct synx_config *cfg,
			 const struct synx_cookie_keys *keys, const struct synx_key_source *ks,
			 const struct synx_tc_info *tc, bool qdisc_created, bool kfunc);

#endif
