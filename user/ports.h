/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The protected port set (struct synx_ports, a bitmap the XDP program tests). */
#ifndef SYNX_PORTS_H
#define SYNX_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include "synx_config.h"

/*
 * Parse a --ports value into @ports, or "all" into *@all.  0, or
 * SYNX_EXIT_USAGE after reporting what is wrong.
 */
int synx_parse_ports(const char *s, struct synx_ports *ports, bool *all);

/* Human-readable port list ("80,443,8000-8100"), or "all". */
void synx_ports_format(const struct synx_ports *p, bool all, char *buf, size_t len);
unsigned int synx_ports_count(const struct synx_ports *p);

/* Add ports @lo..@hi (port 0 left out; nothing when @lo > @hi). */
void synx_ports_add_range(struct synx_ports *p, unsigned int lo, unsigned int hi);

#endif
