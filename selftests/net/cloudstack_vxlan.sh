#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/cloudstack/modifyvxlan.sh invoked exactly as CloudStack's KVM agent
# does (BridgeVifDriver): add, repeated add, delete with "-p vx", usage
# errors, the lock, concurrent adds, -6, and VMs on two hosts reaching each
# other over the scripted devices.

. "$(dirname "$0")/lib.sh"
require ping flock python3
trap 'cleanup; rm -rf "$LOCKS"' EXIT

SCRIPT=$REPO/tools/cloudstack/modifyvxlan.sh
LOCKS=$(mktemp -d /tmp/csvx-cloud.XXXXXX)
# The agent's environment: csvxctl on PATH, the lock in /var/run/cloud
# (here a private directory, so parallel test runs do not share it).
export CSVXCTL CSVX_LOCK_DIR=$LOCKS CSVX_CLOUDSTACK_CONF=/nonexistent

mv_vx() {
	local hv=$1
	shift
	n "hv-$hv" "$SCRIPT" "$@"
}

dev_json() {
	n "hv-$1" ip -d -j link show "$2" | python3 -c "import json,sys; d=json.load(sys.stdin)[0]; print($3)"
}

fabric
hv a 1
hv b 2
# EVPN convention: the VTEP address is on lo, reached over the underlay.
n hv-a ip addr add 10.255.0.1/32 dev lo
n hv-b ip addr add 10.255.0.2/32 dev lo
n hv-a ip addr add fd00:255::1/128 dev lo
n hv-b ip addr add fd00:255::2/128 dev lo
n hv-a ip route add 10.255.0.2/32 via 10.99.0.2
n hv-b ip route add 10.255.0.1/32 via 10.99.0.1
n hv-a ip -6 route add fd00:255::2/128 via fd99::2
n hv-b ip -6 route add fd00:255::1/128 via fd99::1

check "add: as the agent calls it" mv_vx a -v 1001 -p uplink -b brvx-1001 -o add
check "add: vxlan1001 is a csvx device" \
	test "$(dev_json a vxlan1001 'd["linkinfo"]["info_kind"]')" = csvx
check "add: vxlan1001 is enslaved to brvx-1001" \
	test "$(dev_json a vxlan1001 'd["master"]')" = brvx-1001
check "add: the bridge and the VTEP are up" \
	sh -c "[ \"$(dev_json a brvx-1001 'd["operstate"]')\" != DOWN ] && [ \"$(dev_json a vxlan1001 'd["flags"].count("UP")')\" = 1 ]"
check "add: IPv6 is off on the bridge" \
	test "$(n hv-a cat /proc/sys/net/ipv6/conf/brvx-1001/disable_ipv6)" = 1
check "add: VTEP source is lo's global address (EVPN)" \
	sh -c "$CSVXCTL -n $(ns hv-a) vni show 1001 | grep -q 10.255.0.1"
check "add: MTU is the underlay's (1550) less 50" \
	test "$(dev_json a vxlan1001 'd["mtu"]')" = 1500
check "add again: idempotent, exit 0" mv_vx a -v 1001 -p uplink -b brvx-1001 -o add
check "add again: still exactly one VNI 1001" \
	test "$("$CSVXCTL" -n "$(ns hv-a)" -j vni show | python3 -c 'import json,sys; print(sum(1 for v in json.load(sys.stdin) if v["vni"] == 1001))')" = 1

# Usage errors: exit 2, as upstream.
mv_vx a -v 1002 -p uplink -o add >/dev/null 2>&1
check "usage: missing -b exits 2" test $? -eq 2
mv_vx a -v 1002 -p uplink -b brvx-1002 -o add -x >/dev/null 2>&1
check "usage: unknown option exits 2" test $? -eq 2
mv_vx a -v 1002 -p uplink -b brvx-1002 -o frobnicate >/dev/null 2>&1
check "usage: unknown operation exits 2" test $? -eq 2

# The lock: held elsewhere for longer than 10 s -> exit 1.
# The holder keeps it long enough for even a slow (TCG) guest.
flock -x -o "$LOCKS/vxlan.lock" sleep 60 &
holder=$!
sleep 2
start=$(date +%s)
mv_vx a -v 1003 -p uplink -b brvx-1003 -o add >/dev/null 2>&1
rc=$?
took=$(($(date +%s) - start))
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "lock: not obtained in 10 s exits 1" test "$rc" -eq 1
check "lock: it waited at least 10 s (took ${took}s)" test "$took" -ge 10
check "lock: nothing was created without it" \
	sh -c "! ip netns exec $(ns hv-a) ip link show vxlan1003 2>/dev/null"

# Concurrent adds, as several VM starts at once would do.  What is
# checked is that they serialise correctly, not how fast a loaded TCG
# guest runs five of them: the lock may be waited for longer than 10 s.
pids=()
for v in 2001 2002 2003 2004 2001; do
	CSVX_LOCK_WAIT=300 mv_vx a -v "$v" -p uplink -b "brvx-$v" -o add >/dev/null 2>&1 &
	pids+=($!)
done
ok=0
for p in "${pids[@]}"; do wait "$p" || ok=1; done
log_test $ok "concurrent adds: all exit 0"
check "concurrent adds: four VNIs, one device each" \
	test "$(n hv-a ip -d -br link show type csvx | grep -c 'vxlan200[1-4]')" -eq 4

# Delete as the agent does: -p parsed from brvx-N is "vx", which does not exist.
check "delete: with -p vx" mv_vx a -v 2004 -p vx -b brvx-2004 -o delete
check "delete: device and bridge are gone" \
	sh -c "! ip netns exec $(ns hv-a) ip link show vxlan2004 2>/dev/null && ! ip netns exec $(ns hv-a) ip link show brvx-2004 2>/dev/null"
check "delete: VNI 2004 is gone from csvx" \
	sh -c "! $CSVXCTL -n $(ns hv-a) vni show | grep -qw 2004"
check "delete: again, already gone, exit 0" mv_vx a -v 2004 -p vx -b brvx-2004 -o delete

# -6: the IPv6 global address on lo, and 70 bytes of overhead.
check "add -6: IPv6 underlay" mv_vx a -v 3001 -p uplink -b brvx-3001 -o add -6
check "add -6: VTEP source is lo's IPv6 address" \
	sh -c "$CSVXCTL -n $(ns hv-a) vni show 3001 | grep -q fd00:255::1"
check "add -6: MTU is the underlay's less 70" \
	test "$(dev_json a vxlan3001 'd["mtu"]')" = 1480

# VMs on two hosts over the scripted devices.
mv_vx b -v 1001 -p uplink -b brvx-1001 -o add
VNI_HVS[1001]="a b"
HV_ADDR[a]=10.255.0.1 HV_ADDR[b]=10.255.0.2
vm v1 a 1001 02:00:00:00:c5:01 10.7.0.1/24
vm v2 b 1001 02:00:00:00:c5:02 10.7.0.2/24
evpn_flood 1001
check "VMs on two hosts reach each other over the scripted devices" ping_ok v1 10.7.0.2

exit $RET
