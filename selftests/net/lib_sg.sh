#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the security-group scenarios (sg.sh, cloudstack_sg.sh), on top
# of lib.sh: servers in the VMs, connection checks that succeed or are
# denied within a short timeout (the test guests are slow), and port
# counters read from `csvxctl -j port show` without python.
#
#   sg_init                 temporary directory $TMP, cleanup on exit
#   sg_vm NAME HV ...       lib.sh's vm, remembering its tap in TAP[NAME]
#   sg_servers VM...        tcp 5432 and 8080 answer "pong", tcp 5433 and
#                           udp 5353 echo what they get
#   tcp|udp FROM ADDR PORT  tcp_ok / tcp_no, udp_ok / udp_no, ping_no,
#                           ping6_no: admitted / denied
#   pstat HV VM KEY         a counter of VM's port; grew HV VM KEY BEFORE

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -A TAP
PIDS=()

sg_finish() {
	local p
	exec 3>&- 2>/dev/null
	# each one leads a process group of its own: its children go with it
	for p in "${PIDS[@]}"; do kill -- "-$p" 2>/dev/null; done
	cleanup
	rm -rf "$TMP"
}

sg_init() {
	TMP=$(mktemp -d /tmp/csvx-sg.XXXXXX)
	trap sg_finish EXIT
}

sg_vm() {
	vm "$@" || return 1
	TAP[$1]=vnet${HV_IDX[$2]}$VM_COUNT
}

# spawn NS CMD...: CMD in namespace NS in the background, in a process group
# of its own (killed with its children on exit); $! is its PID.  It reads
# spawn's standard input (bash gives a background command /dev/null unless
# it redirects its input itself).
spawn() {
	local name=$1
	shift
	setsid ip netns exec "$(ns "$name")" "$@" <&0 &
	PIDS+=($!)
}

# Idle children (a UDP peer, an echo connection) go after a while.
sg_servers() {
	local v
	for v in "$@"; do
		spawn "vm-$v" socat TCP6-LISTEN:5432,fork,reuseaddr,ipv6only=0 EXEC:'echo pong' 2>/dev/null
		spawn "vm-$v" socat TCP6-LISTEN:8080,fork,reuseaddr,ipv6only=0 EXEC:'echo pong' 2>/dev/null
		spawn "vm-$v" socat -T30 TCP6-LISTEN:5433,fork,reuseaddr,ipv6only=0 PIPE 2>/dev/null
		spawn "vm-$v" socat -T5 UDP6-LISTEN:5353,fork,reuseaddr,ipv6only=0 PIPE 2>/dev/null
	done
	sleep 1
}

hostport() { case "$1" in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac; }

# tcp FROM ADDR PORT [TIMEOUT]: a connection gets "pong"
tcp() {
	local out
	out=$(n "vm-$1" socat -T4 -u "TCP:$(hostport "$2" "$3"),connect-timeout=${4:-3}" - 2>/dev/null)
	[ "$out" = pong ]
}

# udp FROM ADDR PORT [TIMEOUT]: a datagram comes back
udp() {
	local out
	out=$(echo ping | n "vm-$1" socat -t"${4:-3}" -T4 - "UDP:$(hostport "$2" "$3")" 2>/dev/null)
	[ "$out" = ping ]
}

# What is admitted may meet a slow first packet (ARP, a TCG guest): once more.
tcp_ok() { tcp "$@" || tcp "$@"; }
udp_ok() { udp "$@" || udp "$@"; }
# What is denied is given 2 s.
tcp_no() { ! tcp "$1" "$2" "$3" 2; }
udp_no() { ! udp "$1" "$2" "$3" 2; }
ping_no() { ! n "vm-$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1; }
ping6_no() { ! n "vm-$1" ping -6 -c 1 -W 2 "$2" >/dev/null 2>&1; }

# pstat HV VM KEY: a counter of VM's port, from csvxctl -j port show
pstat() {
	local j
	j=$(ctl "$1" -j port show dev "${TAP[$2]}")
	case "$j" in *"\"$3\":"*) ;; *) echo 0; return ;; esac
	j=${j#*\""$3"\":}
	echo "${j%%[!0-9]*}"
}

# grew HV VM KEY BEFORE: the counter is above BEFORE
grew() { [ "$(pstat "$1" "$2" "$3")" -gt "$4" ]; }

# wait_for SECONDS CMD...: CMD succeeds within SECONDS
wait_for() {
	local i
	for ((i = 0; i < $1 * 5; i++)); do
		"${@:2}" && return 0
		sleep 0.2
	done
	return 1
}
