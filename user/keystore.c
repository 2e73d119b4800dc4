// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Own-cookie keys kept in files between attaches.  See keystore.h. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "cli.h"
#include "keys.h"
#include "keystore.h"

const char *synx_key_kind_str(enum synx_key_kind kind)
{
	switch (kind) {
	case SYNX_KEY_FILE:
		return "file";
	case SYNX_KEY_STATE:
		return "state";
	default:
		return "random";
	}
}

/* Whose files synx trusts: root's, or those of whoever runs it (as for pins). */
static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

static const char *file_type(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISLNK(m))
		return "a symbolic link";
	return "not a regular file";
}

/* A regular file, if anything, by that name: 0 (also when there is none) or an exit code. */
static int check_type(int dfd, const char *base, const char *abs, const char *what)
{
	struct stat st;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT
			       ? 0
			       : synx_err(SYNX_EXIT_FAIL, "%s %s: %s", what, abs, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return synx_err(
			SYNX_EXIT_UNSAFE,
			"%s %s: a symbolic link: synx reads the key only from a regular file, not through a link",
			what, abs);
	if (!S_ISREG(st.st_mode))
		return synx_err(SYNX_EXIT_USAGE,
				"%s %s: %s, not a regular file of %d bytes (the raw key)", what,
				abs, file_type(st.st_mode), SYNX_KEY_FILE_SIZE);
	return 0;
}

/*
 * The directory that holds the key (@st, from the descriptor that will be
 * used) and every directory above it (@abs, by path): whoever can write
 * one of them can put another file, or another directory, under the name.
 * The directory itself must be writable by its owner only; the ones above
 * may be sticky instead (/tmp), where nobody may rename what root owns.
 */
static int check_dirs(const char *abs, const struct stat *st, const char *what, const char *file)
{
	char path[PATH_MAX], *slash;
	struct stat up;

	if (!trusted_owner(st->st_uid) || (st->st_mode & (S_IWGRP | S_IWOTH)))
		return synx_err(
			SYNX_EXIT_UNSAFE,
			"%s %s: directory %s belongs to uid %u with mode %04o: whoever can write it can replace the key; use a directory only root can write",
			what, file, abs, (unsigned int)st->st_uid,
			(unsigned int)(st->st_mode & 07777));
	snprintf(path, sizeof(path), "%s", abs);
	while ((slash = strrchr(path, '/'))) {
		slash[slash == path] = '\0'; /* "/a" -> "/", "/" -> "" */
		if (!path[0])
			break;
		if (stat(path, &up))
			return synx_err(SYNX_EXIT_FAIL, "%s: cannot check %s: %s", what, path,
					strerror(errno));
		if (!trusted_owner(up.st_uid) ||
		    ((up.st_mode & (S_IWGRP | S_IWOTH)) && !(up.st_mode & S_ISVTX)))
			return synx_err(
				SYNX_EXIT_UNSAFE,
				"%s %s: directory %s belongs to uid %u with mode %04o: whoever can write it can replace the key; use a directory only root can write",
				what, file, path, (unsigned int)up.st_uid,
				(unsigned int)(up.st_mode & 07777));
		if (!strcmp(path, "/"))
			break;
	}
	return 0;
}

/*
 * Split @path into its directory, made absolute, and its last name; open
 * the directory and check it.  *@dfd: its descriptor; @abs: the file's
 * absolute path.  0 or an exit code.
 */
static int open_dir(const char *path, const char *what, char *abs, size_t abslen, int *dfd,
		    const char **base)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int err;

	*dfd = -1;
	*base = slash ? slash + 1 : path;
	if (!**base || !strcmp(*base, ".") || !strcmp(*base, ".."))
		return synx_err(SYNX_EXIT_USAGE, "%s: '%s' names no file", what, path);
	if (strlen(path) >= sizeof(dir))
		return synx_err(SYNX_EXIT_USAGE, "%s: path too long", what);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) ? (int)(slash - path) : 1,
			 path);
	if (!realpath(dir, real))
		return synx_err(SYNX_EXIT_USAGE, "%s: directory %s: %s", what, dir,
				strerror(errno));
	{
		size_t rl = strcmp(real, "/") ? strlen(real) : 0, bl = strlen(*base);

		if (rl + 1 + bl >= abslen)
			return synx_err(SYNX_EXIT_USAGE, "%s: path too long", what);
		memcpy(abs, real, rl);
		abs[rl] = '/';
		memcpy(abs + rl + 1, *base, bl + 1);
	}
	*dfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dfd < 0)
		return synx_err(SYNX_EXIT_FAIL, "%s: directory %s: %s", what, real,
				strerror(errno));
	/* What the name is first: "a FIFO" says more than a remark on its directory. */
	err = fstat(*dfd, &st) ? synx_err(SYNX_EXIT_FAIL, "%s: directory %s: %s", what, real,
					  strerror(errno))
			       : check_type(*dfd, *base, abs, what);
	if (!err)
		err = check_dirs(real, &st, what, abs);
	if (err) {
		close(*dfd);
		*dfd = -1;
	}
	return err;
}

/*
 * Read the key file @base in @dfd, after every check.  0, 1 when there is
 * no such file, or an exit code.
 */
static int read_at(int dfd, const char *base, const char *abs, const char *what, __u64 key[2],
		   struct stat *out)
{
	unsigned char buf[SYNX_KEY_FILE_SIZE + 1];
	struct stat st, fst;
	ssize_t n;
	size_t got = 0;
	int fd, err = 0;

	err = check_type(dfd, base, abs, what);
	if (err)
		return err;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT
			       ? 1
			       : synx_err(SYNX_EXIT_FAIL, "%s %s: %s", what, abs, strerror(errno));
	/* O_NONBLOCK: should it turn into a FIFO meanwhile, it must not hang us. */
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return synx_err(errno == ELOOP ? SYNX_EXIT_UNSAFE : SYNX_EXIT_FAIL, "%s %s: %s",
				what, abs, strerror(errno));
	if (fstat(fd, &fst) || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino ||
	    !S_ISREG(fst.st_mode)) {
		err = synx_err(SYNX_EXIT_FAIL, "%s %s: changed while synx opened it", what, abs);
		goto out;
	}
	if (!trusted_owner(fst.st_uid) || (fst.st_mode & (S_IRWXG | S_IRWXO))) {
		err = synx_err(
			SYNX_EXIT_UNSAFE,
			"%s %s: owned by uid %u with mode %04o: others could read or change the key; make it root's with mode 0600 (chown root, chmod 600)",
			what, abs, (unsigned int)fst.st_uid, (unsigned int)(fst.st_mode & 07777));
		goto out;
	}
	/* Read to the end, not to st_size: the file may grow meanwhile. */
	while (got < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = synx_err(SYNX_EXIT_FAIL, "%s %s: %s", what, abs, strerror(errno));
			goto out;
		}
		got += n;
	}
	if (got != SYNX_KEY_FILE_SIZE) {
		err = synx_err(
			SYNX_EXIT_USAGE,
			"%s %s: %s%zu bytes, expected exactly %d (the raw key, e.g. 'head -c 16 /dev/urandom')",
			what, abs, got > SYNX_KEY_FILE_SIZE ? "more than " : "",
			got > SYNX_KEY_FILE_SIZE ? (size_t)SYNX_KEY_FILE_SIZE : got,
			SYNX_KEY_FILE_SIZE);
		goto out;
	}
	/* k0, k1 little-endian, as SipHash's reference reads its key bytes. */
	memcpy(&key[0], buf, 8);
	memcpy(&key[1], buf + 8, 8);
	key[0] = le64toh(key[0]);
	key[1] = le64toh(key[1]);
	if (out)
		*out = fst;
out:
	memset(buf, 0, sizeof(buf));
	close(fd);
	return err;
}

/*
 * Write @key as @base in @dfd: a temporary file (0600, fsync'd) in the
 * same directory renamed onto the name, over what is there (@replace) or
 * only if nothing is (-EEXIST then).  The directory is fsync'd so the name
 * survives a crash.  0 or -errno; the temporary file never stays.
 */
static int write_at(int dfd, const char *base, const __u64 key[2], bool replace)
{
	unsigned char buf[SYNX_KEY_FILE_SIZE];
	char tmp[NAME_MAX + 1];
	__u64 le[2] = { htole64(key[0]), htole64(key[1]) };
	__u32 r = 0;
	int fd, err = 0;

	/* A name nobody can guess ahead of us; O_EXCL refuses one that exists. */
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (__u32)getpid();
	if ((size_t)snprintf(tmp, sizeof(tmp), ".%.200s.tmp-%d-%08x", base, (int)getpid(), r) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(buf, le, sizeof(buf));
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || fsync(fd))
		err = errno ? -errno : -EIO;
	memset(buf, 0, sizeof(buf));
	memset(le, 0, sizeof(le));
	if (close(fd) && !err)
		err = -errno;
	if (!err && replace && renameat(dfd, tmp, dfd, base))
		err = -errno;
	if (!err && !replace && renameat2(dfd, tmp, dfd, base, RENAME_NOREPLACE)) {
		err = -errno;
		/* A filesystem without RENAME_NOREPLACE: link(2) never replaces either. */
		if (err == -EINVAL || err == -ENOSYS)
			err = linkat(dfd, tmp, dfd, base, 0) ? -errno : 0;
	}
	unlinkat(dfd, tmp, 0); /* renamed: ENOENT */
	if (!err)
		fsync(dfd);
	return err;
}

/* Load the key file @path, or create it with a fresh key.  0 or an exit code. */
static int load_file(const char *path, const char *what, __u64 key[2], struct synx_key_source *src)
{
	const char *base;
	struct stat st;
	int dfd, err;

	err = open_dir(path, what, src->path, sizeof(src->path), &dfd, &base);
	if (err)
		return err;
	/* Twice at most: another attach may create it between our look and our rename. */
	for (int tries = 0; tries < 2; tries++) {
		err = read_at(dfd, base, src->path, what, key, &st);
		if (err != 1)
			break;
		err = synx_keys_random(key);
		if (err) {
			err = synx_err(SYNX_EXIT_FAIL, "getrandom: %s", strerror(-err));
			break;
		}
		err = write_at(dfd, base, key, false);
		if (err == -EEXIST)
			continue;
		if (err) {
			err = synx_err(SYNX_EXIT_FAIL, "%s %s: cannot create it: %s", what,
				       src->path, strerror(-err));
			break;
		}
		if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			src->created = true;
			src->dev = st.st_dev;
			src->ino = st.st_ino;
		}
		break;
	}
	if (err == 1)
		err = synx_err(SYNX_EXIT_FAIL, "%s %s: appeared and vanished while synx read it",
			       what, src->path);
	if (err)
		memset(key, 0, 2 * sizeof(key[0]));
	close(dfd);
	return err;
}

/*
 * The state directory: made 0700 when missing.  1 when it cannot be made
 * here (read-only, no parent), after a warning; 0 or an exit code.
 */
static int state_dir(char *dir, size_t len, bool *created)
{
	const char *env = getenv(SYNX_STATE_DIR_ENV);
	struct stat st;

	*created = false;
	snprintf(dir, len, "%s", env && *env ? env : SYNX_STATE_DIR_DEFAULT);
	if (!lstat(dir, &st)) {
		if (!S_ISDIR(st.st_mode))
			return synx_err(SYNX_EXIT_UNSAFE,
					"state directory %s is %s, not a directory; remove it", dir,
					file_type(st.st_mode));
		return 0;
	}
	if (errno != ENOENT)
		return synx_err(SYNX_EXIT_FAIL, "state directory %s: %s", dir, strerror(errno));
	if (!mkdir(dir, 0700)) {
		*created = true;
		return 0;
	}
	if (errno == EROFS || errno == ENOENT) {
		synx_warn(
			"state directory %s cannot be created (%s): the own-cookie key is random and lost at the next detach; use --key-file",
			dir, strerror(errno));
		return 1;
	}
	return synx_err(SYNX_EXIT_FAIL, "cannot create the state directory %s: %s", dir,
			strerror(errno));
}

int synx_keystore_load(const char *key_file, const char *ifname, __u64 key[2],
		       struct synx_key_source *src)
{
	char dir[PATH_MAX / 2], path[PATH_MAX];
	bool created;
	int err;

	memset(src, 0, sizeof(*src));
	if (key_file) {
		src->kind = SYNX_KEY_FILE;
		return load_file(key_file, "--key-file", key, src);
	}
	err = state_dir(dir, sizeof(dir), &created);
	if (err == 1) {
		err = synx_keys_random(key);
		return err ? synx_err(SYNX_EXIT_FAIL, "getrandom: %s", strerror(-err)) : 0;
	}
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s.key", dir, ifname);
	src->kind = SYNX_KEY_STATE;
	src->created_dir = created;
	err = load_file(path, "state key", key, src);
	if (err && created)
		rmdir(dir);
	if (err)
		src->created_dir = false;
	return err;
}

int synx_keystore_peek(const char *key_file, const char *ifname, __u64 key[2],
		       struct synx_key_source *src)
{
	const char *env = getenv(SYNX_STATE_DIR_ENV), *what = "--key-file", *base;
	char path[PATH_MAX];
	struct stat st;
	int dfd, err;

	memset(src, 0, sizeof(*src));
	src->kind = SYNX_KEY_FILE;
	if (!key_file) {
		src->kind = SYNX_KEY_STATE;
		what = "state key";
		snprintf(path, sizeof(path), "%s/%s.key",
			 env && *env ? env : SYNX_STATE_DIR_DEFAULT, ifname);
		/* No state directory: no key was ever kept here. */
		if (lstat(path, &st) && errno == ENOENT) {
			src->kind = SYNX_KEY_RANDOM;
			return 1;
		}
		key_file = path;
	}
	err = open_dir(key_file, what, src->path, sizeof(src->path), &dfd, &base);
	if (err)
		return err;
	err = read_at(dfd, base, src->path, what, key, NULL);
	close(dfd);
	if (err) {
		memset(key, 0, 2 * sizeof(key[0]));
		if (err == 1)
			src->kind = SYNX_KEY_RANDOM;
	}
	return err;
}

void synx_keystore_forget(const struct synx_key_source *src)
{
	struct stat st;
	char dir[PATH_MAX], *slash;

	/*
	 * Only a state-directory key: a --key-file may be shared by other
	 * interfaces, and another attach may already run with the key this
	 * one created.  An unused key file left behind is harmless.
	 */
	if (src->created && src->kind == SYNX_KEY_STATE && !lstat(src->path, &st) &&
	    st.st_dev == src->dev && st.st_ino == src->ino)
		unlink(src->path);
	if (src->created_dir) {
		snprintf(dir, sizeof(dir), "%s", src->path);
		slash = strrchr(dir, '/');
		if (slash) {
			*slash = '\0';
			rmdir(dir); /* only if empty */
		}
	}
}

int synx_keystore_save(const struct synx_key_source *src, const __u64 key[2])
{
	const char *what = src->kind == SYNX_KEY_FILE ? "--key-file" : "state key";
	char abs[PATH_MAX];
	__u64 old[2];
	const char *base;
	int dfd, err;

	if (src->kind == SYNX_KEY_RANDOM)
		return 0;
	err = open_dir(src->path, what, abs, sizeof(abs), &dfd, &base);
	if (err)
		return err;
	/* What is there must pass the checks a load makes: never overwrite a stranger's file. */
	err = read_at(dfd, base, abs, what, old, NULL);
	explicit_bzero(old, sizeof(old));
	/*
	 * A file that is gone (removed by hand, or out of this mount namespace's
	 * view) is not made again: the key would go where the next attach may
	 * not look, and the running key and the file would part.
	 */
	if (err == 1)
		err = synx_err(
			SYNX_EXIT_FAIL,
			"%s %s: no longer there; not making a new one (restore it, or attach again)",
			what, abs);
	if (!err) {
		err = write_at(dfd, base, key, true);
		if (err)
			err = synx_err(SYNX_EXIT_FAIL, "%s %s: cannot write the new key: %s", what,
				       abs, strerror(-err));
	}
	close(dfd);
	return err;
}
