#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once, cached) the initramfs of the test guest for one kernel:
#
#   mkinitramfs.sh KVER [MODDIR]     -> prints the path of the .cpio.gz
#
# Contents: busybox-static, guest-init as /init, the chroot modprobe helper,
# and the modules needed to reach the 9p root (virtio, 9p, overlay) in
# dependency order, decompressed (busybox insmod reads plain .ko only).
# MODDIR is that kernel's module tree (default /lib/modules/KVER); it must
# end in lib/modules/KVER.  Built-in modules are skipped, so the debug kernel
# gets an initramfs without modules.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 KVER [MODDIR]"
kver=$1
moddir=${2:-/lib/modules/$kver}
moddir=${moddir%/}
case "$moddir" in
*/lib/modules/"$kver") modroot=${moddir%/lib/modules/"$kver"} ;;
*) die "MODDIR $moddir does not end in lib/modules/$kver" ;;
esac
[ -e "$moddir/modules.dep" ] || die "$moddir/modules.dep missing"
busybox=/bin/busybox
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' || die "$busybox is not static (apt-get install busybox-static)"

# virtio_pci: the 9p transport; 9pnet_virtio/9p: the root; overlay: /etc, /var.
wanted=(virtio_pci 9pnet_virtio 9p overlay)
deps=$(modprobe -d "${modroot:-/}" -S "$kver" -a --show-depends "${wanted[@]}") ||
	die "modprobe cannot resolve ${wanted[*]} for $kver in $moddir"
mods=$(echo "$deps" | awk '$1 == "insmod" { if (!seen[$2]++) print $2 }')

key=$( { echo recipe 1; sha256sum "$vm_dir/guest-init" "$busybox" | cut -d' ' -f1
	 for m in $mods; do stat -c '%n %s %Y' "$m"; done; } | sha256sum | cut -c1-16)
out=$CSVX_CACHE/initramfs/$kver-$key.cpio.gz
if [ -s "$out" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$CSVX_CACHE/initramfs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,dev,proc,sys,tmp,modules,newroot,out,host}
cp "$busybox" "$tmp/bin/busybox"
cp "$vm_dir/guest-init" "$tmp/init"
printf '#!/bin/busybox sh\nexec /bin/busybox chroot /newroot /sbin/modprobe "$@"\n' >"$tmp/sbin/csvx-modprobe"
chmod 0755 "$tmp/init" "$tmp/sbin/csvx-modprobe"
mknod -m 0600 "$tmp/dev/console" c 5 1
mknod -m 0666 "$tmp/dev/null" c 1 3
: >"$tmp/modules/order"
for m in $mods; do
	b=$(basename "$m")
	case "$m" in
	*.ko.xz) xz -dc "$m" >"$tmp/modules/${b%.xz}"; b=${b%.xz} ;;
	*.ko.zst) zstd -qdc "$m" >"$tmp/modules/${b%.zst}"; b=${b%.zst} ;;
	*.ko.gz) gzip -dc "$m" >"$tmp/modules/${b%.gz}"; b=${b%.gz} ;;
	*) cp "$m" "$tmp/modules/$b" ;;
	esac
	echo "$b" >>"$tmp/modules/order"
done
(cd "$tmp" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0) | gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
# Drop initramfs images of the same kernel made by an older recipe.
find "$CSVX_CACHE/initramfs" -name "$kver-*.cpio.gz" ! -path "$out" -delete
say "initramfs for $kver: $(wc -l <"$tmp/modules/order") modules, $(du -h "$out" | cut -f1)"
echo "$out"
