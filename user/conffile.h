/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Configuration files (--config-file PATH, the synx@IFACE unit's
 * /etc/synx/IFACE.conf).  No keys of their own: a key is the long name of
 * an option of the option table (options.c) that the command takes, and its
 * value goes through that option's own handler, so every setting the
 * command line has is expressible and nothing is declared twice.
 *
 *   # comment (also after a value)
 *   ports = 80,443
 *   monitor = on
 *
 * One "KEY = VALUE" a line; blank lines and comments are skipped; a flag
 * (monitor on attach) takes on or off.  Errors name FILE:LINE: an unknown
 * key, a key set twice, a line without '=', a bad value, a NUL byte, a line
 * over SYNX_CONFFILE_LINE_MAX, a file over SYNX_CONFFILE_MAX, a file that is
 * not regular, or one that someone other than root (or the caller) owns or
 * may write.
 */
#ifndef SYNX_CONFFILE_H
#define SYNX_CONFFILE_H

struct synx_cmdline;

#define SYNX_CONFFILE_MAX (64 * 1024)
#define SYNX_CONFFILE_LINE_MAX 1024

/*
 * Apply the settings of @path to @cl, for its command (attach or config),
 * as if each were given on the command line where --config-file stands.
 * Sets cl->settings.from_file.  0, or an exit code already reported.
 */
int synx_conffile_apply(struct synx_cmdline *cl, const char *path);

#endif
