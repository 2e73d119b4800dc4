/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* getopt values of the long-only options. */
#ifndef SYNX_OPTS_H
#define SYNX_OPTS_H

enum synx_optval {
	OPT_MODE = 256,
	OPT_PORTS,
	OPT_MSS4,
	OPT_MSS6,
	OPT_TTL,
	OPT_HOP_LIMIT,
	OPT_TS_COOKIES,
	OPT_NO_LISTENER,
	OPT_WATCH,
	OPT_PER_CPU,
	OPT_PROMETHEUS,
	OPT_COOKIES,
	OPT_COOKIE_PERIOD,
	OPT_ROTATE_KEY,
};

#endif
