#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# BGP EVPN from stock FRR: csvx-evpnd programs csvx on every hypervisor and
# advertises its local VMs; nothing is programmed by hand (no evpn_vm, no
# evpn_flood).
#
#   fabric "sw" -- hv-a (10.99.0.1)  hv-b (.2)  hv-c (.3)  hv-rr (.100)
#   each hypervisor: csvx + zebra + bgpd + csvx-evpnd; hv-rr: the route
#   reflector (iBGP AS 65000, l2vpn evpn, advertise-all-vni)
#
#   VRF red (L3VNI 5001, router MAC 02:aa:00:00:00:0N on hv-N)
#   VNI 100 (red, 10.1.0.0/24) on a, b, c     VNI 200 (red, 10.2.0.0/24) on a, b
#   VNI 300 (no VRF, 10.3.0.0/24, by modifyvxlan.sh) on a, b   VNI 400 (red, 10.4.0.0/24) on c
#   only, whose subnet hv-c also originates as a type-5 route
#
# Checks: remote MACs/IPs, flood lists (type 3) exactly where the VNI is,
# BUM on the wire only to those hosts, L2 and routed (symmetric IRB)
# connectivity, type-5, a VM moving between hosts, an agent restart
# (traffic and state), an FRR restart (the host's own csvx holds, every
# csvx as before afterwards), a host leaving, csvx module reload, EVPN_SCALE
# MACs.  Measured and printed: "port add" to visibility/reachability on
# another host, a move's convergence, the scale test's MACs from one host to
# another, and the traffic lost across restarts.
#
# FRR runs one instance per hypervisor namespace, started directly
# (`ip netns exec NS zebra -d -N NS -f CONF`: run files in /run/frr/NS,
# `vtysh -N NS` works), configuration and logs in a temporary directory.
# Timers are the "datacenter" profile's (keepalive 3 s, hold 9 s), with a
# connect retry of 1 s.  The whole scenario takes about 3 minutes in a TCG
# guest.
#
# Environment: EVPN_SCALE (MACs of the scale test, default 1000, 0 skips),
# EVPN_PHASES (which parts run after the setup and convergence checks, in
# order: dataplane port move scale agent frr leave reload; default all),
# EVPN_FAST_FAIL (1: stop at the first failing part, with diagnostics),
# EVPN_HOLD (agents' restart-hold, default 10), EVPN_VALGRIND (1: run hv-c's
# agent under valgrind, and check it for errors and leaks), EVPN_KEEP
# (a directory to copy the FRR and agent logs to), CSVX_EVPND (the agent),
# CSVX_KO (the module, for the reload test; else modprobe csvx).
# Exit: 0 all passed, 1 a check failed, 4 FRR (or the agent) missing.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

FRR_BIN=${FRR_BIN:-/usr/lib/frr}
AGENT=${CSVX_EVPND:-$REPO/tools/csvx-evpnd/csvx-evpnd}
SCALE=${EVPN_SCALE:-1000}
HOLD=${EVPN_HOLD:-10}
ASN=65000
RR=10.99.0.100
HVS=(a b c)
declare -A RMAC=([a]=02:aa:00:00:00:01 [b]=02:aa:00:00:00:02 [c]=02:aa:00:00:00:03)
declare -A AGENT_PID
GW1=02:00:5e:00:01:01
GW2=02:00:5e:00:01:02
GW4=02:00:5e:00:01:04

if [ ! -x "$FRR_BIN/zebra" ] || [ ! -x "$FRR_BIN/bgpd" ]; then
	echo "SKIP: FRR (zebra, bgpd in $FRR_BIN) not installed"
	exit "$ksft_skip"
fi
id frr >/dev/null 2>&1 || { echo "SKIP: no frr user"; exit "$ksft_skip"; }
[ -x "$AGENT" ] || { echo "SKIP: $AGENT not built"; exit "$ksft_skip"; }
require ip bridge ping arping tcpdump awk
VALGRIND=${EVPN_VALGRIND:-0}
if [ "$VALGRIND" = 1 ]; then
	command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind missing"; exit "$ksft_skip"; }
fi
# valgrind (hv-c's agent) slows that agent down by an order of magnitude
SLOW=$((VALGRIND ? 10 : 1))

WORK=$(mktemp -d /tmp/csvx-evpn.XXXXXX)
chmod 0755 "$WORK"

measure() { printf '[+] MEASURE: %s\n' "$*"; MEASURES+=("$*"); }
MEASURES=()

# ms between two $EPOCHREALTIME values
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

# wait_until SECS CMD...: poll CMD every 0.1 s; true as soon as it is
wait_until() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# ---------------------------------------------------------------- FRR --

# frr_conf NAME IDX EXTRA_VRF_CONFIG: a hypervisor's frr.conf
frr_conf_hv() {
	local name=$1 idx=$2 extra=${3:-} dir=$WORK/hv-$1

	mkdir -p "$dir"
	cat >"$dir/frr.conf" <<EOF
frr defaults datacenter
hostname hv-$name
log file $WORK/hv-$name.frr.log informational
!
vrf red
 vni 5001
exit-vrf
!
router bgp $ASN
 bgp router-id 10.99.0.$idx
 no bgp default ipv4-unicast
 bgp graceful-restart
 bgp graceful-restart preserve-fw-state
 neighbor $RR remote-as $ASN
 neighbor $RR timers connect 1
 !
 address-family l2vpn evpn
  neighbor $RR activate
  advertise-all-vni
 exit-address-family
exit
!
router bgp $ASN vrf red
 bgp router-id 10.99.0.$idx
 no bgp network import-check
$extra
 address-family l2vpn evpn
  advertise ipv4 unicast
 exit-address-family
exit
EOF
}

frr_conf_rr() {
	local dir=$WORK/hv-rr

	mkdir -p "$dir"
	cat >"$dir/frr.conf" <<EOF
frr defaults datacenter
hostname rr
log file $WORK/hv-rr.frr.log informational
!
router bgp $ASN
 bgp router-id $RR
 bgp cluster-id $RR
 no bgp default ipv4-unicast
 bgp graceful-restart
 neighbor HV peer-group
 neighbor HV remote-as $ASN
 ! static neighbours: a dynamic one is deleted with its session, and with
 ! it the graceful restart that keeps a restarting host's routes
 neighbor 10.99.0.1 peer-group HV
 neighbor 10.99.0.2 peer-group HV
 neighbor 10.99.0.3 peer-group HV
 !
 address-family l2vpn evpn
  neighbor HV activate
  neighbor HV route-reflector-client
 exit-address-family
exit
EOF
}

# frr_start NAME: zebra and bgpd in namespace hv-NAME
frr_start() {
	local nsn dir=$WORK/hv-$1 run
	nsn=$(ns "hv-$1")
	run=/run/frr/$nsn

	mkdir -p "$run"
	touch "$WORK/hv-$1.frr.log"
	chown frr:frr "$run" "$WORK/hv-$1.frr.log"
	chmod 0644 "$dir/frr.conf"
	ip netns exec "$nsn" "$FRR_BIN/zebra" -d -N "$nsn" -f "$dir/frr.conf" \
		-s 90000000 >>"$WORK/hv-$1.frr.start" 2>&1 || return 1
	ip netns exec "$nsn" "$FRR_BIN/bgpd" -d -N "$nsn" -f "$dir/frr.conf" \
		>>"$WORK/hv-$1.frr.start" 2>&1
}

frr_pid() {
	local f
	f=/run/frr/$(ns "hv-$1")/$2.pid
	[ -s "$f" ] && cat "$f"
}

# frr_stop NAME: as frrinit.sh does: bgpd first, then zebra
frr_stop() {
	local d pid
	for d in bgpd zebra; do
		pid=$(frr_pid "$1" "$d") || continue
		kill -TERM "$pid" 2>/dev/null || continue
		for _ in $(seq 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		rm -f "/run/frr/$(ns "hv-$1")/$d.pid"
	done
}

frr_running() {
	local pid
	pid=$(frr_pid "$1" bgpd) && kill -0 "$pid" 2>/dev/null
}

vty() {
	local name=$1
	shift
	timeout 60 vtysh -N "$(ns "hv-$name")" "$@" 2>/dev/null
}

# ----------------------------------------------------------- the agent --

agent_start() {
	local name=$1 conf=$WORK/hv-$1.evpnd.conf log=$WORK/hv-$1.agent.log
	local pre=() opts=(-f)

	cat >"$conf" <<EOF
# written by evpn.sh
restart-hold = $HOLD
withdraw-delay = 1000
resync-interval = 120
EOF
	[ "${EVPN_VERBOSE:-0}" = 1 ] && opts+=(-v)
	if [ "$name" = c ] && [ "$VALGRIND" = 1 ]; then
		pre=(valgrind --leak-check=full --errors-for-leak-kinds=definite
		     --error-exitcode=99 --log-file="$WORK/hv-c.valgrind.log")
	fi
	echo "---- start $(date +%T)" >>"$log"
	"${pre[@]}" "$AGENT" "${opts[@]}" -n "$(ns "hv-$name")" -c "$conf" >>"$log" 2>&1 &
	AGENT_PID[$name]=$!
}

# agent_stop NAME: SIGTERM, wait; the agent's exit status
agent_stop() {
	local pid=${AGENT_PID[$1]:-} rc
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	AGENT_PID[$1]=
	return "$rc"
}

agent_alive() {
	local pid=${AGENT_PID[$1]:-}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# ------------------------------------------------------ csvx state views --

# fdb_at HV VNI MAC REMOTE [IP]: csvx on HV has MAC at REMOTE (with IP)
fdb_at() {
	ctl "$1" fdb show vni "$2" | awk -v m="$3" -v r="$4" -v ip="${5:-}" '
		$2 == m && $3 == r && (ip == "" || index(" " $0 " ", " " ip " ")) { f = 1 }
		END { exit !f }'
}

fdb_absent() {
	! ctl "$1" fdb show vni "$2" | awk -v m="$3" '$2 == m { f = 1 } END { exit !f }'
}

# flood_list HV VNI: the VNI's flood list, sorted, one line
flood_list() {
	ctl "$1" flood show vni "$2" | awk 'NR > 1 { print $2 }' | sort | tr '\n' ' ' |
		sed 's/ $//'
}

flood_is() {
	[ "$(flood_list "$1" "$2")" = "$3" ]
}

# route_at HV PREFIX REMOTE RMAC
route_at() {
	ctl "$1" route show vrf red | awk -v p="$2" -v r="$3" -v m="$4" '
		$2 == p && $3 == r && $4 == m { f = 1 } END { exit !f }'
}

# refs HV ADDR: how many entries of csvx (fdb, flood, route) name ADDR
refs() {
	{ ctl "$1" fdb show; ctl "$1" flood show; ctl "$1" route show; } 2>/dev/null |
		awk -v a="$2" '{ for (i = 1; i <= NF; i++) if ($i == a) n++ } END { print n + 0 }'
}

no_refs() {
	[ "$(refs "$1" "$2")" = 0 ]
}

# snapshot HV: csvx's remote state, normalised (for before/after compares)
snapshot() {
	{
		ctl "$1" fdb show | awk 'NR > 1 { $4 = ""; print "fdb", $0 }'
		ctl "$1" flood show | awk 'NR > 1 { print "flood", $0 }'
		ctl "$1" route show | awk 'NR > 1 { print "route", $0 }'
	} | sort
}

# same_as HV FILE: csvx on HV is as in FILE (the difference is printed)
same_as() {
	diff "$2" <(snapshot "$1")
}

# settle HV...: wait until csvx's state on every HV stays the same for 2 s
settle() {
	local h
	for _ in $(seq 30); do
		for h in "$@"; do snapshot "$h" >"$WORK/$h.settle"; done
		sleep 2
		for h in "$@"; do same_as "$h" "$WORK/$h.settle" >/dev/null || continue 2; done
		return 0
	done
	return 1
}

count_remote() {
	ctl "$1" fdb show vni "$2" | awk -v r="$3" '$3 == r { n++ } END { print n + 0 }'
}

count_is() {
	[ "$(count_remote "$1" "$2" "$3")" -ge "$4" ]
}

count_le() {
	[ "$(count_remote "$1" "$2" "$3")" -le "$4" ]
}

shadow_ok() {
	n "hv-$1" ip link show "brc$2" >/dev/null 2>&1 &&
		n "hv-$1" ip link show "vxs$2" >/dev/null 2>&1 &&
		n "hv-$1" ip link show "adv$2" >/dev/null 2>&1
}

shadow_gone() {
	! n "hv-$1" ip link show "brc$2" >/dev/null 2>&1 &&
		! n "hv-$1" ip link show "vxs$2" >/dev/null 2>&1 &&
		! n "hv-$1" ip link show "adv$2" >/dev/null 2>&1
}

ping1() {
	n "vm-$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1
}

# wire_count HV IFACE FILTER SECS CMD...: packets matching FILTER seen on
# IFACE of hypervisor HV while CMD runs
wire_count() {
	local hv=$1 ifc=$2 filter=$3 secs=$4 pcap pid
	shift 4
	pcap=$WORK/cap.$hv.pcap
	n "hv-$hv" timeout "$secs" tcpdump -i "$ifc" -nn -U -w "$pcap" "$filter" \
		>/dev/null 2>&1 &
	pid=$!
	sleep 1
	"$@" >/dev/null 2>&1
	wait "$pid" 2>/dev/null
	tcpdump -nn -r "$pcap" 2>/dev/null | wc -l
}

# ping_loss FROM ADDR SECS: start a background ping; ping_loss_end prints
# the number of lost replies
ping_loss_start() {
	n "vm-$1" ping -i 0.2 -W 1 -w "$3" "$2" >"$WORK/ping.$1" 2>&1 &
	PING_PID=$!
}

# sets LOST (not in a subshell: it waits for the ping)
ping_loss_end() {
	wait "$PING_PID"
	LOST=$(awk '/packets transmitted/ { print $1 - $4 }' "$WORK/ping.$1")
	[ -n "$LOST" ] || LOST=unknown
}

# diag: what the hypervisors look like, when something failed
diag() {
	local h
	for h in a b c; do
		echo "---- hv-$h: links, bridge fdb, agent log"
		n "hv-$h" ip -br link 2>&1 | sed 's/^/    /'
		n "hv-$h" bridge fdb show 2>&1 | grep -v -e permanent -e '^33:33' -e '^01:00' |
			head -n 20 | sed 's/^/    /'
		tail -n 25 "$WORK/hv-$h.agent.log" 2>/dev/null | sed 's/^/    /'
		tail -n 10 "$WORK/hv-$h.frr.log" 2>/dev/null | sed 's/^/    frr: /'
	done
	echo "---- kernel log (last lines)"
	dmesg | tail -n 30 | sed 's/^/    /'
}

# milestone NAME [must]: after the checks a later part builds on.  Nothing
# can pass without the setup and the convergence, so a failure there ends
# the run (with diagnostics) instead of timing out part after part; a later
# failure ends it only with EVPN_FAST_FAIL=1.
DIAG_DONE=0
milestone() {
	[ "$RET" = 0 ] && return 0
	[ "$DIAG_DONE" = 1 ] || diag
	DIAG_DONE=1
	if [ "${2:-}" = must ] || [ "${EVPN_FAST_FAIL:-0}" = 1 ]; then
		echo "stopping after: $1"
		exit 1
	fi
}

# ------------------------------------------------------------- cleanup --

on_exit() {
	local h
	for h in "${HVS[@]}"; do
		agent_stop "$h" 2>/dev/null
	done
	for h in "${HVS[@]}" rr; do
		frr_stop "$h" 2>/dev/null
		rm -rf "/run/frr/$(ns "hv-$h")"
	done
	keep=${EVPN_KEEP:-}
	# in a test guest, a failed run leaves its logs with the results
	[ -z "$keep" ] && [ "$RET" != 0 ] && [ -n "${CSVX_OUT:-}" ] && keep=$CSVX_OUT/logs/evpn
	if [ -n "$keep" ]; then
		mkdir -p "$keep" && cp -a "$WORK"/*.log "$keep"/ 2>/dev/null
	fi
	if [ "$RET" != 0 ]; then
		for h in "${HVS[@]}"; do
			echo "---- agent log hv-$h (last 30 lines)"
			tail -n 30 "$WORK/hv-$h.agent.log" 2>/dev/null
		done
	fi
	cleanup
	rm -rf "$WORK"
}
trap on_exit EXIT
# the harness's timeout: leave the logs and no namespaces behind all the same
trap 'RET=1; info "terminated"; exit 1' TERM

# ============================================================ topology ==

# cs_add HV VNI: modifyvxlan.sh add, as CloudStack's agent runs it
cs_add() {
	mkdir -p "$WORK/locks"
	n "hv-$1" env CSVXCTL="$CSVXCTL" CSVX_LOCK_DIR="$WORK/locks" \
		CSVX_CLOUDSTACK_CONF=/nonexistent CSVX_LOCK_WAIT=60 \
		"$REPO/tools/cloudstack/modifyvxlan.sh" -v "$2" -p uplink -b "brvx-$2" -o add
}

# cs_vxlan HV VNI: a new VNI of the scenario, made by modifyvxlan.sh
cs_vxlan() {
	cs_add "$1" "$2" || return 1
	VNI_HVS[$2]="${VNI_HVS[$2]:-} $1"
}

info "topology: 3 hypervisors and a route reflector"
fabric
hv a 1
hv b 2
hv c 3
hv rr 100

for h in a b c; do
	ctl "$h" vrf add red id 10 l3vni 5001 rmac "${RMAC[$h]}"
	vni "$h" 100 vrf red gateway 10.1.0.1/24 gwmac "$GW1"
done
# VNI 300 is CloudStack's EVPN mode as is: an L2 network whose VTEP and
# bridge the agent's modifyvxlan.sh (our drop-in) creates, remote VTEPs
# from BGP alone
for h in a b; do
	vni "$h" 200 vrf red gateway 10.2.0.1/24 gwmac "$GW2"
	cs_vxlan "$h" 300
done
vni c 400 vrf red gateway 10.4.0.1/24 gwmac "$GW4"

vm a1 a 100 02:00:00:00:01:0a 10.1.0.11/24 gw 10.1.0.1
vm b1 b 100 02:00:00:00:01:0b 10.1.0.12/24 gw 10.1.0.1
vm c1 c 100 02:00:00:00:01:0c 10.1.0.13/24 gw 10.1.0.1
vm a2 a 200 02:00:00:00:02:0a 10.2.0.11/24 gw 10.2.0.1
vm b2 b 200 02:00:00:00:02:0b 10.2.0.12/24 gw 10.2.0.1
vm a3 a 300 02:00:00:00:03:0a 10.3.0.11/24
vm b3 b 300 02:00:00:00:03:0b 10.3.0.12/24
vm c4 c 400 02:00:00:00:04:0c 10.4.0.5/24 gw 10.4.0.1

info "FRR and csvx-evpnd on every hypervisor"
frr_conf_hv a 1
frr_conf_hv b 2
frr_conf_hv c 3 " address-family ipv4 unicast
  network 10.4.0.0/24
 exit-address-family"
frr_conf_rr
for h in a b c; do
	agent_start "$h"
done
t0=$EPOCHREALTIME
pids=()
for h in rr a b c; do
	frr_start "$h" &
	pids+=($!)
done
wait "${pids[@]}"
all_frr() { frr_running rr && frr_running a && frr_running b && frr_running c; }
check "FRR started in every namespace" wait_until 120 all_frr
all_shadows() {
	shadow_ok a 100 && shadow_ok a 200 && shadow_ok a 300 && shadow_ok b 100 &&
		shadow_ok b 200 && shadow_ok b 300 && shadow_ok c 100 && shadow_ok c 400 &&
		n hv-a ip link show brc5001 && n hv-a ip link show vxs5001 &&
		n hv-a ip link show red
}
check "shadow topology for every csvx VNI and VRF" wait_until $((30 * SLOW)) all_shadows
milestone "setup" must

# ======================================================= convergence ==

info "waiting for BGP to converge"
conv() {
	flood_is a 100 "10.99.0.2 10.99.0.3" && flood_is b 100 "10.99.0.1 10.99.0.3" &&
		flood_is c 100 "10.99.0.1 10.99.0.2" && flood_is a 200 "10.99.0.2" &&
		flood_is b 200 "10.99.0.1" && flood_is a 300 "10.99.0.2" &&
		fdb_at b 100 02:00:00:00:01:0a 10.99.0.1 10.1.0.11 &&
		fdb_at a 300 02:00:00:00:03:0b 10.99.0.2 10.3.0.12 &&
		route_at a 10.4.0.0/24 10.99.0.3 "${RMAC[c]}"
}
if wait_until $((240 * SLOW)) conv; then
	measure "initial convergence (FRR start to full csvx state): $(ms "$t0" "$EPOCHREALTIME") ms"
fi
check "flood lists: VNI 100 on a = {b, c} (type 3)" flood_is a 100 "10.99.0.2 10.99.0.3"
check "flood lists: VNI 200 on a = {b} only (c has no VNI 200)" flood_is a 200 "10.99.0.2"
check "flood lists: VNI 400 (only on c) floods nowhere" flood_is c 400 ""
a1_seen() {
	fdb_at b 100 02:00:00:00:01:0a 10.99.0.1 10.1.0.11 &&
		fdb_at c 100 02:00:00:00:01:0a 10.99.0.1 10.1.0.11
}
check "remote MAC+IP: a1 on b and c (type 2)" a1_seen
check "remote MAC in an L2-only VNI: b3 on a" fdb_at a 300 02:00:00:00:03:0b 10.99.0.2 10.3.0.12
check "host route of b2 in a's VRF, router MAC of b (IRB)" \
	route_at a 10.2.0.12/32 10.99.0.2 "${RMAC[b]}"
type5() {
	route_at a 10.4.0.0/24 10.99.0.3 "${RMAC[c]}" && route_at b 10.4.0.0/24 10.99.0.3 "${RMAC[c]}"
}
check "type-5 10.4.0.0/24 from c in a's and b's VRF" type5
check "local MACs are not overwritten by the agent" fdb_at a 100 02:00:00:00:01:0a -
milestone "convergence" must

# ======================================================== data plane ==

phase_dataplane() {
	l2_abc() { ping_ok a1 10.1.0.12 && ping_ok a1 10.1.0.13; }
	check "L2 across hosts: a1 -> b1, a1 -> c1 (VNI 100)" l2_abc
	check "L2-only VNI: a3 -> b3 (VNI 300)" ping_ok a3 10.3.0.12
	check "routed, symmetric IRB: a1 (VNI 100) -> b2 (VNI 200)" ping_ok a1 10.2.0.12
	check "routed to a VNI that exists only on c: a1 -> c4 (type 5/2)" ping_ok a1 10.4.0.5
	check "routed from c: c1 -> a2" ping_ok c1 10.2.0.11

	# BUM: an ARP for an unknown address in VNI 200 reaches b, never c
	# VXLAN packets of VNI 200 (0xc8): the VNI is bytes 4-6 of the header
	vni200="udp port 4789 and udp[12:4] = 0x0000c800"
	bum_b=$(wire_count b uplink "$vni200" 5 n vm-a2 arping -c 3 -w 3 -I eth0 10.2.0.99)
	bum_c=$(wire_count c uplink "$vni200" 5 n vm-a2 arping -c 3 -w 3 -I eth0 10.2.0.99)
	info "BUM of VNI 200 from a: $bum_b packets at b, $bum_c at c"
	check "BUM reaches the hosts that have the VNI (b)" test "$bum_b" -ge 1
	check "BUM does not reach a host without the VNI (c)" test "$bum_c" -eq 0
	shadow_quiet=$(wire_count b uplink "udp port 4790" 5 n vm-a1 ping -c 3 -b 10.1.0.255)
	check "nothing on the wire to the shadow devices' port (4790)" test "$shadow_quiet" -eq 0
}

# ================================================ port add -> elsewhere ==

phase_port() {
	local tap

	info "a new VM on a (csvx \"port add\"): time until b's csvx has it and c reaches it"
	KERNEL_HV[a]=1		# vm() leaves csvx alone: "port add" below tells it
	vm x1 a 100 02:00:00:00:01:1a 10.1.0.21/24 gw 10.1.0.1
	unset 'KERNEL_HV[a]'
	tap=vnet${HV_IDX[a]}$VM_COUNT
	t0=$EPOCHREALTIME
	ctl a port add dev "$tap" vni 100 mac 02:00:00:00:01:1a ip 10.1.0.21
	if wait_until 60 fdb_at b 100 02:00:00:00:01:1a 10.99.0.1 10.1.0.21; then
		t1=$EPOCHREALTIME
		measure "port add on a -> MAC/IP in b's csvx: $(ms "$t0" "$t1") ms"
	fi
	if wait_until 60 ping1 c1 10.1.0.21; then
		measure "port add on a -> reachable from c1: $(ms "$t0" "$EPOCHREALTIME") ms"
	fi
	x1_seen() {
		fdb_at b 100 02:00:00:00:01:1a 10.99.0.1 10.1.0.21 &&
			fdb_at c 100 02:00:00:00:01:1a 10.99.0.1 10.1.0.21
	}
	check "new VM (port add) visible on b and c" wait_until 30 x1_seen
	check "new VM reachable from c1" ping_ok c1 10.1.0.21
	x1_gone() { fdb_absent b 100 02:00:00:00:01:1a && fdb_absent c 100 02:00:00:00:01:1a; }

	info "the VM goes: its tap is deleted (the port goes with it)"
	t0=$EPOCHREALTIME
	n hv-a ip link del "$tap"
	if wait_until 60 x1_gone; then
		measure "VM's tap deleted on a -> gone from b's and c's csvx: $(ms "$t0" "$EPOCHREALTIME") ms"
	fi
	check "deleted VM (tap gone) withdrawn from b and c" x1_gone

	info "a local fdb entry comes and goes (no port)"
	ctl a fdb add vni 100 mac 02:00:00:00:01:1b ip 10.1.0.22
	x2_seen() { fdb_at b 100 02:00:00:00:01:1b 10.99.0.1 10.1.0.22; }
	check "local fdb entry on a advertised to b" wait_until 30 x2_seen
	t0=$EPOCHREALTIME
	ctl a fdb del vni 100 mac 02:00:00:00:01:1b
	if wait_until 60 fdb_absent b 100 02:00:00:00:01:1b; then
		measure "fdb del on a -> gone from b's csvx: $(ms "$t0" "$EPOCHREALTIME") ms"
	fi
	check "deleted fdb entry withdrawn from b" fdb_absent b 100 02:00:00:00:01:1b
}

# ============================================================ VM move ==

phase_move() {
	info "b1 moves from b to c (MAC mobility)"
	tap_b=$(n hv-b ip -o link show master brvx-100 | awk -F': ' '/vnet/ { sub(/@.*/, "", $2); print $2; exit }')
	t0=$EPOCHREALTIME
	# the VM arrives on c (CloudStack's port add there), then leaves b
	ctl c fdb replace vni 100 mac 02:00:00:00:01:0b ip 10.1.0.12
	n hv-b ip link del "$tap_b"
	ip link add vmove0 netns "$(ns hv-c)" type veth peer name eth0 netns "$(ns vm-b1)"
	n hv-c ip link set vmove0 master brvx-100 up
	n vm-b1 ip link set eth0 address 02:00:00:00:01:0b up
	n vm-b1 ip addr add 10.1.0.12/24 dev eth0
	n vm-b1 ip route add default via 10.1.0.1
	ctl b fdb del vni 100 mac 02:00:00:00:01:0b
	VM_HV[b1]=c
	moved() {
		fdb_at a 100 02:00:00:00:01:0b 10.99.0.3 10.1.0.12 &&
			fdb_at b 100 02:00:00:00:01:0b 10.99.0.3 10.1.0.12
	}
	if wait_until 60 moved; then
		measure "VM move b -> c: csvx on a and b point at c after $(ms "$t0" "$EPOCHREALTIME") ms"
	fi
	check "moved MAC points at its new host on a and b" moved
	check "moved MAC is local on c" fdb_at c 100 02:00:00:00:01:0b -
	check "moved VM reachable: a1 -> b1 (now on c)" ping_ok a1 10.1.0.12
	check "moved VM routed: a2 -> b1 (now on c)" ping_ok a2 10.1.0.12

	# c had b1 as a remote MAC of b before it arrived: zebra leaves the
	# vxlan device's entry (dst b) behind when the MAC turns local, and
	# forgets it.  When b1 leaves c again, nothing may point back at b.
	info "b1 leaves c again (stopped): no host keeps an entry for it"
	ctl c fdb del vni 100 mac 02:00:00:00:01:0b
	b1_gone() {
		fdb_absent a 100 02:00:00:00:01:0b && fdb_absent b 100 02:00:00:00:01:0b &&
			fdb_absent c 100 02:00:00:00:01:0b
	}
	check "a VM gone after a move leaves nothing stale (c: not back at b)" \
		wait_until 30 b1_gone
}

# ========================================================= 10k MACs ==

phase_scale() {
	[ "$SCALE" -gt 0 ] || return 0
	info "$SCALE local MACs on a (csvxctl -b) -> csvx on b"
	awk -v n="$SCALE" 'BEGIN { for (i = 0; i < n; i++)
		printf "fdb add vni 300 mac 02:30:%02x:%02x:%02x:01\n",
			int(i / 65536), int(i / 256) % 256, i % 256 }' >"$WORK/scale.batch"
	t0=$EPOCHREALTIME
	timeout 900 "$CSVXCTL" -n "$(ns hv-a)" -b "$WORK/scale.batch" ||
		info "csvxctl -b failed or timed out"
	t1=$EPOCHREALTIME
	measure "csvxctl -b of $SCALE MACs on a: $(ms "$t0" "$t1") ms"
	if wait_until $((SCALE / 10 + 120)) count_is b 300 10.99.0.1 "$((SCALE + 1))"; then
		measure "$SCALE MACs on a -> all in b's csvx: $(ms "$t0" "$EPOCHREALTIME") ms"
	fi
	check "$SCALE MACs of a in b's csvx" count_is b 300 10.99.0.1 "$((SCALE + 1))"
	check "L2 traffic still fine at scale: a3 -> b3" ping_ok a3 10.3.0.12
	ctl a fdb show vni 300 | awk -v m=02:00:00:00:03:0a 'NR > 1 && $3 == "-" && $2 != m {
		print "fdb del vni 300 mac " $2 }' >"$WORK/unscale.batch"
	t0=$EPOCHREALTIME
	timeout 900 "$CSVXCTL" -n "$(ns hv-a)" -b "$WORK/unscale.batch" ||
		info "csvxctl -b failed or timed out"
	if wait_until 240 count_le b 300 10.99.0.1 1; then
		measure "$SCALE MACs deleted on a -> gone from b's csvx: $(ms "$t0" "$EPOCHREALTIME") ms"
	fi
	check "$SCALE MACs withdrawn from b's csvx" count_le b 300 10.99.0.1 1
}

# ===================================================== agent restart ==

phase_agent() {
	info "agent restart on b: changes while it is down, stale entries in csvx"
	snapshot a >"$WORK/a.snap"
	ping_loss_start b2 10.2.0.11 12
	agent_stop b
	ctl c fdb del vni 100 mac 02:00:00:00:01:0c		# c1 goes away meanwhile
	KERNEL_HV[a]=1
	vm y1 a 100 02:00:00:00:01:2a 10.1.0.31/24 gw 10.1.0.1
	unset 'KERNEL_HV[a]'
	ctl a fdb add vni 100 mac 02:00:00:00:01:2a ip 10.1.0.31	# and y1 comes
	ctl b fdb add vni 100 mac 02:de:ad:00:00:01 remote 10.99.0.77 ip 10.1.0.77
	ctl b flood add vni 100 remote 10.99.0.77
	ctl b route add vrf red 10.9.9.0/24 remote 10.99.0.77 rmac 02:de:ad:00:00:02
	sleep 3
	agent_start b
	resynced() {
		fdb_at b 100 02:00:00:00:01:2a 10.99.0.1 10.1.0.31 &&
			fdb_absent b 100 02:00:00:00:01:0c && no_refs b 10.99.0.77
	}
	wait_until 60 resynced
	ping_loss_end b2
	lost=$LOST
	measure "agent restart on b: $lost of ~60 pings lost (b2 -> a2)"
	check "after agent restart: what came meanwhile is in csvx" \
		fdb_at b 100 02:00:00:00:01:2a 10.99.0.1 10.1.0.31
	check "after agent restart: what went meanwhile is gone" fdb_absent b 100 02:00:00:00:01:0c
	check "after agent restart: stale fdb/flood/route removed" no_refs b 10.99.0.77
	check "after agent restart: local entries untouched" fdb_at b 200 02:00:00:00:02:0b -
	check "agent restart loses no traffic" test "${lost:-1}" -eq 0
	check "new VM reachable from b's VRF: b2 -> y1" ping_ok b2 10.1.0.31
}

# ====================================================== FRR restart ==

phase_frr() {
	# bgpd's Cease on shutdown is a hard reset (RFC 8538): the other hosts
	# withdraw a's routes until a is back, graceful restart or not.  What
	# csvx-evpnd promises is a's side: zebra uninstalls everything there,
	# and a's csvx keeps forwarding with what it had (restart-hold); once
	# FRR is back, every host's csvx is as it was, nothing stale or missing.
	info "FRR restart on a (bgpd and zebra stop; zebra uninstalls everything)"
	settle a b c
	for h in a b c; do
		snapshot "$h" >"$WORK/$h.snap"
	done
	ping_loss_start a1 10.2.0.12 $((HOLD + 25))
	t0=$EPOCHREALTIME
	frr_stop a
	# the kernel of a is empty now; csvx on a must not follow it
	sleep 3
	check "FRR down on a: csvx on a keeps its remote state" same_as a "$WORK/a.snap"
	frr_start a
	same_all() {
		same_as a "$WORK/a.snap" && same_as b "$WORK/b.snap" && same_as c "$WORK/c.snap"
	}
	wait_until 120 frr_running a
	# the hold ends HOLD s after the restart; compare only after it
	sleep "$HOLD"
	if wait_until 120 same_all; then
		measure "FRR restart on a: csvx on a, b, c as before $(ms "$t0" "$EPOCHREALTIME") ms after the stop"
	fi
	ping_loss_end a1
	measure "FRR restart on a: $LOST of ~$(( (HOLD + 25) * 5 )) pings a1 -> b2 lost (b withdraws a's routes meanwhile)"
	check "after FRR restart: csvx on a as before (nothing stale, nothing missing)" \
		same_as a "$WORK/a.snap"
	same_bc() { same_as b "$WORK/b.snap" && same_as c "$WORK/c.snap"; }
	check "after FRR restart: csvx on b and c as before" same_bc
	a1_from_bc() { ping_ok b2 10.1.0.11 && ping_ok c4 10.1.0.11; }
	check "after FRR restart: a1 reachable from b2 and c4" a1_from_bc
}

# ======================================================= host leaving ==

phase_leave() {
	info "c leaves: FRR and the agent stop there"
	t0=$EPOCHREALTIME
	frr_stop c
	gone_c() { no_refs a 10.99.0.3 && no_refs b 10.99.0.3; }
	if wait_until 90 gone_c; then
		measure "host c leaving -> its entries gone from a and b: $(ms "$t0" "$EPOCHREALTIME") ms"
	fi
	check "c's MACs, flood entries and routes withdrawn from a and b" gone_c
	check "a and b still talk: a1 -> b2" ping_ok a1 10.2.0.12
	agent_stop c
	vrc=$?
	if [ "$VALGRIND" = 1 ]; then
		check "agent under valgrind: no errors, no leaks (exit $vrc)" \
			grep -q 'ERROR SUMMARY: 0 errors' "$WORK/hv-c.valgrind.log"
		grep -E 'definitely lost|ERROR SUMMARY' "$WORK/hv-c.valgrind.log" | sed 's/^/    /'
	else
		check "agent on c stopped cleanly" test "$vrc" -eq 0
	fi
}

# ======================================== VNI removal, module reload ==

phase_reload() {
	info "VNI 300 removed on a: shadow devices go, b's flood list follows"
	ctl a vni del 300
	check "shadow devices of a removed VNI are deleted" wait_until 20 shadow_gone a 300
	check "b no longer floods VNI 300 to a" wait_until 30 flood_is b 300 ""

	if [ -n "${CSVX_KO:-}" ] && [ -e "${CSVX_KO}" ]; then
		reload=(insmod "$CSVX_KO")
	else
		reload=(modprobe csvx)
	fi
	info "csvx module reload: the agents survive it"
	agent_stop c 2>/dev/null
	if rmmod csvx 2>"$WORK/rmmod.err"; then
		check "module gone: shadow devices of a's VNIs removed" wait_until 20 shadow_gone a 100
		agents_ab() { agent_alive a && agent_alive b; }
		check "agents still running without the module" agents_ab
		"${reload[@]}"
		check "module back" test -e /sys/module/csvx
		# the agent re-plugs the VM's NIC: modifyvxlan.sh add again
		# (the bridge is there, the VTEP device is made anew)
		for h in a b; do
			cs_add "$h" 300
		done
		ctl a fdb add vni 300 mac 02:00:00:00:03:0a ip 10.3.0.11
		ctl b fdb add vni 300 mac 02:00:00:00:03:0b ip 10.3.0.12
		check "after reload: agents rebuilt the shadow of new VNIs" wait_until 30 shadow_ok b 300
		check "after reload: a's VM in b's csvx again" \
			wait_until 60 fdb_at b 300 02:00:00:00:03:0a 10.99.0.1 10.3.0.11
		check "after reload: a3 -> b3" ping_ok a3 10.3.0.12
	else
		info "module not unloadable here ($(head -c 200 "$WORK/rmmod.err")): reload test skipped"
	fi
	for h in a b; do
		agent_stop "$h"
		log_test $? "agent on $h exits cleanly"
	done
}

# =============================================================== run ==

PHASES=${EVPN_PHASES:-dataplane port move scale agent frr leave reload}
for p in $PHASES; do
	"phase_$p"
	milestone "$p"
done

for h in "${HVS[@]}"; do
	# one that died meanwhile (a crash) fails here too
	[ -n "${AGENT_PID[$h]:-}" ] || continue
	agent_stop "$h"
	log_test $? "agent on $h exits cleanly"
done
# an agent built with -fsanitize=address,undefined reports on stderr
sanitized() {
	! grep -E -A 20 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$WORK"/hv-*.agent.log
}
check "agents' logs have no sanitizer report" sanitized

printf '\n'
for m in "${MEASURES[@]}"; do
	printf '[+] MEASURE: %s\n' "$m"
done
exit "$RET"
