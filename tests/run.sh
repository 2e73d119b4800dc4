#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# synx test runner.  Runs every executable tests/*/test_* (or those whose path
# matches the optional PATTERN arguments) and ends with the line
#   N passed, N failed, N skipped
#
# Protocol for a test file: one line per test case on stdout,
#   ok - NAME
#   not ok - NAME: what differed (expected vs actual)
#   skip - NAME: why (missing kernel feature, ...)
# Anything else it prints is kept in build/test-logs/ and shown only when the
# file fails.  A file that exits non-zero, or reports nothing at all, counts
# as one failure of its own: a crashed or empty test never passes silently.
set -u
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "tests/run.sh: needs root (XDP, netns, bpffs)" >&2; exit 2; }

logdir=build/test-logs
mkdir -p "$logdir"
per_file_timeout=${SYNX_TEST_TIMEOUT:-1200}

mapfile -t files < <(find tests -mindepth 2 -maxdepth 2 -name 'test_*' -type f -perm -u+x | sort)
if [ $# -gt 0 ]; then
	sel=()
	for f in "${files[@]}"; do
		for p in "$@"; do [[ $f == *$p* ]] && { sel+=("$f"); break; }; done
	done
	files=("${sel[@]}")
fi

pass=0 fail=0 skip=0
for f in "${files[@]}"; do
	log="$logdir/$(echo "${f#tests/}" | tr / _).log"
	printf '== %s\n' "$f"
	start=$SECONDS
	timeout --kill-after=10 "$per_file_timeout" "$f" >"$log.out" 2>"$log.err"
	rc=$?
	p=$(grep -c '^ok - ' "$log.out")
	n=$(grep -c '^not ok - ' "$log.out")
	s=$(grep -c '^skip - ' "$log.out")
	grep -E '^(not ok|skip) - ' "$log.out" | sed 's/^/   /'
	if [ "$rc" != 0 ] && [ "$n" = 0 ]; then
		echo "   not ok - $f: exited $rc without reporting a failure"
		n=1
	elif [ $((p + n + s)) = 0 ]; then
		echo "   not ok - $f: reported no test"
		n=1
	fi
	if [ "$n" != 0 ]; then
		echo "   --- output of $f (last 40 lines) ---"
		tail -n 40 "$log.out" | grep -vE '^(ok|not ok|skip) - ' | sed 's/^/   | /'
		tail -n 40 "$log.err" | sed 's/^/   ! /'
	fi
	printf '   %d passed, %d failed, %d skipped (%ds)\n' "$p" "$n" "$s" $((SECONDS - start))
	pass=$((pass + p)) fail=$((fail + n)) skip=$((skip + s))
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
