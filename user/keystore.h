/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where the own-cookie key lives between attaches, so that a cookie issued
 * before `synx detach` still completes its handshake after the next
 * `synx attach` (a restart, a package upgrade, a reload of the unit).
 *
 *   --key-file PATH            the key in PATH (made on first use)
 *   otherwise                  SYNX_STATE_DIR/IFACE.key (made on first use)
 *
 * A key file is exactly SYNX_KEY_FILE_SIZE raw bytes: the SipHash-2-4 key,
 * k0 then k1, each little-endian, as `head -c 16 /dev/urandom` makes one.
 * It is trusted only if nobody but root could have read or changed it: a
 * regular file (not a link, FIFO, device or directory), root's (or the
 * caller's), mode 0600 or stricter, in a directory that only root can
 * write, below directories that only root can write (or sticky ones, as
 * /tmp).  synx creates it with a getrandom() key, 0600, written to a
 * temporary file in the same directory, fsync'd and renamed into place
 * without replacing anything; `config --rotate-key` replaces it the same
 * way.  The key is never printed or logged; status shows where it is.
 */
#ifndef SYNX_KEYSTORE_H
#define SYNX_KEYSTORE_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#define SYNX_KEY_FILE_SIZE 16
/* The state directory, unless SYNX_STATE_DIR (tests, packaging) names another. */
#define SYNX_STATE_DIR_DEFAULT "/var/lib/synx"
#define SYNX_STATE_DIR_ENV "SYNX_STATE_DIR"

enum synx_key_kind {
	SYNX_KEY_RANDOM = 0, /* in the map only: gone with the next detach */
	SYNX_KEY_FILE,       /* --key-file PATH */
	SYNX_KEY_STATE,      /* the state directory's IFACE.key */
};

struct synx_key_source {
	enum synx_key_kind kind;
	char path[PATH_MAX]; /* absolute; "" for SYNX_KEY_RANDOM */
	/* What a load made, for synx_keystore_forget(). */
	bool created;     /* the file (its dev and ino) */
	bool created_dir; /* the state directory */
	__u64 dev, ino;
};

/* "random", "file", "state". */
const char *synx_key_kind_str(enum synx_key_kind kind);

/*
 * The key attach loads: from @key_file (NULL: the state directory's file
 * for @ifname), read or else created (@src->created: this call made it;
 * synx_keystore_forget() removes a state-directory key it made again on a
 * failed attach, never a --key-file, which others may share).  A state
 * directory that cannot be made on this system (read-only, no /var/lib)
 * gives a random key with a warning (@src->kind SYNX_KEY_RANDOM).
 * 0, or an exit code already reported; nothing is left behind on error.
 */
int synx_keystore_load(const char *key_file, const char *ifname, __u64 key[2],
		       struct synx_key_source *src);

/*
 * The key a load would read, never creating one: 0 (@src says where), 1
 * when there is none (@src->kind SYNX_KEY_RANDOM), or an exit code already
 * reported for a file that is there but cannot be trusted.
 */
int synx_keystore_peek(const char *key_file, const char *ifname, __u64 key[2],
		       struct synx_key_source *src);

/* Undo a load that created a state-directory key (only if it is still that file). */
void synx_keystore_forget(const struct synx_key_source *src);

/*
 * Replace the key in @src's file with @key, atomically (a temporary file
 * renamed over it), after the same checks as a load.  0 or an exit code.
 */
int synx_keystore_save(const struct synx_key_source *src, const __u64 key[2]);

#endif
