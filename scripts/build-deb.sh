#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build csvx's Debian packages from a copy of the tree:
#
#   scripts/build-deb.sh OUTDIR [dpkg-buildpackage options]
#
# copies the tree as it is in the working directory (tracked and new files,
# not ignored build outputs) to a temporary directory, runs
# `dpkg-buildpackage -b -uc -us` there and copies the .deb files to OUTDIR.
# Nothing is written in or beside the tree.  Without tools/csvx-evpnd the
# build uses the profile pkg.csvx.noevpnd (no csvx-evpnd package).  Needs
# the Build-Depends of debian/control (selftests/vm/deps.sh installs them).
# Prints the paths of the packages built, one per line.

set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [dpkg-buildpackage options]" >&2; exit 2; }
out=$1
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/csvx-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$tmp/csvx-$(cat "$repo/VERSION")
mkdir "$src"

if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi	# not deleted ones
		done |
		xargs -0 -r cp -a --parents -t "$src")
else
	# A tree without git (a release tarball): everything but build outputs.
	tar -C "$repo" --exclude-vcs --exclude='*.o' --exclude='*.ko' --exclude='*.cmd' \
		--exclude=./build -cf - . | tar -C "$src" -xf -
fi

profile=()
[ -e "$src/tools/csvx-evpnd/Makefile" ] || profile=(-Ppkg.csvx.noevpnd)
(cd "$src" && dpkg-buildpackage -b -uc -us "${profile[@]}" "$@") >&2

shopt -s nullglob
debs=("$tmp"/*.deb)
[ ${#debs[@]} -gt 0 ] || { echo "$0: no package was built" >&2; exit 1; }
for d in "${debs[@]}"; do
	cp "$d" "$out/"
	echo "$out/${d##*/}"
done
