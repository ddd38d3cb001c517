#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug kernel the guest suites run on: Debian's
# linux-source-6.12, `make allnoconfig` plus the fragments in kernel-config/
# (9p/virtio/netfilter/bridge/VXLAN/VRF built in; KASAN, lockdep, PROVE_RCU,
# kmemleak, UBSAN, DEBUG_OBJECTS, refcount trackers).
#
#   debug-kernel.sh [-j N] [--config-only]
#
# The result lives outside the tree in
#   /var/cache/csvx/debug-kernel/<sha256 of fragments, source version, gcc>/
#     bzImage  kver  build/ (KDIR for external modules)  modules/lib/modules/<kver>/
# and its path is the only thing printed on stdout.  A second run with the same
# inputs costs nothing; concurrent runs wait for each other (flock).
# Progress goes to stderr, the compiler's output to <dir>/build.log.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Bump when the recipe below changes in a way that changes the result.
recipe=3
jobs=$(($(nproc) + 1))
config_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	-j) jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	--config-only) config_only=1; shift ;;
	*) die "usage: $0 [-j N] [--config-only]" ;;
	esac
done

tarball=/usr/src/linux-source-6.12.tar.xz
[ -r "$tarball" ] || die "$tarball missing (apt-get install linux-source-6.12; selftests/vm/deps.sh does)"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
frags=("$vm_dir"/kernel-config/*.config)
[ -e "${frags[0]}" ] || die "no fragments in $vm_dir/kernel-config"

key=$( { echo "recipe $recipe"; echo "source $srcver"; gcc --version | head -n 1
	 for f in "${frags[@]}"; do echo "== $(basename "$f")"; cat "$f"; done; } |
       sha256sum | cut -c1-16)
top=$CSVX_CACHE/debug-kernel
dir=$top/$key
mkdir -p "$top"

if [ -e "$dir/done" ] && [ "$config_only" = 0 ]; then
	echo "$dir"
	exit 0
fi

exec 9>"$top/.lock"
if ! flock -n 9; then
	say "debug kernel: another build holds $top/.lock, waiting"
	flock 9
fi
if [ -e "$dir/done" ] && [ "$config_only" = 0 ]; then
	echo "$dir"
	exit 0
fi

# The source tree is shared by every configuration of the same version.
src=$top/src-$srcver
if [ ! -e "$src/.extracted" ]; then
	say "debug kernel: unpacking $tarball"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.extracted"
	mv "$src.tmp" "$src"
fi

mkdir -p "$dir/build"
log=$dir/build.log
: >"$log"
kmake() { make -C "$src" O="$dir/build" "$@" >>"$log" 2>&1; }

# allnoconfig with the fragments as the "must" set, the way the kernel's own
# tools/testing/selftests/wireguard/qemu does it.
cat "${frags[@]}" >"$dir/fragments.config"
say "debug kernel: configuring ($key, linux-source $srcver)"
kmake KCONFIG_ALLCONFIG="$dir/fragments.config" allnoconfig || {
	tail -n 30 "$log" >&2; die "allnoconfig failed, see $log"; }

# Every fragment line must have survived Kconfig's dependency resolution.
bad=0
while IFS= read -r line; do
	line=${line%%#*}
	line=$(echo "$line" | tr -d '[:space:]')
	[ -n "$line" ] || continue
	sym=${line%%=*}
	want=${line#*=}
	got=$(grep -E "^${sym}=" "$dir/build/.config" | head -n 1 | cut -d= -f2- || true)
	if [ "$want" = n ]; then
		[ -z "$got" ] || { warn "config: $sym=$got, fragment wants it off"; bad=1; }
	elif [ "$got" != "$want" ]; then
		warn "config: $sym is '${got:-not set}', fragment wants '$want'"
		bad=1
	fi
done < <(grep -hE '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' "${frags[@]}" |
	 sed -E 's/^# (CONFIG_[A-Z0-9_]+) is not set/\1=n/')
[ "$bad" = 0 ] || die "fragments in $vm_dir/kernel-config do not hold (unmet dependencies or unknown symbols)"
say "debug kernel: every fragment option holds"
[ "$config_only" = 0 ] || { echo "$dir"; exit 0; }

say "debug kernel: building bzImage and modules with -j$jobs (log: $log)"
t0=$(now)
kmake -j"$jobs" bzImage modules || { tail -n 40 "$log" >&2; die "kernel build failed, see $log"; }
kver=$(make -s -C "$src" O="$dir/build" kernelrelease 2>/dev/null | tail -n 1)
rm -rf "$dir/modules"
kmake INSTALL_MOD_PATH="$dir/modules" modules_install ||
	{ tail -n 20 "$log" >&2; die "modules_install failed, see $log"; }
# modules_install links build/ and source/ to the tree; the guest must not
# follow those back into the cache, and they are not needed there.
rm -f "$dir/modules/lib/modules/$kver/build" "$dir/modules/lib/modules/$kver/source"
cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
echo "$kver" >"$dir/kver"
elapsed "$t0" >"$dir/build-seconds"
touch "$dir/done"
say "debug kernel: $kver built in $(cat "$dir/build-seconds") s"

# Keep this configuration and the two newest others; drop unfinished ones
# and sources of other versions.
keep=$(ls -1t "$top"/*/done 2>/dev/null | head -n 3 | xargs -r -n1 dirname)
for d in "$top"/*/; do
	d=${d%/}
	case "$d" in "$dir" | "$src") continue ;; esac
	echo "$keep" | grep -qxF "$d" || rm -rf "$d"
done
echo "$dir"
