#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The csvx demo: three hypervisors and two tenants with overlapping
# addresses, in network namespaces inside a qemu guest running Debian's 6.1
# kernel with csvx.ko loaded.  Narrated step by step; exits 0 when every
# step did what it says.
#
#   demo/demo.sh [6.1|6.12]      (as root on Debian 12)

set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
series=${1:-6.1}

echo "[demo] installing what is needed (first run only)"
"$repo/selftests/vm/deps.sh"
kver=$("$repo/selftests/vm/kernels.sh" installed "$series")
[ -n "$kver" ] || { echo "demo: no $series kernel installed" >&2; exit 1; }
echo "[demo] building csvxctl and csvx.ko for $kver"
make -s -C "$repo/tools/csvxctl" >/dev/null
ko=$("$repo/scripts/build-module.sh" "/lib/modules/$kver/build" \
	"/var/cache/csvx/demo/$kver")

out=$(mktemp -d /tmp/csvx-demo.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "[demo] booting $kver under qemu (TCG, about 20 s)"
"$repo/selftests/vm/run-guest.sh" -o "$out/guest" -t 900 "$kver" -- \
	bash "$repo/demo/scenario.sh" "$ko" &
guest=$!
# Follow the narration as the guest writes it.
while [ ! -e "$out/guest/output.log" ] && kill -0 "$guest" 2>/dev/null; do
	sleep 1
done
tail -n +1 -F "$out/guest/output.log" 2>/dev/null &
follow=$!
rc=0
wait "$guest" || rc=$?
sleep 1
kill "$follow" 2>/dev/null || true
wait "$follow" 2>/dev/null || true
if [ "$rc" -eq 0 ]; then
	echo "[demo] done: every step worked"
else
	echo "[demo] FAILED (status $rc); guest log: $out/guest (kept)"
	trap - EXIT
fi
exit "$rc"
