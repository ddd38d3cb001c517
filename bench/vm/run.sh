#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-guest datapath comparisons of issue 7 (`make bench-vm`; results
# and method in BENCHMARKS.md, "In-guest datapath"): csvx against the
# kernel's vxlan + bridge and against CloudStack's iptables + ipset security
# groups, side by side in one qemu (TCG) guest running Debian's kernel.
#
#   bench/vm/run.sh [-k KERNEL] [-d DIR] [guest.sh options]
#   make bench-vm [BENCH_VM_ARGS="..."]    (the same)
#
#   -k KERNEL   guest kernel (default 6.1: a series, a release or a bzImage,
#               as selftests/vm/run-guest.sh takes it)
#   -d DIR      keep the guest's results (console, output, profiles) in DIR
#               (default /var/cache/csvx/bench-vm/last)
#   guest.sh options (bench/vm/guest.sh -h): -n FDB -r RULES -s SETS
#               -m MEMBERS -t SECS -R ROUNDS -o fwd,sg -P (profile)
#
# It builds csvxctl and csvx.ko for the guest kernel (outside the tree),
# then boots the guest under flock /tmp/csvx-guest.lock (one guest at a
# time on this machine: others queue on the same lock) and prints the
# guest's result lines:
#
#   bench: NAME csvx=<x> <unit> <peer>=<y> <unit> ratio=<x/y>

set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
vm=$repo/selftests/vm
# shellcheck disable=SC1091 # selftests/vm/lib.sh: say, warn, die, image_kver
. "$vm/lib.sh"

kernel=6.1 dir=/var/cache/csvx/bench-vm/last
# -k and -d first; everything else is the guest script's
while [ $# -gt 0 ]; do
	case "$1" in
	-k) kernel=${2:?}; shift 2 ;;
	-d) dir=${2:?}; shift 2 ;;
	-h) sed -n '4,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done

case "$kernel" in
6.1 | 6.12) kver=$("$vm/kernels.sh" installed "$kernel") ;;
*/*) kver=$(image_kver "$kernel") ;;
*) kver=$kernel ;;
esac
[ -n "$kver" ] || die "no $kernel kernel installed (selftests/vm/deps.sh)"
[ -d "/lib/modules/$kver/build" ] ||
	die "no kernel $kernel with headers installed (selftests/vm/deps.sh)"

make -s -C "$repo/tools/csvxctl" >/dev/null
# A build of its own: another run may be rebuilding while this one's guest
# loads the module.
build=/var/cache/csvx/bench-vm/build-$kver-$$
trap 'rm -rf "$build"' EXIT
say "building csvx.ko for $kver in $build"
ko=$("$repo/scripts/build-module.sh" "/lib/modules/$kver/build" "$build")

mkdir -p "$dir"
say "waiting for the guest lock (/tmp/csvx-guest.lock)"
rc=0
flock /tmp/csvx-guest.lock "$vm/run-guest.sh" -o "$dir" -t 3600 -i 900 "$kernel" -- \
	"$repo/bench/vm/guest.sh" "$@" "$ko" || rc=$?
grep '^\[bench-vm' "$dir/output.log" >&2 || true
grep '^bench: ' "$dir/output.log" || true
[ "$rc" = 0 ] || { warn "the guest failed (status $rc): $dir/output.log"; tail -n 20 "$dir/output.log" >&2; }
exit "$rc"
