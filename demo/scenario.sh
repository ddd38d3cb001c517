#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the demo guest (demo.sh starts it): loads csvx.ko, builds the
# hypervisors and VMs with selftests/net/lib.sh, and narrates.
#
#   fabric: one underlay switch, VTEPs 10.99.0.1-3
#   tenant red  (VRF red,  L3VNI 5001): VNI 1001 10.1.0.0/24 on hv1+hv2,
#                                        VNI 1002 10.2.0.0/24 on hv3
#   tenant blue (VRF blue, L3VNI 5002): VNI 2001 10.1.0.0/24 on hv1+hv3
#   (blue uses the same 10.1.0.0/24 as red, with the same VM addresses)

set -u
. "$(dirname "$0")/../selftests/net/lib.sh"
trap cleanup EXIT
export PATH=$REPO/tools/csvxctl:$PATH
step=0 failed=0

say() { printf '\n\033[1m== %d. %s\033[0m\n' "$((step += 1))" "$*"; }
show() { printf '   $ %s\n' "$*"; "$@" 2>&1 | sed 's/^/     /'; }
expect() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		printf '   \033[32m✔ %s\033[0m\n' "$what"
	else
		printf '   \033[31m✘ %s\033[0m\n' "$what"
		failed=1
	fi
}
expect_not() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		printf '   \033[31m✘ %s\033[0m\n' "$what"
		failed=1
	else
		printf '   \033[32m✔ %s\033[0m\n' "$what"
	fi
}

say "load csvx.ko"
modprobe -a udp_tunnel ip6_udp_tunnel 2>/dev/null
insmod "$1" || exit 1
show csvxctl -V
GW=02:00:5e:00:01:01
declare -A RMAC=([hv1]=02:aa:00:00:00:01 [hv2]=02:aa:00:00:00:02 [hv3]=02:aa:00:00:00:03)

say "three hypervisors on one underlay switch"
fabric
hv hv1 1; hv hv2 2; hv hv3 3
show ip netns list

say "tenant VRFs on every hypervisor (one table entry each, no VRF devices)"
for h in hv1 hv2 hv3; do
	ctl $h vrf add red id 1 l3vni 5001 rmac "${RMAC[$h]}"
	ctl $h vrf add blue id 2 l3vni 5002 rmac "${RMAC[$h]}"
done
show csvxctl -n "$(ns hv-hv1)" vrf show

say "VNIs: a csvx VTEP device in CloudStack's brvx-VNI bridge, with the anycast gateway"
vni hv1 1001 vrf red gateway 10.1.0.1/24 gwmac $GW
vni hv2 1001 vrf red gateway 10.1.0.1/24 gwmac $GW
vni hv3 1002 vrf red gateway 10.2.0.1/24 gwmac $GW
vni hv1 2001 vrf blue gateway 10.1.0.1/24 gwmac $GW
vni hv3 2001 vrf blue gateway 10.1.0.1/24 gwmac $GW
show csvxctl -n "$(ns hv-hv1)" vni show
show ip -n "$(ns hv-hv1)" -d -br link show type csvx

say "VMs on the bridges, as libvirt attaches them"
vm red-web hv1 1001 02:00:00:00:10:11 10.1.0.11/24 gw 10.1.0.1
vm red-app hv2 1001 02:00:00:00:10:12 10.1.0.12/24 gw 10.1.0.1
app_tap=vnet${HV_IDX[hv2]}$VM_COUNT
vm red-db hv3 1002 02:00:00:00:20:13 10.2.0.13/24 gw 10.2.0.1
vm blue-web hv1 2001 02:00:00:00:b0:11 10.1.0.11/24 gw 10.1.0.1
vm blue-app hv3 2001 02:00:00:00:b0:12 10.1.0.12/24 gw 10.1.0.1

say "EVPN routes, programmed as BGP would (type 3 flood lists, type 2 MAC/IP, host routes)"
evpn_flood 1001; evpn_flood 2001
evpn_vm red-web vrf red rmac "${RMAC[hv1]}"
evpn_vm red-app vrf red rmac "${RMAC[hv2]}"
evpn_vm red-db vrf red rmac "${RMAC[hv3]}"
evpn_vm blue-web vrf blue rmac "${RMAC[hv1]}"
evpn_vm blue-app vrf blue rmac "${RMAC[hv3]}"
show csvxctl -n "$(ns hv-hv1)" fdb show
show csvxctl -n "$(ns hv-hv1)" route show vrf red

say "L2 across hypervisors: red-web (hv1) -> red-app (hv2), same subnet"
show n vm-red-web ping -c 2 -i 0.3 10.1.0.12
expect "red-web reaches red-app over VNI 1001" ping_ok red-web 10.1.0.12

say "routing: red-web (hv1, 10.1.0.11) -> red-db (hv3, 10.2.0.13) over the L3VNI"
show n vm-red-web ping -c 2 -i 0.3 10.2.0.13
expect "red-web reaches red-db through the distributed gateway" ping_ok red-web 10.2.0.13

say "isolation: blue uses red's addresses; each tenant reaches only its own VMs"
expect "blue-web reaches blue-app at 10.1.0.12 (on hv3, not red-app on hv2)" ping_ok blue-web 10.1.0.12
expect_not "blue-web cannot reach red-db's 10.2.0.13" n vm-blue-web ping -c 1 -W 1 10.2.0.13
expect_not "red-web cannot reach anything in blue" n vm-red-web ping -c 1 -W 1 10.9.0.1

say "ARP suppression: hv1 answers for remote VMs itself"
n vm-red-web ip neigh flush dev eth0
before=$(stat hv1 1001 arp-suppressed)
show n vm-red-web arping -c 1 -I eth0 10.1.0.12
after=$(stat hv1 1001 arp-suppressed)
expect "arp-suppressed on hv1 went from $before to $after" test "$after" -gt "$before"

say "security groups: red-app admits ICMP from red-web only, and sends only as itself"
ctl hv2 sg add app
ctl hv2 sg rule add app ingress proto icmp cidr 10.1.0.11/32
show csvxctl -n "$(ns hv-hv2)" port add dev "$app_tap" vni 1001 mac 02:00:00:00:10:12 ip 10.1.0.12 sg app
show csvxctl -n "$(ns hv-hv2)" sg show app
expect "red-web still reaches red-app (a rule admits it)" ping_ok red-web 10.1.0.12
expect_not "red-db (10.2.0.13) no longer reaches red-app" n vm-red-db ping -c 1 -W 2 10.1.0.12
expect "red-app still reaches red-db (egress is open, the reply is admitted)" ping_ok red-app 10.2.0.13
n vm-red-app ip addr add 10.1.0.99/24 dev eth0
n vm-red-app ping -c 2 -i 0.3 -W 1 -I 10.1.0.99 10.1.0.11 >/dev/null 2>&1
show csvxctl -n "$(ns hv-hv2)" port show
expect "red-app's spoofed source 10.1.0.99 was dropped and counted" \
	sh -c "csvxctl -n $(ns hv-hv2) -j port show dev $app_tap | grep -Eq '\"drop-sg-spoof-ip\": *[1-9]'"

say "counters"
show csvxctl -n "$(ns hv-hv1)" stats show
show ip -n "$(ns hv-hv1)" -s link show vxlan1001

say "unload: csvx removes its devices and tables by itself"
cleanup
expect "rmmod csvx" rmmod csvx
exit $failed
