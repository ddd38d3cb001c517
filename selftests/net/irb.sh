#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Symmetric IRB with a distributed anycast gateway, and tenant isolation.
#
# Tenant red (VRF id 1, L3VNI 5001) and tenant blue (VRF id 2, L3VNI 5002)
# use the SAME subnets 10.1.0.0/24 and 10.2.0.0/24 and the same gateway
# addresses; only their VNIs differ.
#
#   hv a: red  VNI 101 (10.1/24) r1 .11   red  VNI 102 (10.2/24) r3 .13
#         blue VNI 201 (10.1/24) b1 .11
#   hv b: red  VNI 102 (10.2/24) r2 .12   blue VNI 202 (10.2/24) b2 .12
#         red  VNI 103 (172.16/16) r5     blue VNI 202           b4 .14

. "$(dirname "$0")/lib.sh"
require ping python3
trap cleanup EXIT

GWMAC=02:00:5e:00:01:01
RMAC_A=02:aa:00:00:00:01
RMAC_B=02:bb:00:00:00:02

fabric
hv a 1
hv b 2
ctl a vrf add red id 1 l3vni 5001 rmac $RMAC_A
ctl a vrf add blue id 2 l3vni 5002 rmac $RMAC_A
ctl b vrf add red id 1 l3vni 5001 rmac $RMAC_B
ctl b vrf add blue id 2 l3vni 5002 rmac $RMAC_B

vni a 101 vrf red gateway 10.1.0.1/24 gwmac $GWMAC
vni a 102 vrf red gateway 10.2.0.1/24 gwmac $GWMAC
vni a 201 vrf blue gateway 10.1.0.1/24 gwmac $GWMAC
vni b 102 vrf red gateway 10.2.0.1/24 gwmac $GWMAC
vni b 202 vrf blue gateway 10.2.0.1/24 gwmac $GWMAC

vm r1 a 101 02:00:00:01:01:11 10.1.0.11/24 gw 10.1.0.1
vm r3 a 102 02:00:00:01:02:13 10.2.0.13/24 gw 10.2.0.1
vm b1 a 201 02:00:00:02:01:11 10.1.0.11/24 gw 10.1.0.1
vm r2 b 102 02:00:00:01:02:12 10.2.0.12/24 gw 10.2.0.1
vm b2 b 202 02:00:00:02:02:12 10.2.0.12/24 gw 10.2.0.1
vm b4 b 202 02:00:00:02:02:14 10.2.0.14/24 gw 10.2.0.1
evpn_flood 102
evpn_vm r1 vrf red rmac $RMAC_A
evpn_vm r3 vrf red rmac $RMAC_A
evpn_vm r2 vrf red rmac $RMAC_B
evpn_vm b1 vrf blue rmac $RMAC_A
evpn_vm b2 vrf blue rmac $RMAC_B
evpn_vm b4 vrf blue rmac $RMAC_B

check "gateway: r1 resolves the anycast gateway by ARP suppression" \
	sh -c "ip netns exec $(ns vm-r1) arping -c 1 -w 2 -I eth0 10.1.0.1 | grep -qi 02:00:5e:00:01:01"
check "routing on one host: red 10.1.0.11 -> 10.2.0.13 (hv a)" ping_ok r1 10.2.0.13
check "routing across hosts: red 10.1.0.11 -> 10.2.0.12 (hv b, L3VNI)" ping_ok r1 10.2.0.12
check "routing across hosts: red 10.2.0.12 -> 10.1.0.11 (reverse)" ping_ok r2 10.1.0.11
check "routed packets counted on hv a" test "$(stat a 101 routed)" -gt 0
check "symmetric IRB: TTL drops by 2 across hosts (64 -> 62)" \
	sh -c "ip netns exec $(ns vm-r1) ping -c 1 -W 2 10.2.0.12 | grep -q 'ttl=62'"
check "routing on one host: TTL drops by 1 (64 -> 63)" \
	sh -c "ip netns exec $(ns vm-r1) ping -c 1 -W 2 10.2.0.13 | grep -q 'ttl=63'"

check "blue: same addresses, 10.1.0.11 -> 10.2.0.12 reaches blue's b2" ping_ok b1 10.2.0.12
# b2 and r2 share 10.2.0.12: each tenant must reach its own.  The ping
# replies' source MAC seen by hv b's taps tells who answered.
check "isolation: red's ping reached r2, not b2" \
	sh -c "[ \$(ip netns exec $(ns vm-r2) ip -s -j link show eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"stats64\"][\"rx\"][\"packets\"])') -gt 0 ]"
check_fail "isolation: blue cannot reach red-only 10.2.0.13" \
	n vm-b1 ping -c 2 -W 1 10.2.0.13
check_fail "isolation: red cannot reach blue-only 10.2.0.14" \
	n vm-r1 ping -c 2 -W 1 10.2.0.14
check "no route: red to 10.9.9.9 is dropped and counted" \
	sh -c "! ip netns exec $(ns vm-r1) ping -c 1 -W 1 10.9.9.9 >/dev/null; [ \$($CSVXCTL -n $(ns hv-a) -j stats show vni 101 | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(d[\"drop-no-route\"])') -gt 0 ]"

# A type-5 prefix: red's 172.16.0.0/16 exists only on hv b (VNI 103); hv a
# knows it from one prefix route, not from host routes.
vni b 103 vrf red gateway 172.16.0.1/16 gwmac $GWMAC
vm r5 b 103 02:00:00:01:03:15 172.16.5.5/16 gw 172.16.0.1
ctl a route add vrf red 172.16.0.0/16 remote "${HV_ADDR[b]}" rmac $RMAC_B
check "type-5: red 10.1.0.11 -> 172.16.5.5 via a prefix route" ping_ok r1 172.16.5.5
check "type-5: route show lists the prefix" \
	sh -c "$CSVXCTL -n $(ns hv-a) route show vrf red | grep -q 172.16.0.0/16"
ctl a route del vrf red 172.16.0.0/16
check_fail "type-5: withdrawn prefix is unreachable" n vm-r1 ping -c 1 -W 1 172.16.5.5

# VRF deletion is refused while VNIs use it.
check_fail "vrf del: refused while a VNI is in the VRF" ctl a vrf del red

exit $RET
