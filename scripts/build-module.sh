#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build csvx.ko for one kernel tree without touching the source tree.
#
#   scripts/build-module.sh KDIR OUTDIR
#
# KDIR is a kernel build tree (/lib/modules/V/build, or the debug kernel's
# build/ directory).  Kbuild writes its objects next to the sources, so the
# module sources (Kbuild, VERSION, kmod/, include/) are copied afresh into
# OUTDIR and built there, with W=1.  Every build is a clean one: an
# incremental build would not repeat the warnings of unchanged files.
# Fails on a compiler error or on any "warning:" line (compiler or modpost).
# Prints the path of the resulting csvx.ko on stdout; the full log is
# OUTDIR/build.log.  Extra make arguments can be passed in CSVX_MAKEFLAGS
# (e.g. CSVX_MAKEFLAGS=C=1 for sparse); CSVX_SRC names another source tree
# (default: this repository).

set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 KDIR OUTDIR" >&2; exit 2; }
kdir=$1
out=$2
repo=${CSVX_SRC:-$(cd "$(dirname "$0")/.." && pwd)}

[ -e "$kdir/Makefile" ] || { echo "build-module.sh: $kdir is not a kernel build tree" >&2; exit 1; }
[ -e "$repo/Kbuild" ] || { echo "build-module.sh: $repo/Kbuild missing: no module to build" >&2; exit 1; }
case "$(realpath -m "$out")" in
/ | "$repo" | "$repo"/*) echo "build-module.sh: refusing OUTDIR $out inside the source tree" >&2; exit 1 ;;
esac

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
for f in Kbuild VERSION kmod include; do
	[ -e "$repo/$f" ] && cp -a "$repo/$f" "$out/"
done
# Objects of an earlier in-tree build must not leak into this one.
find "$out" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name '.*.cmd' -o -name '*.a' \) -delete

log=$out/build.log
# shellcheck disable=SC2086
if ! make -C "$kdir" M="$out" W=1 ${CSVX_MAKEFLAGS:-} modules >"$log" 2>&1; then
	grep -E 'error|warning' "$log" | head -n 40 >&2 || tail -n 40 "$log" >&2
	echo "build-module.sh: build against $kdir failed (log: $log)" >&2
	exit 1
fi
if grep -qi 'warning:' "$log"; then
	grep -i -A3 'warning:' "$log" | head -n 60 >&2
	echo "build-module.sh: build against $kdir has warnings (W=1; log: $log)" >&2
	exit 1
fi
[ -e "$out/csvx.ko" ] || { echo "build-module.sh: no csvx.ko in $out" >&2; exit 1; }
echo "$out/csvx.ko"
