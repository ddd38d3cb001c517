#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Topology helpers shared by the netns scenarios: hypervisors and VMs as
# network namespaces, exactly the devices CloudStack would create.
#
#   fabric (namespace "fab"): bridge "sw" = the underlay switch
#     |  veth, underlay 10.99.0.N/24 and fd99::N/64
#   hypervisor HV (namespace "hv-HV"): VTEP address on lo (EVPN style),
#     csvx VTEP device vxlanVNI in bridge brvx-VNI
#     |  veth vnetK (hypervisor side) <-> eth0 (VM side)
#   VM (namespace "vm-VM")
#
# EVPN state is programmed by hand here, the way BGP would: evpn_vm()
# installs a VM's MAC/IP on every other hypervisor of its VNI (type 2, plus
# the /32 host route of symmetric IRB), evpn_flood() the flood lists
# (type 3).  Scenarios call `cleanup` from their EXIT trap.
#
# Every check prints a kselftest-style line:
#   TEST: description                                               [ OK ]

set -u
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LIB_DIR/../.." && pwd)
CSVXCTL=${CSVXCTL:-$REPO/tools/csvxctl/csvxctl}
ksft_skip=4
SUF=$$
NS_LIST=()
VM_COUNT=0
# shellcheck disable=SC2034 # the scenarios exit with it
RET=0
declare -A HV_ADDR HV_ADDR6 HV_IDX VM_HV VM_VNI VM_MAC VM_IP VM_IP6 VNI_HVS
# hypervisors running the kernel's vxlan driver instead of csvx
declare -A KERNEL_HV

# ---------------------------------------------------------------- output --
log_test() {
	local rc=$1 msg=$2

	if [ "$rc" -eq 0 ]; then
		printf 'TEST: %-60s  [ OK ]\n' "$msg"
	else
		printf 'TEST: %-60s  [FAIL]\n' "$msg"
		RET=1
	fi
}

# check "description" command...: the command's exit status is the verdict
check() {
	local msg=$1 out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	log_test "$rc" "$msg"
	[ "$rc" -eq 0 ] || printf '    %s\n' "$out" | head -20
	return 0
}

# check_fail "description" command...: the command must fail
check_fail() {
	local msg=$1

	shift
	if "$@" >/dev/null 2>&1; then log_test 1 "$msg"; else log_test 0 "$msg"; fi
}

info() { printf '[+] %s\n' "$*"; }

require() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit $ksft_skip; }
	done
	[ -x "$CSVXCTL" ] || { echo "SKIP: $CSVXCTL not built"; exit $ksft_skip; }
	[ -e /sys/module/csvx ] || { echo "SKIP: csvx not loaded"; exit $ksft_skip; }
}

# ---------------------------------------------------------- namespaces --
ns() { echo "$1-$SUF"; }

# n NS cmd...: run in a namespace by short name (fab, hv-a, vm-x)
n() {
	local name=$1
	shift
	ip netns exec "$(ns "$name")" "$@"
}

ctl() {
	local hv=$1
	shift
	"$CSVXCTL" -n "$(ns "hv-$hv")" "$@"
}

add_ns() {
	ip netns add "$(ns "$1")"
	NS_LIST+=("$(ns "$1")")
	n "$1" ip link set lo up
	n "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

cleanup() {
	local s
	for s in "${NS_LIST[@]}"; do
		ip netns delete "$s" 2>/dev/null
	done
	NS_LIST=()
	VM_COUNT=0
	HV_ADDR=() HV_ADDR6=() HV_IDX=() VM_HV=() VM_VNI=() VM_MAC=() VM_IP=()
	VM_IP6=() VNI_HVS=() KERNEL_HV=()
}

fabric() {
	add_ns fab
	n fab ip link add sw type bridge
	n fab ip link set sw up
}

# hv NAME INDEX [mtu N]: a hypervisor with underlay 10.99.0.INDEX
hv() {
	local name=$1 idx=$2 mtu=${4:-1550}

	add_ns "hv-$name"
	HV_IDX[$name]=$idx
	HV_ADDR[$name]=10.99.0.$idx
	HV_ADDR6[$name]=fd99::$idx
	ip link add "u$idx-$SUF" type veth peer name "uplink"
	ip link set "u$idx-$SUF" netns "$(ns fab)"
	ip link set uplink netns "$(ns "hv-$name")"
	n fab ip link set "u$idx-$SUF" master sw mtu "$mtu" up
	n "hv-$name" ip link set uplink mtu "$mtu" up
	n "hv-$name" ip addr add "10.99.0.$idx/24" dev uplink
	n "hv-$name" ip addr add "fd99::$idx/64" dev uplink nodad
}

# vni HV VNI [vrf NAME] [gateway ADDR/PLEN gwmac MAC] [local6]: VTEP + bridge
vni() {
	local hv=$1 id=$2 local=${HV_ADDR[$1]}
	shift 2
	local args=()

	while [ $# -gt 0 ]; do
		case "$1" in
		local6) local=${HV_ADDR6[$hv]}; shift ;;
		*) args+=("$1" "$2"); shift 2 ;;
		esac
	done
	ctl "$hv" vni add "$id" dev "vxlan$id" local "$local" "${args[@]}" || return 1
	n "hv-$hv" ip link add "brvx-$id" type bridge
	n "hv-$hv" ip link set "brvx-$id" up
	n "hv-$hv" ip link set "vxlan$id" master "brvx-$id" up
	VNI_HVS[$id]="${VNI_HVS[$id]:-} $hv"
}

# vm NAME HV VNI MAC IP/PLEN [IP6/PLEN] [gw ADDR] [gw6 ADDR]
vm() {
	local name=$1 hv=$2 id=$3 mac=$4 ip=$5
	local tap="vnet${HV_IDX[$hv]}$((VM_COUNT += 1))"
	shift 5

	add_ns "vm-$name"
	VM_HV[$name]=$hv VM_VNI[$name]=$id VM_MAC[$name]=$mac VM_IP[$name]=${ip%/*}
	VM_IP6[$name]=
	ip link add "$tap" netns "$(ns "hv-$hv")" type veth peer name eth0 \
		netns "$(ns "vm-$name")"
	n "hv-$hv" ip link set "$tap" master "brvx-$id" up
	n "vm-$name" ip link set eth0 address "$mac" up
	n "vm-$name" ip addr add "$ip" dev eth0
	while [ $# -gt 0 ]; do
		case "$1" in
		gw) n "vm-$name" ip route add default via "$2"; shift 2 ;;
		gw6) n "vm-$name" ip -6 route add default via "$2"; shift 2 ;;
		*:*) VM_IP6[$name]=${1%/*}
		     n "vm-$name" ip addr add "$1" dev eth0 nodad; shift ;;
		*) echo "vm: bad argument $1" >&2; return 1 ;;
		esac
	done
	# The hypervisor knows its own VMs (CloudStack tells it): a local
	# FDB entry carries the MAC/IP for ARP/ND suppression and routing.
	local ips=(ip "${VM_IP[$name]}")
	[ -n "${VM_IP6[$name]}" ] && ips+=(ip "${VM_IP6[$name]}")
	[ -n "${KERNEL_HV[$hv]:-}" ] && return 0
	ctl "$hv" fdb add vni "$id" mac "$mac" "${ips[@]}"
}

# evpn_flood VNI: every hypervisor of the VNI floods to every other one
evpn_flood() {
	local id=$1 a b
	for a in ${VNI_HVS[$id]:-}; do
		for b in ${VNI_HVS[$id]:-}; do
			[ "$a" = "$b" ] && continue
			ctl "$a" flood add vni "$id" remote "${HV_ADDR[$b]}" || return 1
		done
	done
}

# evpn_vm VM [vrf NAME rmac MAC]: advertise a VM to the other hypervisors
# of its VNI (type 2) and, in a VRF, as a host route (symmetric IRB)
evpn_vm() {
	local name=$1 hv=${VM_HV[$1]} id=${VM_VNI[$1]} other vrf='' rmac=''
	local ips=(ip "${VM_IP[$name]}")

	[ "${2:-}" = vrf ] && vrf=$3 rmac=$5
	[ -n "${VM_IP6[$name]}" ] && ips+=(ip "${VM_IP6[$name]}")
	for other in ${VNI_HVS[$id]:-}; do
		[ "$other" = "$hv" ] && continue
		ctl "$other" fdb add vni "$id" mac "${VM_MAC[$name]}" \
			remote "${HV_ADDR[$hv]}" "${ips[@]}" || return 1
	done
	[ -n "$vrf" ] || return 0
	for other in "${!HV_IDX[@]}"; do
		[ "$other" = "$hv" ] && continue
		ctl "$other" vrf show "$vrf" >/dev/null 2>&1 || continue
		ctl "$other" route add vrf "$vrf" "${VM_IP[$name]}/32" \
			remote "${HV_ADDR[$hv]}" rmac "$rmac" || return 1
	done
}

# ping_ok FROM_VM ADDR: three quick pings succeed
ping_ok() {
	n "vm-$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 ||
		n "vm-$1" ping -c 3 -i 0.5 -W 3 "$2" >/dev/null 2>&1
}

ping6_ok() {
	n "vm-$1" ping -6 -c 3 -i 0.2 -W 2 "$2" >/dev/null 2>&1 ||
		n "vm-$1" ping -6 -c 3 -i 0.5 -W 3 "$2" >/dev/null 2>&1
}

# stat HV VNI NAME: one counter from `csvxctl -j stats show vni VNI`
stat() {
	ctl "$1" -j stats show vni "$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d.get(sys.argv[1], 0))' "$3"
}

# ns_drop HV NAME: a drop counter of the namespace (no VNI: unknown VNI,
# bad header), from `csvxctl -j stats show`'s row without "vni"
ns_drop() {
	ctl "$1" -j stats show | python3 -c '
import json, sys
for row in json.load(sys.stdin):
    if "vni" not in row:
        print(row.get(sys.argv[1], 0))
        break
else:
    print(0)' "$2"
}
