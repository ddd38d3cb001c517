#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Wire compatibility with the kernel's vxlan driver: hv a runs csvx, hv k a
# kernel vxlan device programmed the way FRR's zebra does it (nolearning,
# static FDB entries with a remote, all-zero MAC entries as flood list).
# Traffic both ways, IPv4 and IPv6 underlay.

. "$(dirname "$0")/lib.sh"
require ping bridge python3
trap cleanup EXIT

fabric
hv a 1
hv k 2
KERNEL_HV[k]=1

# kernel side: vxlan + bridge, as modifyvxlan-evpn.sh and zebra leave them
kvni() {
	local id=$1 local=$2 remote=$3
	n hv-k ip link add "vxlan$id" type vxlan id "$id" local "$local" \
		dstport 4789 nolearning
	n hv-k ip link add "brvx-$id" type bridge
	n hv-k ip link set "brvx-$id" up
	n hv-k ip link set "vxlan$id" master "brvx-$id" up
	n hv-k bridge fdb append 00:00:00:00:00:00 dev "vxlan$id" dst "$remote" self permanent
	VNI_HVS[$id]="${VNI_HVS[$id]:-} k"
}

vni a 100
kvni 100 "${HV_ADDR[k]}" "${HV_ADDR[a]}"
vni a 600 local6
kvni 600 "${HV_ADDR6[k]}" "${HV_ADDR6[a]}"

vm va a 100 02:00:00:00:0a:01 10.1.0.1/24 fd01::1/64
vm vk k 100 02:00:00:00:0b:01 10.1.0.2/24 fd01::2/64
vm va6 a 600 02:00:00:00:0a:06 10.6.0.1/24
vm vk6 k 600 02:00:00:00:0b:06 10.6.0.2/24

ctl a flood add vni 100 remote "${HV_ADDR[k]}"
ctl a flood add vni 600 remote "${HV_ADDR6[k]}"

check "interop: csvx VM pings kernel-vxlan VM (flooded ARP, IPv4 underlay)" ping_ok va 10.1.0.2
check "interop: kernel-vxlan VM pings csvx VM" ping_ok vk 10.1.0.1
check "interop: IPv6 overlay both ways" ping6_ok va fd01::2

# Now as EVPN would: remote MACs with their VTEP on both sides.
ctl a fdb add vni 100 mac 02:00:00:00:0b:01 remote "${HV_ADDR[k]}" ip 10.1.0.2
n hv-k bridge fdb add 02:00:00:00:0a:01 dev vxlan100 dst "${HV_ADDR[a]}" \
	master extern_learn 2>/dev/null ||
	n hv-k bridge fdb add 02:00:00:00:0a:01 dev vxlan100 dst "${HV_ADDR[a]}" self
check "interop: known unicast csvx -> kernel" ping_ok va 10.1.0.2
check "interop: csvx encapsulated unicast (tx-packets moved)" test "$(stat a 100 tx-packets)" -gt 0

check "interop: IPv6 underlay csvx -> kernel" ping_ok va6 10.6.0.2
check "interop: IPv6 underlay kernel -> csvx" ping_ok vk6 10.6.0.1

# The kernel driver checks what csvx sends: nothing may be dropped there.
check "interop: kernel vxlan saw no malformed packet from csvx" \
	sh -c "[ \$(ip netns exec $(ns hv-k) ip -s -j link show vxlan100 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"stats64\"][\"rx\"][\"errors\"])') -eq 0 ]"

exit $RET
