#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 in the overlay (ND suppression, routing through the anycast gateway)
# and in the underlay (csvx over IPv6 VTEPs), and the VTEP MTU defaults.

. "$(dirname "$0")/lib.sh"
require ping python3
trap cleanup EXIT

GWMAC=02:00:5e:00:01:01
fabric
hv a 1
hv b 2
ctl a vrf add red id 1 l3vni 5001 rmac 02:aa:00:00:00:01
ctl b vrf add red id 1 l3vni 5001 rmac 02:bb:00:00:00:02

# VNI 100 over an IPv4 underlay, VNI 600 over an IPv6 underlay.
vni a 100 vrf red gateway fd10::1/64 gwmac $GWMAC
vni b 100 vrf red gateway fd10::1/64 gwmac $GWMAC
vni a 600 local6
vni b 600 local6
vm v1 a 100 02:00:00:00:06:01 10.1.0.1/24 fd10::11/64 gw6 fd10::1
vm v2 b 100 02:00:00:00:06:02 10.1.0.2/24 fd10::12/64 gw6 fd10::1
vm w1 a 600 02:00:00:00:06:11 10.6.0.1/24 fd60::1/64
vm w2 b 600 02:00:00:00:06:12 10.6.0.2/24 fd60::2/64
evpn_flood 100
evpn_vm v1
evpn_vm v2
ctl a flood add vni 600 remote "${HV_ADDR6[b]}"
ctl b flood add vni 600 remote "${HV_ADDR6[a]}"

check "IPv6 overlay: v1 pings v2 (fd10::12)" ping6_ok v1 fd10::12
before=$(stat a 100 nd-suppressed)
n vm-v1 ip -6 neigh flush dev eth0
n vm-v1 ping -6 -c 1 -W 2 fd10::12 >/dev/null 2>&1
check "ND suppression: the solicitation for fd10::12 was answered on hv a" \
	test "$(stat a 100 nd-suppressed)" -gt "$before"
check "ND suppression: the anycast gateway answers as a router" \
	sh -c "ip netns exec $(ns vm-v1) ping -6 -c 1 -W 2 fd10::1 >/dev/null; ip netns exec $(ns vm-v1) ip -6 neigh show fd10::1 | grep -q router"
check "IPv6 underlay: w1 pings w2 (VTEPs fd99::1, fd99::2)" ping_ok w1 10.6.0.2
check "IPv6 underlay: IPv6 overlay on it too" ping6_ok w1 fd60::2
check "IPv6 underlay: UDP checksums present (kernel accepted them)" \
	test "$(stat b 600 rx-packets)" -gt 0

# MTU: underlay 1550 -> VTEP 1500 (IPv4) and 1480 (IPv6 VTEP address).
check "MTU: VTEP over IPv4 underlay defaults to 1550 - 50" \
	sh -c "ip netns exec $(ns hv-a) ip -j link show vxlan100 | grep -q '\"mtu\":1500'"
check "MTU: VTEP over IPv6 underlay defaults to 1550 - 70" \
	sh -c "ip netns exec $(ns hv-a) ip -j link show vxlan600 | grep -q '\"mtu\":1480'"
check "MTU: explicit mtu is honoured" \
	sh -c "$CSVXCTL -n $(ns hv-a) vni add 700 dev vxlan700 mtu 1400 && ip netns exec $(ns hv-a) ip -j link show vxlan700 | grep -q '\"mtu\":1400'"
check "MTU: a full-size 1500-byte frame crosses the tunnel unfragmented" \
	n vm-v1 ping -c 2 -W 2 -M do -s 1472 10.1.0.2
check "MTU: ip -d link shows kind csvx" \
	sh -c "ip netns exec $(ns hv-a) ip -d link show vxlan100 | grep -qw csvx"
check_fail "MTU: ip link add type csvx is refused (csvxctl owns VTEPs)" \
	n hv-a ip link add bogus type csvx

exit $RET
