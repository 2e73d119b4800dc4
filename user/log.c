// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Events for syslog.  See log.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include "log.h"

void synx_log(int prio, const char *ifname, const char *fmt, ...)
{
	static bool opened;
	char msg[768];
	va_list ap;

	/* No LOG_CONS: without a syslog daemon the line is lost, never on a console. */
	if (!opened) {
		openlog("synx", LOG_PID, LOG_DAEMON);
		opened = true;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ifname)
		syslog(prio, "%s: %s", ifname, msg);
	else
		syslog(prio, "%s", msg);
}
