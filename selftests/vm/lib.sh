# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by the host-side scripts in selftests/vm (sourced, not run).

CSVX_CACHE=${CSVX_CACHE:-/var/cache/csvx}
vm_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this
repo_dir=$(cd "$vm_dir/../.." && pwd)

say()  { printf '[+] %s\n' "$*" >&2; }
warn() { printf '[!] %s\n' "$*" >&2; }
die()  { printf '[!] %s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# The release string of a bzImage, read from its setup header
# (kernel_version at 0x20e is an offset from 0x200 to a NUL-terminated string).
image_kver() {
	local img=$1 off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$img" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$img" bs=1 skip=$((off + 0x200)) count=256 status=none |
		tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

# Seconds since the epoch with one decimal, for timings.
now() { date +%s.%N | cut -c1-12; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
