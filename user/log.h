/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What changed the system, for syslog: attach, detach, config changes, key
 * rotations and refusals, one line each, starting with the interface.
 * syslog(3) with LOG_DAEMON: what the journal captures from a systemd unit,
 * and what a syslog daemon files with other daemons.  The terminal gets its
 * own report from each command; this is the record that stays.
 */
#ifndef SYNX_LOG_H
#define SYNX_LOG_H

#include <syslog.h>

/* "IFACE: message" at @prio (LOG_INFO, LOG_NOTICE, LOG_ERR); @ifname NULL: none known. */
void synx_log(int prio, const char *ifname, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
