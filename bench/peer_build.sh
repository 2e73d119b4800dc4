#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Build make bench's peer, the XDP SYN proxy that ships with the kernel
# (tools/testing/selftests/bpf/progs/xdp_synproxy_kern.c), from Debian's
# linux-source package, at bench time.  Nothing of it is in this repository:
# the few files it needs are extracted from the package's tarball into OUT.
#
#   bench/peer_build.sh OUT        (the Makefile's bench-peer target calls it)
#
# Writes OUT/status: "ok VERSION" with OUT/xdp_synproxy_kern.bpf.o, or
# "skip: REASON".  A failure never fails the caller: the bench runs without
# the peer and its report says why (bench/run.sh reads the status).
#
# Why 6.12: the 6.1 package's xdp_synproxy_kern.c exceeds the verifier's
# 1M-instruction limit on recent kernels with clang 14; 6.12's passes.
set -u
export LC_ALL=C

OUT=${1:?usage: peer_build.sh OUT}
PKG=${PEER_PKG:-linux-source-6.12}
TAR=${PEER_TAR:-/usr/src/$PKG.tar.xz}
CLANG=${CLANG:-clang}
BPFTOOL=${BPFTOOL:-bpftool}
SELF=$PKG/tools/testing/selftests/bpf
# What xdp_synproxy_kern.c includes beyond vmlinux.h and libbpf's headers.
FILES=("$SELF/progs/xdp_synproxy_kern.c" "$SELF/progs/bpf_compiler.h")
SRC=$OUT/src
OBJ=$OUT/xdp_synproxy_kern.bpf.o

mkdir -p "$OUT"
skip() {
	echo "skip: $*" >"$OUT/status"
	echo "bench: the xdp_synproxy peer is skipped: $*" >&2
	exit 0
}

version=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null) ||
	skip "package $PKG is not installed (bench/deps.sh installs it)"
[ -r "$TAR" ] || skip "$TAR not found (package $PKG $version)"

# Extract only what is needed; once per tarball (xz is read whole: ~20 s).
if [ ! -f "$SRC/.stamp" ] || [ "$TAR" -nt "$SRC/.stamp" ]; then
	echo "  PEER     extracting ${#FILES[@]} files from $TAR" >&2
	rm -rf "$SRC"
	mkdir -p "$SRC"
	tar -xJf "$TAR" -C "$SRC" "${FILES[@]}" 2>"$OUT/build.log" ||
		skip "tar could not extract ${FILES[*]} from $TAR: $(tail -n 1 "$OUT/build.log")"
	echo "$version" >"$SRC/.stamp"
fi

# The running kernel's types: rewritten only when they changed, so that an
# unchanged kernel does not rebuild the object.
[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux (kernel built without BTF)"
"$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux format c >"$OUT/vmlinux.h.new" 2>"$OUT/build.log" ||
	skip "bpftool btf dump failed: $(tail -n 1 "$OUT/build.log")"
if cmp -s "$OUT/vmlinux.h.new" "$OUT/vmlinux.h"; then
	rm -f "$OUT/vmlinux.h.new"
else
	mv "$OUT/vmlinux.h.new" "$OUT/vmlinux.h"
fi

kern=$SRC/$SELF/progs/xdp_synproxy_kern.c
if [ ! -f "$OBJ" ] || [ "$kern" -nt "$OBJ" ] || [ "$OUT/vmlinux.h" -nt "$OBJ" ]; then
	echo "  PEER     $OBJ" >&2
	arch=$(uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
	multiarch=$(gcc -print-multiarch 2>/dev/null)
	# The selftests' own flags, less their warnings policy (not our code).
	if ! "$CLANG" -g -O2 -target bpf -D__TARGET_ARCH_"$arch" -mcpu=v3 \
		-Wno-compare-distinct-pointer-types -I"$OUT" -I"$SRC/$SELF/progs" \
		-I/usr/include/"$multiarch" -c "$kern" -o "$OBJ.tmp" >"$OUT/build.log" 2>&1; then
		rm -f "$OBJ.tmp"
		skip "clang failed on xdp_synproxy_kern.c: $(grep -m1 'error:' "$OUT/build.log")"
	fi
	mv "$OBJ.tmp" "$OBJ"
fi
echo "ok $PKG $version" >"$OUT/status"
