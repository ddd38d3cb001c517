#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Security groups driven by csvxctl only: the allow/deny matrix for tcp,
# udp, icmp and icmpv6 in both directions, between VMs of one host and
# across two hypervisors; remote set and remote group membership changes
# taking effect at once; set swap; spoofed MAC, IP and ARP dropped and
# counted; what an established connection does when the rule that admitted
# it goes (uapi: re-classified on its next packet, dropped) and when only a
# set member goes (kept); counters in sg show, port show and stats; the
# CLI's refusals, save -> restore -> save, and monitor.
#
#   hv a (10.99.0.1), VNI 100:
#     vm1 02:00:00:00:01:01 10.1.0.11 fd01::11  port vnet11, group web
#     vm2 02:00:00:00:01:02 10.1.0.12 fd01::12  port vnet12, group db
#   hv b (10.99.0.2), VNI 100:
#     vm3 02:00:00:00:01:03 10.1.0.13 fd01::13  port vnet23, group app
#
#   web: no rule (nothing enters, everything leaves)
#   db:  ingress tcp 5432 from group web, tcp 5432 from 10.1.0.13/32,
#        icmp echo from 10.1.0.0/24, icmpv6 echo from fd01::/64,
#        udp 5353 from set dbclients, tcp 5433 from set est
#   app: ingress icmp from 10.1.0.12/32; egress tcp 5432 to 10.1.0.0/24,
#        udp 5353 to 10.1.0.12/32, icmp to anywhere
#
# Every VM runs socat servers: tcp 5432 and 8080 answer "pong", udp 5353
# and tcp 5433 echo.  Runs in a TCG guest: no python, short timeouts.

. "$(dirname "$0")/lib_sg.sh"
require ping arping socat setsid mkfifo
sg_init

M1=02:00:00:00:01:01 M2=02:00:00:00:01:02 M3=02:00:00:00:01:03

fabric
hv a 1
hv b 2
vni a 100
vni b 100
sg_vm vm1 a 100 $M1 10.1.0.11/24 fd01::11/64
sg_vm vm2 a 100 $M2 10.1.0.12/24 fd01::12/64
sg_vm vm3 b 100 $M3 10.1.0.13/24 fd01::13/64
evpn_flood 100
evpn_vm vm1
evpn_vm vm2
evpn_vm vm3
sg_servers vm1 vm2 vm3

# ------------------------------------------------------------ baseline --
check "baseline: vm1 -> vm2 tcp, no port filtered" tcp_ok vm1 10.1.0.12 8080
check "baseline: vm1 -> vm3 ping across hypervisors" ping_ok vm1 10.1.0.13

# ------------------------------------------------------- configuration --
cat >"$TMP/a.batch" <<EOF
# hv a: the sets and groups of the header
set add dbclients type hash:ip
set member add dbclients 10.1.0.13
set add est type hash:ip
set member add est 10.1.0.11
sg add web
sg add db
sg rule add db ingress proto tcp dport 5432 group web
sg rule add db ingress proto tcp dport 5432 cidr 10.1.0.13/32
sg rule add db ingress proto icmp type 8 cidr 10.1.0.0/24
sg rule add db ingress proto icmpv6 type 128 cidr fd01::/64
sg rule add db ingress proto udp dport 5353 set dbclients
sg rule add db ingress proto tcp dport 5433 set est
port add dev ${TAP[vm1]} vni 100 mac $M1 ip 10.1.0.11 ip fd01::11 sg web
port add dev ${TAP[vm2]} vni 100 mac $M2 ip 10.1.0.12 ip fd01::12 sg db
EOF
check "csvxctl -b: hv a's sets, groups, rules and ports" ctl a -b "$TMP/a.batch"
check "csvxctl: hv b's group and port" ctl b -b - <<EOF
sg add app
sg rule add app ingress proto icmp cidr 10.1.0.12/32
sg rule add app egress proto tcp dport 5432 cidr 10.1.0.0/24
sg rule add app egress proto udp dport 5353 cidr 10.1.0.12/32
sg rule add app egress proto icmp cidr 0.0.0.0/0
port add dev ${TAP[vm3]} vni 100 mac $M3 ip 10.1.0.13 ip fd01::13 sg app
EOF

# -------------------------------------------------- one host: a matrix --
check "tcp: vm1 (web) -> vm2 (db) 5432, admitted by group web" tcp_ok vm1 10.1.0.12 5432
check "tcp: ... and the replies enter vm1, whose group admits nothing" tcp_ok vm1 10.1.0.12 5432
check "tcp: vm1 -> vm2 8080 denied (no rule)" tcp_no vm1 10.1.0.12 8080
check "tcp: vm2 -> vm1 5432 denied (web admits nothing)" tcp_no vm2 10.1.0.11 5432
check "tcp over IPv6: vm1 -> vm2 5432 (web holds vm1's IPv6 address too)" \
	tcp_ok vm1 fd01::12 5432
check "icmp: vm1 pings vm2 (echo from 10.1.0.0/24)" ping_ok vm1 10.1.0.12
check "icmp: vm2 cannot ping vm1" ping_no vm2 10.1.0.11
check "icmpv6: vm1 pings vm2 (echo from fd01::/64)" ping6_ok vm1 fd01::12
check "icmpv6: vm2 cannot ping vm1" ping6_no vm2 fd01::11
check "udp: vm1 -> vm2 5353 denied (vm1 not in set dbclients)" udp_no vm1 10.1.0.12 5353
check "udp: vm2 -> vm1 5353 denied" udp_no vm2 10.1.0.11 5353

# ---------------------------------------------- across two hypervisors --
check "udp: vm3 (hv b) -> vm2 5353, in set dbclients" udp_ok vm3 10.1.0.12 5353
check "tcp: vm3 (hv b) -> vm2 5432, admitted by 10.1.0.13/32" tcp_ok vm3 10.1.0.12 5432
check "icmp: vm2 -> vm3 (hv b), admitted by app's rule" ping_ok vm2 10.1.0.13
drop3=$(pstat b vm3 drop-sg-no-rule)
check "icmp: vm1 -> vm3 denied (app admits echo from vm2 only)" ping_no vm1 10.1.0.13
check "icmp: ... dropped and counted at vm3's port on hv b" grew b vm3 drop-sg-no-rule "$drop3"
check "tcp: vm2 -> vm3 5432 denied (app admits no tcp)" tcp_no vm2 10.1.0.13 5432
drop3=$(pstat b vm3 drop-sg-no-rule)
check "egress: vm3 -> vm1 8080 denied (app's egress rules)" tcp_no vm3 10.1.0.11 8080
check "egress: ... dropped as it left vm3 (hv b counted it)" grew b vm3 drop-sg-no-rule "$drop3"
check "egress: vm3 -> vm2 udp 5353 passes app's egress rule" udp_ok vm3 10.1.0.12 5353

# --------------------------------------- remote sets: at once, and swap --
ctl a set member add dbclients 10.1.0.11
check "set: vm1 -> vm2 udp admitted as soon as vm1 joins dbclients" udp_ok vm1 10.1.0.12 5353
ctl a set member del dbclients 10.1.0.11
check "set: ... and denied as soon as it leaves" udp_no vm1 10.1.0.12 5353
ctl a -b - <<EOF
set add dbnew type hash:ip
set member add dbnew 10.1.0.11
set swap dbclients dbnew
EOF
check "swap: vm1 (in the swapped-in set) -> vm2 udp admitted" udp_ok vm1 10.1.0.12 5353
check "swap: vm3 (swapped out) -> vm2 udp denied" udp_no vm3 10.1.0.12 5353
check "swap: set member show dbclients lists vm1 only" \
	test "$(ctl a set member show dbclients)" = "$(printf 'SET        MEMBER\ndbclients  10.1.0.11')"
check "swap: set member show dbnew 10.1.0.13 finds vm3's address" \
	sh -c "$CSVXCTL -n $(ns hv-a) set member show dbnew 10.1.0.13 | grep -q '^dbnew  *10.1.0.13$'"

# -------------------------------------------- established connections --
# One connection vm1 -> vm2 5433 (admitted by set est), an echo over it.
mkfifo "$TMP/est.in"
exec 3<>"$TMP/est.in"	# a writer first: opening to read does not block then
spawn vm-vm1 socat -T60 - TCP:10.1.0.12:5433,connect-timeout=5 \
	<"$TMP/est.in" >"$TMP/est.out" 2>/dev/null
echoed() { grep -qx "$1" "$TMP/est.out"; }
echo one >&3
check "established: an echo over vm1's connection to vm2 5433" wait_for 8 echoed one
ctl a set member del est 10.1.0.11
echo two >&3
check "established: kept when vm1 leaves the set that admitted it" wait_for 8 echoed two
drop2=$(pstat a vm2 drop-sg-no-rule)
ctl a sg rule del db ingress proto tcp dport 5433 set est
echo three >&3
sleep 3
check_fail "established: dropped once the rule that admitted it is gone" echoed three
check "established: ... its next packet counted as no-rule at vm2" \
	grew a vm2 drop-sg-no-rule "$drop2"
exec 3>&-

# --------------------------------------------- remote group membership --
ctl a port set dev "${TAP[vm1]}" sg none
check "group: vm1 -> vm2 5432 denied as soon as vm1 leaves web" tcp_no vm1 10.1.0.12 5432
ctl a port set dev "${TAP[vm1]}" sg web
check "group: ... and admitted as soon as it is back" tcp_ok vm1 10.1.0.12 5432

# ------------------------------------------------------- anti-spoofing --
n vm-vm1 ip addr add 10.1.0.99/24 dev eth0
c=$(pstat a vm1 drop-sg-spoof-ip)
check "spoof: vm1 pinging from 10.1.0.99 fails" \
	sh -c "! ip netns exec $(ns vm-vm1) ping -c 1 -W 2 -I 10.1.0.99 10.1.0.12 >/dev/null 2>&1"
check "spoof: ... counted as spoof-ip on vm1's port" grew a vm1 drop-sg-spoof-ip "$c"
c=$(pstat a vm1 drop-sg-spoof-arp)
n vm-vm1 arping -c 1 -w 1 -s 10.1.0.99 -I eth0 10.1.0.12 >/dev/null 2>&1
check "spoof: an ARP request from 10.1.0.99 counted as spoof-arp" \
	grew a vm1 drop-sg-spoof-arp "$c"
n vm-vm1 ip addr del 10.1.0.99/24 dev eth0
c=$(pstat a vm1 drop-sg-spoof-mac)
n vm-vm1 ip link set eth0 address 02:00:00:00:99:99
check "spoof: vm1 with another MAC cannot ping vm2" ping_no vm1 10.1.0.12
check "spoof: ... counted as spoof-mac on vm1's port" grew a vm1 drop-sg-spoof-mac "$c"
n vm-vm1 ip link set eth0 address $M1
check "spoof: its own MAC back, vm1 pings vm2" ping_ok vm1 10.1.0.12

# ------------------------------------------------------------ counters --
check "counters: sg rule show counts the connections of 'group web'" \
	sh -c "$CSVXCTL -n $(ns hv-a) sg rule show db | awk '/group web/ && \$NF > 0 { ok = 1 } END { exit !ok }'"
check "counters: sg show -j nests rules with their conns" \
	sh -c "$CSVXCTL -n $(ns hv-a) -j sg show db | grep '^\[{\"name\":\"db\",\"ports\":1,\"refs\":0,\"rules\":\[{' | grep -q '\"dport\":\"5432\",\"group\":\"web\",\"conns\":[1-9]'"
check "counters: port show has vm2's admitted ingress frames" \
	sh -c "$CSVXCTL -n $(ns hv-a) port show | awk '\$1 == \"${TAP[vm2]}\" { found = (\$6 > 0) } END { exit !found }'"
check "counters: stats show port counts vm1's spoofed frames" \
	sh -c "$CSVXCTL -n $(ns hv-a) stats show port ${TAP[vm1]} | grep -q 'sg-spoof-mac:[1-9]'"

# ----------------------------------------------------------------- CLI --
t_rc() {
	local msg=$1 want=$2 rc
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	log_test $((rc != want)) "$msg"
	[ "$rc" = "$want" ] || sed 's/^/    /' "$TMP/err" | head -5
}
t_rc "cli: sg del of a group with ports: exit 1" 1 ctl a sg del db
check "cli: ... with the kernel's message" grep -q '^csvxctl: sg del: group has ports' "$TMP/err"
t_rc "cli: set del of a set a rule uses: exit 1" 1 ctl a set del dbclients
t_rc "cli: icmp with an IPv6 remote is refused: exit 1" 1 \
	ctl a sg rule add db ingress proto icmp cidr ::/0
t_rc "cli: a bad direction is a usage error: exit 2" 2 \
	ctl a sg rule add db sideways proto tcp cidr 0.0.0.0/0
t_rc "cli: two remotes are a usage error: exit 2" 2 \
	ctl a sg rule add db ingress cidr 0.0.0.0/0 set est

# save -> restore into a fresh namespace -> save: the same lines
add_ns hv-r
n hv-r ip link add "${TAP[vm1]}" type dummy
n hv-r ip link add "${TAP[vm2]}" type dummy
ctl a save >"$TMP/save.a"
check "save/restore: hv a's save restores into a fresh namespace" ctl r -b "$TMP/save.a"
ctl r save | sort >"$TMP/save.r"
sort "$TMP/save.a" >"$TMP/save.a.sorted"
check "save/restore: the restored namespace saves the same" \
	diff "$TMP/save.a.sorted" "$TMP/save.r"
check "save/restore: the save has hv a's rules and ports" \
	sh -c "grep -q '^sg rule add db ingress proto tcp dport 5432 group web$' $TMP/save.a && grep -q '^port add dev ${TAP[vm1]} vni 100 mac $M1 ip 10.1.0.11 ip fd01::11 sg web$' $TMP/save.a"

# monitor prints set, group, rule and port changes as they happen
spawn hv-a "$CSVXCTL" monitor >"$TMP/mon" 2>&1
mon=$!
sleep 2
ctl a -b - <<EOF
set add mon type hash:net family inet6 maxelem 8
set member add mon 2001:db8::/32
sg add mon
sg rule add mon egress proto udp dport 53-54 set mon
sg rule del mon egress proto udp dport 53-54 set mon
sg del mon
set flush mon
set swap dbnew dbclients
set del mon
port set dev ${TAP[vm1]} ip 10.1.0.11
EOF
sleep 2
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
cat >"$TMP/mon.want" <<EOF
add set mon type hash:net family inet6 maxelem 8
add set member mon 2001:db8::/32
add sg mon
add sg rule mon egress proto udp dport 53-54 set mon
del sg rule mon egress proto udp dport 53-54 set mon
del sg mon
flush set mon
swap set dbnew dbclients
del set mon
set port dev ${TAP[vm1]} vni 100 mac $M1 ip 10.1.0.11 sg web
EOF
check "monitor: set, member, group, rule and port changes" diff "$TMP/mon.want" "$TMP/mon"

exit $RET
