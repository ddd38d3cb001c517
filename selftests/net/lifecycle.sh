#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifecycle: namespaces with full tables deleted under traffic, and the
# module unloaded with VTEPs, FDB, routes and traffic still there (it must
# remove everything itself), then loaded again.

. "$(dirname "$0")/lib.sh"
require ping python3
trap cleanup EXIT
[ -n "${CSVX_KO:-}" ] && [ -e "$CSVX_KO" ] || { echo "SKIP: CSVX_KO unset"; exit $ksft_skip; }

build() {
	fabric
	hv a 1
	hv b 2
	ctl a vrf add red id 1 l3vni 5001 rmac 02:aa:00:00:00:01
	ctl b vrf add red id 1 l3vni 5001 rmac 02:bb:00:00:00:02
	vni a 100 vrf red gateway 10.1.0.1/24 gwmac 02:00:5e:00:01:01
	vni b 100 vrf red gateway 10.1.0.1/24 gwmac 02:00:5e:00:01:01
	vm v1 a 100 02:00:00:00:07:01 10.1.0.11/24 gw 10.1.0.1
	vm v2 b 100 02:00:00:00:07:02 10.1.0.12/24 gw 10.1.0.1
	evpn_flood 100
	evpn_vm v1 vrf red rmac 02:aa:00:00:00:01
	evpn_vm v2 vrf red rmac 02:bb:00:00:00:02
	# some bulk: 5000 remote MACs and 2000 routes per hypervisor
	python3 - "$@" <<'PY' >/tmp/csvx-life-$$.batch
for i in range(5000):
    print("fdb add vni 100 mac 02:10:%02x:%02x:00:01 remote 10.99.0.2" % (i >> 8, i & 255))
for i in range(2000):
    print("route add vrf red 10.%d.%d.0/24 remote 10.99.0.2 rmac 02:bb:00:00:00:02" % (100 + (i >> 8), i & 255))
PY
	ctl a -b /tmp/csvx-life-$$.batch
	rm -f /tmp/csvx-life-$$.batch
}

build
check "setup: traffic flows" ping_ok v1 10.1.0.12
check "setup: 5000+ FDB entries installed" \
	sh -c "[ \$($CSVXCTL -n $(ns hv-a) fdb show | grep -c 02:10:) -eq 5000 ]"

n vm-v1 ping -f -w 5 10.1.0.12 >/dev/null 2>&1 &
sleep 1
ip netns delete "$(ns hv-b)"
ip netns delete "$(ns hv-a)"
wait
check "netns deletion under traffic: the kernel survives" ip link show lo
cleanup

build
n vm-v1 ping -f -w 6 10.1.0.12 >/dev/null 2>&1 &
sleep 1
# The VMs' veths keep the hypervisor namespaces alive; csvx must let go.
ok=1
for _ in 1 2 3 4 5 6 7 8 9 10; do
	rmmod csvx 2>/dev/null && { ok=0; break; }
	sleep 0.5
done
wait
log_test $ok "module unload with full tables and live traffic"
check "after unload: no csvx device is left" \
	sh -c "! ip netns exec $(ns hv-a) ip -d link show | grep -qw csvx"
check "after unload: the hypervisor's bridge lost its VTEP port" \
	sh -c "[ -z \"\$(ip netns exec $(ns hv-a) ip link show master brvx-100 | grep vxlan100)\" ]"
check "module loads again" insmod "$CSVX_KO"
check "after reload: the namespace starts empty" \
	sh -c "[ -z \"\$($CSVXCTL -n $(ns hv-a) vni show | grep -w 100)\" ]"

exit $RET
