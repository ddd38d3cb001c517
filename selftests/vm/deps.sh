#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build and the test suites need on a Debian 12 host.
# Idempotent and quiet when nothing is missing, so every test run calls it.

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

stamp=/var/cache/csvx/deps.stamp
pkgs=(build-essential pkg-config bc flex bison libelf-dev libssl-dev dwarves kmod cpio
      qemu-system-x86 busybox-static dkms sparse
      libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libmnl-dev liburcu-dev
      iproute2 iputils-ping iputils-arping socat tcpdump iperf3 ethtool nftables iptables ipset
      python3 linux-source-6.12 libdpdk-dev frr debhelper dpkg-dev fakeroot dh-dkms)

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: must run as root to install packages" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ ! -e /var/lib/apt/lists/lock ] || [ -z "$(ls /var/lib/apt/lists/*Packages* 2>/dev/null)" ] ||
   [ ! -e "$stamp" ] || [ "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
	apt-get update -qq
fi

k61=$("$here/kernels.sh" installed 6.1 || true)
k612=$("$here/kernels.sh" installed 6.12 || true)
[ -n "$k61" ] || { k=$("$here/kernels.sh" 6.1); pkgs+=("linux-image-$k-unsigned" "linux-headers-$k"); }
[ -n "$k612" ] || { k=$("$here/kernels.sh" 6.12); pkgs+=("linux-image-$k-unsigned" "linux-headers-$k"); }

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps.sh: installing ${missing[*]}"
	# frr must not start its daemons on the host: the tests run it in namespaces.
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	rm -f /usr/sbin/policy-rc.d
fi
mkdir -p /var/cache/csvx
touch "$stamp"
