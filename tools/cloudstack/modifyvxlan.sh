#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# csvx drop-in for Apache CloudStack's scripts/vm/network/vnet/modifyvxlan.sh.
#
#   modifyvxlan.sh -o add|delete -v VNI -p PIF -b BRIDGE [-6]
#
# Same options, exit codes, lock and idempotence as CloudStack's own, but the
# VXLAN device is a csvx VTEP (csvxctl vni add) instead of a kernel vxlan
# device, with no multicast group: remote VTEPs come from EVPN (csvx-evpnd)
# or from csvxctl.
#
#   add:    the csvx VTEP device vxlan<VNI> (VTEP source: the first global
#           address on lo, the EVPN convention, else PIF's; MTU: the
#           underlay's less 50, or 70 with -6) and the bridge BRIDGE (up,
#           IPv6 off), the VTEP enslaved to it.  Each step is skipped when
#           its device exists already.
#   delete: removes vxlan<VNI> and BRIDGE, whatever -p says (the agent
#           passes "-p vx" for brvx-N); succeeds if they are gone already.
#
# Exit status: 0 done; 1 failure (including: lock not obtained in 10 s);
# 2 usage error.  Optional settings in /etc/csvx/cloudstack.conf
# (CSVX_CLOUDSTACK_CONF overrides the path):
#   VRF=NAME         VRF that new VNIs join (it must exist in csvx)
#   VTEP_ADDRESS=IP  VTEP source address instead of the lo/PIF rule
#   UDP_PORT=N       csvx's VXLAN UDP port (csvxctl params set udp-port)

set -o pipefail

CSVXCTL=${CSVXCTL:-csvxctl}
CONF=${CSVX_CLOUDSTACK_CONF:-/etc/csvx/cloudstack.conf}
LOCKDIR=${CSVX_LOCK_DIR:-/var/run/cloud}
# CloudStack's script waits 10 s; tests on slow emulated machines may say longer.
LOCKWAIT=${CSVX_LOCK_WAIT:-10}

usage() {
	echo "Usage: $0: -o <op>(add | delete) -v <vxlan id> -p <pif> -b <bridge name> (-6)" >&2
}

err() {
	echo "$0: $*" >&2
}

# The first global address on lo (EVPN), else on PIF.
vtep_address() {
	local fam=-4 addr

	[ "$ipv6" = 1 ] && fam=-6
	if [ -n "${VTEP_ADDRESS:-}" ]; then
		echo "$VTEP_ADDRESS"
		return 0
	fi
	addr=$(ip "$fam" -o addr show dev lo scope global 2>/dev/null |
	       awk '{ sub("/.*", "", $4); print $4; exit }')
	if [ -z "$addr" ] && [ -e "/sys/class/net/$pif" ]; then
		addr=$(ip "$fam" -o addr show dev "$pif" scope global 2>/dev/null |
		       awk '{ sub("/.*", "", $4); print $4; exit }')
	fi
	[ -n "$addr" ] || return 1
	echo "$addr"
}

# The underlay MTU: PIF's, else the device holding the VTEP address.
underlay_mtu() {
	local src=$1 dev

	if [ -e "/sys/class/net/$pif" ]; then
		cat "/sys/class/net/$pif/mtu"
		return
	fi
	dev=$(ip -o addr show to "$src" 2>/dev/null | awk '{ print $2; exit }')
	if [ -n "$dev" ] && [ "$dev" != lo ]; then
		cat "/sys/class/net/$dev/mtu"
		return
	fi
	dev=$(ip route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
	if [ -n "$dev" ]; then
		cat "/sys/class/net/$dev/mtu"
	else
		echo 1500
	fi
}

add_vxlan() {
	local dev=vxlan$vni src mtu overhead=50 args=()

	[ "$ipv6" = 1 ] && overhead=70
	if [ -n "${UDP_PORT:-}" ]; then
		"$CSVXCTL" params set udp-port "$UDP_PORT" || return 1
	fi
	if [ ! -e "/sys/class/net/$dev" ]; then
		if ! src=$(vtep_address); then
			err "no VTEP address: no global address on lo or $pif"
			return 1
		fi
		mtu=$(( $(underlay_mtu "$src") - overhead ))
		[ -n "${VRF:-}" ] && args+=(vrf "$VRF")
		"$CSVXCTL" vni add "$vni" "${args[@]}" dev "$dev" local "$src" mtu "$mtu" ||
			return 1
	fi
	if [ ! -e "/sys/class/net/$bridge" ]; then
		ip link add name "$bridge" type bridge || return 1
		# The bridge only switches VM traffic: no addresses of its own.
		[ -e "/proc/sys/net/ipv6/conf/$bridge" ] &&
			sysctl -qw "net.ipv6.conf.$bridge.disable_ipv6=1"
		ip link set "$bridge" mtu "$(cat "/sys/class/net/$dev/mtu")"
	fi
	ip link set "$dev" master "$bridge" || return 1
	ip link set "$dev" up || return 1
	ip link set "$bridge" up || return 1
}

delete_vxlan() {
	local dev=vxlan$vni

	if [ -e "/sys/class/net/$dev" ]; then
		# csvxctl removes the VNI with its device; a device that is not
		# csvx's (an upstream leftover) is removed directly.
		"$CSVXCTL" vni del "$vni" 2>/dev/null || ip link del "$dev" || return 1
	fi
	if [ -e "/sys/class/net/$bridge" ]; then
		ip link set "$bridge" down
		ip link del "$bridge" || return 1
	fi
	return 0
}

op='' vni='' pif='' bridge='' ipv6=0
while getopts 'o:v:p:b:6' OPTION; do
	case $OPTION in
	o) op=$OPTARG ;;
	v) vni=$OPTARG ;;
	p) pif=$OPTARG ;;
	b) bridge=$OPTARG ;;
	6) ipv6=1 ;;
	?) usage; exit 2 ;;
	esac
done
if [ -z "$op" ] || [ -z "$vni" ] || [ -z "$pif" ] || [ -z "$bridge" ]; then
	usage
	exit 2
fi
case "$op" in add | delete) ;; *) usage; exit 2 ;; esac
if ! [[ "$vni" =~ ^[0-9]+$ ]] || [ "$vni" -lt 1 ] || [ "$vni" -gt 16777215 ]; then
	err "invalid VNI '$vni'"
	exit 2
fi
# shellcheck source=/dev/null
[ -r "$CONF" ] && . "$CONF"

mkdir -p "$LOCKDIR"
exec 200>"$LOCKDIR/vxlan.lock"
if ! flock -x -w "$LOCKWAIT" 200; then
	err "could not obtain the lock $LOCKDIR/vxlan.lock"
	exit 1
fi

if [ "$op" = add ]; then
	add_vxlan || { err "failed to create vxlan$vni in $bridge"; exit 1; }
else
	delete_vxlan || { err "failed to delete vxlan$vni and $bridge"; exit 1; }
fi
exit 0
