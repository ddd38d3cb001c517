#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print a directory holding kselftest_harness.h and kselftest.h, taken from
# Debian's linux-source-6.12 tarball and cached outside the tree.
set -euo pipefail
cache=${CSVX_CACHE:-/var/cache/csvx}/ksft
if [ ! -e "$cache/kselftest_harness.h" ]; then
	tb=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
	[ -n "$tb" ] || { echo "kselftest-harness.sh: install linux-source-6.12" >&2; exit 1; }
	d=$(basename "$tb" .tar.xz)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	tar -C "$tmp" -xJf "$tb" "$d/tools/testing/selftests/kselftest_harness.h" \
		"$d/tools/testing/selftests/kselftest.h"
	mkdir -p "$cache"
	cp "$tmp/$d/tools/testing/selftests/"kselftest*.h "$cache/"
fi
echo "$cache"
