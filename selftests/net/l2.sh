#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# EVPN L2 across hypervisors: unicast over VXLAN, BUM replicated to all and
# only the flood list, ARP suppression, unknown VNIs, MAC mobility, TCP,
# and removing a VTEP device or a whole hypervisor under traffic.
#
#   hv a (10.99.0.1): VNI 100  vm1 02:00:00:00:01:01 10.1.0.11
#   hv b (10.99.0.2): VNI 100  vm2 02:00:00:00:01:02 10.1.0.12
#   hv c (10.99.0.3): VNI 200  (not in VNI 100's flood lists)

. "$(dirname "$0")/lib.sh"
require ping arping iperf3 python3
trap cleanup EXIT

fabric
hv a 1
hv b 2
hv c 3
vni a 100
vni b 100
vni c 200
vm vm1 a 100 02:00:00:00:01:01 10.1.0.11/24
vm vm2 b 100 02:00:00:00:01:02 10.1.0.12/24
vm vm3 c 200 02:00:00:00:02:03 10.1.0.13/24
evpn_flood 100
evpn_vm vm1
evpn_vm vm2

check "L2: vm1 (hv a) pings vm2 (hv b) over VNI 100" ping_ok vm1 10.1.0.12
check "L2: vm2 (hv b) pings vm1 (hv a) over VNI 100" ping_ok vm2 10.1.0.11

# ARP for a known remote IP is answered on hv a: nothing crosses the underlay.
sup=$(stat a 100 arp-suppressed)
# vm2 would learn vm1 from the request had it crossed the underlay.
n vm-vm2 ip neigh flush dev eth0
check "ARP suppression: arping gets vm2's MAC" \
	sh -c "ip netns exec $(ns vm-vm1) arping -c 1 -w 3 -I eth0 10.1.0.12 | grep -qi 02:00:00:00:01:02"
check "ARP suppression: the request was answered on hv a" \
	test "$(stat a 100 arp-suppressed)" -gt "$sup"
check "ARP suppression: the request never reached vm2" \
	sh -c "[ -z \"\$(ip netns exec $(ns vm-vm2) ip neigh show 10.1.0.11)\" ]"

# Broadcast for an unknown IP: one copy to hv b, none to hv c (hv c has no
# VNI 100: anything it got would count as an unknown VNI there).
rx_b=$(stat b 100 rx-packets)
flood_a=$(stat a 100 tx-flood)
unk_c=$(ns_drop c drop-unknown-vni)
n vm-vm1 arping -c 2 -w 2 -I eth0 10.1.0.99 >/dev/null 2>&1
check "BUM: hv a replicated the broadcast" test "$(stat a 100 tx-flood)" -gt "$flood_a"
check "BUM: hv b (in the flood list) received it" test "$(stat b 100 rx-packets)" -gt "$rx_b"
check "BUM: hv c (not in the flood list) received nothing" \
	test "$(ns_drop c drop-unknown-vni)" -eq "$unk_c"

# A VNI hv c does not have: dropped there and counted.
ctl a flood add vni 100 remote "${HV_ADDR[c]}"
n vm-vm1 arping -c 2 -w 2 -I eth0 10.1.0.98 >/dev/null 2>&1
check "RX: unknown VNI dropped and counted on hv c" \
	test "$(ns_drop c drop-unknown-vni)" -gt "$unk_c"
ctl a flood del vni 100 remote "${HV_ADDR[c]}"

# MAC mobility: vm2 "moves" to hv c; a lower seq is refused, a higher one wins.
ctl a fdb replace vni 100 mac 02:00:00:00:01:02 remote "${HV_ADDR[b]}" ip 10.1.0.12 seq 5
check_fail "mobility: a lower sequence number is refused" \
	ctl a fdb add vni 100 mac 02:00:00:00:01:02 remote "${HV_ADDR[c]}" seq 4
check "mobility: a higher sequence number moves the MAC" \
	ctl a fdb add vni 100 mac 02:00:00:00:01:02 remote "${HV_ADDR[c]}" ip 10.1.0.12 seq 6
check "mobility: the FDB points at hv c" \
	sh -c "$CSVXCTL -n $(ns hv-a) fdb show vni 100 | grep 02:00:00:00:01:02 | grep -q ${HV_ADDR[c]}"
unk_c=$(ns_drop c drop-unknown-vni)
n vm-vm1 ping -c 2 -W 1 10.1.0.12 >/dev/null 2>&1
check "mobility: traffic for the moved MAC goes to hv c" \
	test "$(ns_drop c drop-unknown-vni)" -gt "$unk_c"
ctl a fdb replace vni 100 mac 02:00:00:00:01:02 remote "${HV_ADDR[b]}" ip 10.1.0.12 seq 7 sticky
check_fail "mobility: a sticky MAC does not move" \
	ctl a fdb add vni 100 mac 02:00:00:00:01:02 remote "${HV_ADDR[c]}" seq 8
check "mobility: back on hv b, vm1 pings vm2" ping_ok vm1 10.1.0.12

# TCP through the tunnel.
n vm-vm2 iperf3 -s -1 -D >/dev/null 2>&1
sleep 1
check "TCP: iperf3 vm1 -> vm2 for 2 s" n vm-vm1 iperf3 -c 10.1.0.12 -t 2 -i 0

# Counters move on both sides.
check "stats: hv a counted transmitted packets" test "$(stat a 100 tx-packets)" -gt 0
check "stats: hv b counted received packets" test "$(stat b 100 rx-packets)" -gt 0
check "stats: ip -s link shows the VTEP's packets" \
	sh -c "ip netns exec $(ns hv-a) ip -s -j link show vxlan100 | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; sys.exit(0 if d[\"stats64\"][\"tx\"][\"packets\"] > 0 else 1)'"

# Each encapsulated frame counts once on the device, as csvx counts it
# (a frame sent between the two reads may make one side one ahead).
tx_once() {
	local dev ours
	dev=$(ip netns exec "$(ns hv-a)" ip -s -j link show vxlan100 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])')
	ours=$(stat a 100 tx-packets)
	[ "$dev" -le $((ours + 3)) ] && [ "$ours" -le $((dev + 3)) ] ||
		{ echo "device tx $dev, csvx tx $ours"; return 1; }
}
check "stats: the VTEP device counts each frame sent once" tx_once

# The same counters for node_exporter's textfile collector: well-formed
# exposition text, one TYPE per metric, values equal to `stats show`'s.
prom_ok() {
	local tx file=/tmp/csvx-prom-$SUF.prom
	tx=$(stat a 100 tx-packets)
	ctl a stats export "$file" || return 1
	[ ! -e "$file.tmp" ] || return 1
	python3 - "$file" "$tx" <<'PY'
import re, sys
types, seen = {}, set()
tx = None
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# TYPE "):
        name = line.split()[2]
        assert name not in types, "two TYPE lines for " + name
        types[name] = line.split()[3]
        continue
    if line.startswith("#"):
        continue
    m = re.fullmatch(r'([a-z_]+)\{([^}]*)\} ([0-9]+)', line)
    assert m, "not a sample: " + line
    assert m.group(1) in types, "sample before its TYPE: " + line
    assert m.group(1) not in seen or prev == m.group(1), "metric split: " + line
    seen.add(m.group(1)); prev = m.group(1)
    if m.group(1) == "csvx_tx_packets_total" and m.group(2) == 'vni="100"':
        tx = int(m.group(3))
assert types.get("csvx_drops_total") == "counter"
# stats show ran first; the export may only have grown since.
assert tx is not None and tx >= int(sys.argv[2]), (tx, sys.argv[2])
PY
}
check "stats: Prometheus export for the textfile collector" prom_ok
rm -f "/tmp/csvx-prom-$SUF.prom"

# Removing the VTEP device removes the VNI, under traffic.
n vm-vm1 ping -f -w 4 10.1.0.12 >/dev/null 2>&1 &
sleep 1
n hv-b ip link del vxlan100
check "teardown: ip link del removes VNI 100 from csvxctl vni show" \
	sh -c "! $CSVXCTL -n $(ns hv-b) vni show | grep -qw 100"
check "teardown: VNI 100's FDB went with it" \
	sh -c "[ -z \"\$($CSVXCTL -n $(ns hv-b) fdb show vni 100 2>/dev/null | grep 02:00)\" ]"
# ...and a whole hypervisor vanishing under traffic.
ip netns delete "$(ns hv-a)"
wait
check "teardown: hv b still answers after hv a vanished" ctl b vni show

exit $RET
