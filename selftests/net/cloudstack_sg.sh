#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/cloudstack/security_group.py invoked exactly as CloudStack's KVM
# agent does (the script run directly, a command, then --options; rule
# strings in the agent's grammar), on two hypervisors:
#
#   hv a: vm1 i-2-11-VM 10.1.0.11 fd01::11 (+ secondary 10.1.0.21) vnet11
#         vm2 i-2-12-VM 10.1.0.12 fd01::12                          vnet12
#   hv b: vm3 i-3-13-VM 10.1.0.13 fd01::13                          vnet23
#
# default rules (nothing enters, everything leaves, anti-spoofing with the
# secondary IPs), add_network_rules with icmp/tcp/udp/all rules, IPv4 and
# IPv6 CIDRs and a group expanded into /32s (a csvx set), skipped for the
# same sig and seq and for a stale seq, replaced atomically (old group and
# sets gone), egress rules of one family leaving the other open, secondary
# IPs, the rule logs, destroy and cleanup.  Each run of the script costs a
# python start (seconds in the test guest), so the checks share runs.

. "$(dirname "$0")/lib_sg.sh"
require ping socat setsid python3
sg_init

SG=$REPO/tools/cloudstack/security_group.py
export CSVXCTL

M1=02:00:00:00:02:11 M2=02:00:00:00:02:12 M3=02:00:00:00:02:13

fabric
hv a 1
hv b 2
vni a 100
vni b 100
sg_vm vm1 a 100 $M1 10.1.0.11/24 fd01::11/64
sg_vm vm2 a 100 $M2 10.1.0.12/24 fd01::12/64
sg_vm vm3 b 100 $M3 10.1.0.13/24 fd01::13/64
n vm-vm1 ip addr add 10.1.0.21/24 dev eth0
evpn_flood 100
evpn_vm vm1
evpn_vm vm2
evpn_vm vm3
sg_servers vm1 vm2 vm3

# sgpy HV ARGS...: the script on hypervisor HV, as the agent runs it, with
# its logs and lock in a directory of the hypervisor's own
sgpy() {
	local hv=$1
	shift
	mkdir -p "$TMP/$hv"
	CSVX_SG_LOGPATH=$TMP/$hv/run-cloud/ CSVX_SG_LOCK=$TMP/$hv/sg.lock \
		CSVX_SG_LOGFILE=${SGLOG:-$TMP/$hv/security_group.log} n "hv-$hv" "$SG" "$@"
}

# default HV VM ID [SECIPS]: default_network_rules of VM (name i-X-ID-VM)
name() { echo "i-${2}-${3}-VM"; }
default() {
	local hv=$1 vm=$2 id=$3
	sgpy "$hv" default_network_rules --vmname "$(name "$hv" "${4:-2}" "$id")" \
		--vmid "$id" --vmip "${VM_IP[$vm]}" --vmip6 "${VM_IP6[$vm]}" \
		--vmmac "${VM_MAC[$vm]}" --vif "${TAP[$vm]}" --brname brvx-100 \
		--nicsecips "${5:-0;}"
}

# rules HV VM ID USER SIG SEQ RULES: add_network_rules
rules() {
	local hv=$1 vm=$2 id=$3
	sgpy "$hv" add_network_rules --vmname "$(name "$hv" "$4" "$id")" --vmid "$id" \
		--vmip "${VM_IP[$vm]}" --vmip6 "${VM_IP6[$vm]}" --sig "$5" --seq "$6" \
		--vmmac "${VM_MAC[$vm]}" --rules "$7" --vif "${TAP[$vm]}" --brname brvx-100 \
		--nicsecips "0;"
}

# group HV VM: the csvx group VM's port is in
group() {
	local j
	j=$(ctl "$1" -j port show dev "${TAP[$2]}")
	j=${j#*\"sg\":\[\"}
	echo "${j%%\"*}"
}

# ------------------------------------------------------------ defaults --
check "can_bridge_firewall: csvx is there" sgpy a can_bridge_firewall --privnic cloudbr0
check "default_network_rules: vm1, with a secondary IP" default a vm1 11 2 "10.1.0.21;"
check "default_network_rules: vm2" default a vm2 12
check "default_network_rules: vm3 on hv b" default b vm3 13 3
check "default: vm1's tap is a port in group cs/i-2-11-VM/a" \
	test "$(group a vm1)" = cs/i-2-11-VM/a
check "default: the port carries vm1's MAC and IPs" \
	sh -c "$CSVXCTL -n $(ns hv-a) port show dev ${TAP[vm1]} | grep -q ' $M1  10.1.0.11,fd01::11,10.1.0.21 '"
check "default: the rule log is CloudStack's" \
	test "$(cat "$TMP/a/run-cloud/i-2-11-VM.log")" = "i-2-11-VM,11,10.1.0.11,-1,_initial_,-1"
check "default: nothing enters vm1 (vm2 cannot ping it)" ping_no vm2 10.1.0.11
check "default: nothing enters vm2 (vm1 -> tcp 5432)" tcp_no vm1 10.1.0.12 5432

# --------------------------------------------------------------- rules --
# vm2 (a database): echo from the subnet, icmp (v4 and v6) from anywhere,
# tcp 5432 from vm1 and vm3, udp 5353 from a group of eleven /32s (vm3 among
# them: a csvx set).
members=$(for i in 13 31 32 33 34 35 36 37 38 39 40; do printf '10.1.0.%s/32,' "$i"; done)
R1="I:icmp;8;-1;10.1.0.0/24,NEXT;I:icmp;-1;-1;::/0,NEXT;I:tcp;5432;5432;10.1.0.11/32,10.1.0.13/32,NEXT;I:udp;5353;5353;$members,NEXT;"
check "add_network_rules: vm2's rules (sig s1, seq 1)" rules a vm2 12 2 s1 1 "$R1"
g1=$(group a vm2)
check "rules: vm1 pings vm2 (icmp echo from 10.1.0.0/24)" ping_ok vm1 10.1.0.12
check "rules: vm1 pings vm2 over IPv6 (icmp from ::/0 is icmpv6)" ping6_ok vm1 fd01::12
check "rules: vm1 -> vm2 tcp 5432 admitted" tcp_ok vm1 10.1.0.12 5432
check "rules: vm1 -> vm2 udp 5353 denied (not in the group)" udp_no vm1 10.1.0.12 5353
check "rules: vm3 (hv b) -> vm2 udp 5353 admitted (in the group)" udp_ok vm3 10.1.0.12 5353
check "rules: vm2 -> vm1 ping denied (vm1 has no rules)" ping_no vm2 10.1.0.11
check "rules: the eleven /32s are one hash:net set" \
	sh -c "$CSVXCTL -n $(ns hv-a) set show | grep -q '^$g1/r1v4 *hash:net *inet *65536 *11 *1$'"
c=$(pstat a vm1 drop-sg-spoof-ip)
check "anti-spoofing: vm1 may use its secondary IP 10.1.0.21" \
	n vm-vm1 ping -c 1 -W 3 -I 10.1.0.21 10.1.0.12
n vm-vm1 ip addr add 10.1.0.99/24 dev eth0
check "anti-spoofing: ... but not 10.1.0.99" \
	sh -c "! ip netns exec $(ns vm-vm1) ping -c 1 -W 2 -I 10.1.0.99 10.1.0.12 >/dev/null"
check "anti-spoofing: ... dropped and counted" grew a vm1 drop-sg-spoof-ip "$c"
n vm-vm1 ip addr del 10.1.0.99/24 dev eth0

check "add_network_rules: the same sig and seq again" rules a vm2 12 2 s1 1 "$R1"
check "... is skipped (same group)" test "$(group a vm2)" = "$g1"
check "add_network_rules: a stale seq (0)" rules a vm2 12 2 s0 0 "I:all;0;0;0.0.0.0/0,NEXT;"
check "... is ignored (same group, the log keeps seq 1)" \
	sh -c "[ $(group a vm2) = $g1 ] && grep -q ',s1,1$' $TMP/a/run-cloud/i-2-12-VM.log"

# A new rule set: tcp 5432 from vm3 only, and egress restricted to tcp
# 5432 to vm3 (IPv4 egress only: IPv6 egress stays open).  vm3 admits
# anything from the subnet, v4 and v6.
check "add_network_rules: vm3 admits everything from the subnet" \
	rules b vm3 13 3 t1 1 "I:all;0;0;10.1.0.0/24,fd01::/64,NEXT;"
R2="I:icmp;8;-1;10.1.0.0/24,NEXT;I:tcp;5432;5432;10.1.0.13/32,NEXT;E:tcp;5432;5432;10.1.0.13/32,NEXT;"
check "add_network_rules: vm2's new rules (sig s2, seq 2)" rules a vm2 12 2 s2 2 "$R2"
g2=$(group a vm2)
check "replace: vm2 moved to the other group" test "$g2" != "$g1"
check "replace: the old group and its set are gone" \
	sh -c "! $CSVXCTL -n $(ns hv-a) sg show $g1 2>/dev/null && ! $CSVXCTL -n $(ns hv-a) set show | grep -q '^cs/'"
check "replace: vm1 -> vm2 tcp 5432 denied now" tcp_no vm1 10.1.0.12 5432
check "replace: vm3 -> vm2 tcp 5432 still admitted" tcp_ok vm3 10.1.0.12 5432
check "egress: vm2 -> vm3 tcp 5432 (its egress rule)" tcp_ok vm2 10.1.0.13 5432
check "egress: vm2 -> vm3 tcp 8080 denied" tcp_no vm2 10.1.0.13 8080
check "egress: vm2 -> vm3 over IPv6 open (no IPv6 egress rule)" tcp_ok vm2 fd01::13 8080
check "egress: the log has sig s2, seq 2" \
	test "$(cat "$TMP/a/run-cloud/i-2-12-VM.log")" = "i-2-12-VM,12,10.1.0.12,-1,s2,2"

# ----------------------------------------------------- secondary IPs, logs --
check "network_rules_vmSecondaryIp: vm1 gets 10.1.0.22" \
	sgpy a network_rules_vmSecondaryIp --vmname i-2-11-VM --nicsecips "10.1.0.22;" --action -A
check "... the port has it" \
	sh -c "$CSVXCTL -n $(ns hv-a) port show dev ${TAP[vm1]} | grep -q '10.1.0.21,10.1.0.22 '"
check "get_rule_logs_for_vms: CloudStack's format (an unknown option ignored)" \
	test "$(sgpy a get_rule_logs_for_vms --isFirstNic true)" = \
	"i-2-11-VM,11,10.1.0.11,-1,_initial_,-1;i-2-12-VM,12,10.1.0.12,-1,s2,2"
SGLOG=/nonexistent/log check_fail "an unknown command exits 1" \
	sgpy a no_such_command --vmname i-2-11-VM

# ------------------------------------------------------ destroy, cleanup --
check "destroy_network_rules_for_vm: vm1" \
	sgpy a destroy_network_rules_for_vm --vmname i-2-11-VM --vif "${TAP[vm1]}"
check "destroy: vm1's port, group and log are gone" \
	sh -c "! $CSVXCTL -n $(ns hv-a) port show dev ${TAP[vm1]} 2>/dev/null && ! $CSVXCTL -n $(ns hv-a) sg show | grep -q i-2-11-VM && [ ! -e $TMP/a/run-cloud/i-2-11-VM.log ]"
check "destroy: vm1 is not filtered any more (vm3 pings it)" ping_ok vm3 10.1.0.11
# vm3 goes away without CloudStack: its tap vanishes, csvx drops the port.
n hv-b ip link del "${TAP[vm3]}"
check "cleanup_rules: vm3 vanished; its state goes" sgpy b cleanup_rules
check "cleanup: no group and no log of vm3 left" \
	sh -c "! $CSVXCTL -n $(ns hv-b) sg show | grep -q cs/ && [ ! -e $TMP/b/run-cloud/i-3-13-VM.log ]"
check "the script logged no error" \
	sh -c "! grep -h 'ERROR\|Traceback' $TMP/a/security_group.log $TMP/b/security_group.log"

exit $RET
