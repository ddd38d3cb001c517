#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Discover the newest Debian generic kernel of a series for which both the
# unsigned image and the headers package exist.  Debian bumps the ABI numbers
# with every point release, so nothing here is hard-coded.
#
#   kernels.sh 6.1     -> e.g. 6.1.0-56-amd64
#   kernels.sh 6.12    -> e.g. 6.12.117+deb12-amd64
#   kernels.sh installed 6.1 -> the newest one already installed with headers

set -euo pipefail

series_pattern() {
	case "$1" in
	6.1) echo '6\.1\.0-[0-9]+-amd64' ;;
	6.12) echo '6\.12\.[0-9]+\+deb12-amd64' ;;
	*) echo "kernels.sh: unknown series '$1'" >&2; exit 2 ;;
	esac
}

if [ "${1:-}" = installed ]; then
	pat=$(series_pattern "$2")
	ls /lib/modules 2>/dev/null | grep -E "^${pat}\$" | sort -V | while read -r v; do
		[ -e "/lib/modules/$v/build/Makefile" ] && [ -e "/boot/vmlinuz-$v" ] && echo "$v"
	done | tail -n 1
	exit 0
fi

pat=$(series_pattern "$1")
images=$(apt-cache search --names-only "^linux-image-${pat}-unsigned\$" |
	 sed -E 's/^linux-image-(\S+)-unsigned .*/\1/' | sort -Vr)
for v in $images; do
	if apt-cache show "linux-headers-$v" >/dev/null 2>&1; then
		echo "$v"
		exit 0
	fi
done
echo "kernels.sh: no image+headers pair for series $1" >&2
exit 1
