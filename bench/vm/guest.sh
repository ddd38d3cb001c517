#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-guest datapath comparisons (BENCHMARKS.md, "In-guest datapath"),
# run inside one qemu guest by bench/vm/run.sh:
#
#   guest.sh [-n FDB] [-r RULES] [-s SETS] [-m MEMBERS] [-t SECS] [-R ROUNDS]
#            [-o NAMES] [-P] CSVX_KO
#
#   -n FDB      remote MACs installed per hypervisor (default 100000)
#   -r RULES    ingress rules of the receiving VM's group (default 1000)
#   -s SETS     address sets the rules name (default 4)
#   -m MEMBERS  members of each set (default 10000)
#   -t SECS     measured interval of one side in one round (default 5)
#   -R ROUNDS   rounds, csvx and kernel alternating within each (default 3)
#   -o NAMES    only these comparisons: fwd,sg (install always runs: it is
#               the setup of fwd)
#   -P          after the rounds, profile each side once (perf record -a,
#               cpu-clock) into $CSVX_OUT/perf-*.txt
#
# Two hypervisor pairs are built side by side in network namespaces, each
# hypervisor a namespace with a veth underlay to its peer (10.99.0.1/.2) and
# the VMs namespaces behind veth "taps" in the per-VNI bridge brvx-VNI:
#
#   c-a, c-b  csvx: csvx VTEP devices (csvxctl vni add), csvx FDB, csvx
#             security groups (csvxctl set/sg/port)
#   k-a, k-b  kernel: vxlan devices as CloudStack's modifyvxlan-evpn.sh
#             makes them (nolearning, dstport 4789), remote MACs as FRR's
#             zebra installs them (one RTM_NEWNEIGH per MAC with NTF_SELF |
#             NTF_MASTER | NTF_EXT_LEARNED: the vxlan FDB and the bridge),
#             security groups as CloudStack's security_group.py builds them
#             (br_netfilter, physdev, per-VM chains, ipsets, ebtables)
#
# VNI 100 carries vm-fwd-100k-fdb (VM fa on a -> fb on b), VNI 200
# vm-sg-1k-rules (VM sa on a -> sb on b, both in security groups); the
# 100k remote MACs are in VNI 100 (hypervisor b gets as many, of other
# MACs, pointing back at a).  The packets come from the kernel's pktgen in
# the sending VM at its full rate on CPU 1, the same configuration for
# both sides; RPS on the sending VM's tap hands every frame to CPU 0,
# which runs the whole datapath (both hypervisors, both VM ends) and drops
# what it cannot take at its backlog (the other veth hops have NAPI
# rings of their own, see napi()).  What counts is the receiving VM's
# eth0 rx_packets over the measured interval.  One line per comparison:
#
#   bench: NAME csvx=<x> <unit> <peer>=<y> <unit> ratio=<x/y>

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
CSVXCTL=${CSVXCTL:-$repo/tools/csvxctl/csvxctl}
out=${CSVX_OUT:-/tmp}

nfdb=100000 nrules=1000 nsets=4 nmembers=10000 secs=5 rounds=3 only=fwd,sg
profile=0
while getopts "n:r:s:m:t:R:o:Ph" opt; do
	case "$opt" in
	n) nfdb=$OPTARG ;;
	r) nrules=$OPTARG ;;
	s) nsets=$OPTARG ;;
	m) nmembers=$OPTARG ;;
	t) secs=$OPTARG ;;
	R) rounds=$OPTARG ;;
	o) only=$OPTARG ;;
	P) profile=1 ;;
	*) sed -n '4,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [options] CSVX_KO" >&2; exit 2; }
ko=$1

work=$(mktemp -d /tmp/csvx-bench-vm.XXXXXX)
NS_LIST=()

say() { printf '[bench-vm %s] %s\n' "$(date +%T)" "$*"; }
die() { echo "bench-vm: $*" >&2; exit 1; }
n() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
ctl() { local ns=$1; shift; "$CSVXCTL" -n "$ns" "$@"; }
want() { case ",$only," in *",$1,"*) return 0 ;; esac; return 1; }

cleanup() {
	local s
	for s in "${NS_LIST[@]}"; do
		n "$s" sh -c 'echo stop >/proc/net/pktgen/pgctrl' 2>/dev/null || true
	done
	for s in "${NS_LIST[@]}"; do ip netns delete "$s" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# x/y with 2 decimals (awk: bash has no floats)
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "inf" }'; }
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ------------------------------------------------------------ topology --
add_ns() {
	ip netns add "$1"
	NS_LIST+=("$1")
	n "$1" ip link set lo up
	n "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# hvpair SIDE: hypervisors SIDE-a (10.99.0.1) and SIDE-b (10.99.0.2), one
# veth between them as the underlay (MTU 1550, as CloudStack wants it)
hvpair() {
	local s=$1
	add_ns "$s-a"
	add_ns "$s-b"
	ip link add name uplink netns "$s-a" type veth peer name uplink netns "$s-b"
	n "$s-a" ip addr add 10.99.0.1/24 dev uplink
	n "$s-b" ip addr add 10.99.0.2/24 dev uplink
	n "$s-a" ip link set uplink mtu 1550 up
	n "$s-b" ip link set uplink mtu 1550 up
	napi "$s-a" uplink "$s-b" uplink
	napi "$s-b" uplink "$s-a" uplink
}

# napi NS DEV: DEV (a veth) receives through its own NAPI ring instead of
# the CPU's backlog.  Only the sending VM's frames go through CPU 0's
# backlog (RPS): when the offered load overflows it, they are dropped
# there, before any work is spent on them, and never a frame already
# halfway through the datapath (the underlay hop, the receiving VM's).
# NAPI on a veth comes with GRO, as on any NIC: the kernel's vxlan socket
# then also gets its GRO callback, csvx's has none.  A veth takes the NAPI
# path only for frames from a peer without TSO (or from a local socket).
napi() {
	if ! n "$1" ethtool -K "$2" gro on >/dev/null 2>&1 ||
	   ! n "$3" ethtool -K "$4" tso off >/dev/null 2>&1; then
		say "WARNING: no NAPI ring for $2 in $1 (ethtool failed)"
	fi
}

# vni SIDE HV ID LOCAL REMOTE: the VTEP device vxlanID in bridge brvx-ID,
# flooding to REMOTE
vni() {
	local s=$1 hv=$2 id=$3 local=$4 remote=$5 ns=$1-$2

	n "$ns" ip link add "brvx-$id" type bridge
	n "$ns" ip link set "brvx-$id" up
	if [ "$s" = c ]; then
		ctl "$ns" vni add "$id" dev "vxlan$id" local "$local"
		ctl "$ns" flood add vni "$id" remote "$remote"
	else
		# modifyvxlan-evpn.sh; the flood list as zebra programs it
		n "$ns" ip link add "vxlan$id" type vxlan id "$id" local "$local" \
			dstport 4789 nolearning
		n "$ns" bridge fdb append 00:00:00:00:00:00 dev "vxlan$id" \
			dst "$remote" self permanent
	fi
	n "$ns" ip link set "vxlan$id" master "brvx-$id" up
}

# vm SIDE HV NAME TAP VNI MAC IP: VM namespace SIDE-NAME behind TAP.  The
# receiving VMs drop everything at once (tc matchall on eth0's ingress),
# after eth0 has counted it: the same cheap end for both sides.
vm() {
	local s=$1 hv=$2 name=$3 tap=$4 id=$5 mac=$6 ip=$7

	add_ns "$s-$name"
	ip link add name "$tap" netns "$s-$hv" type veth peer name eth0 netns "$s-$name"
	n "$s-$hv" ip link set "$tap" master "brvx-$id" up
	# What the VM sends is processed on CPU 0 (RPS), pktgen sends from
	# CPU 1: the offered load does not depend on the datapath's cost.
	echo 1 | n "$s-$hv" tee "/sys/class/net/$tap/queues/rx-0/rps_cpus" >/dev/null
	n "$s-$name" ip link set eth0 address "$mac" up
	n "$s-$name" ip addr add "$ip/24" dev eth0
	# csvx knows its local VMs (CloudStack tells it): a local FDB entry
	[ "$s" = k ] || ctl "$s-$hv" fdb add vni "$id" mac "$mac" ip "$ip"
}

# sink VM HV TAP: the receiving VM's end
sink() {
	napi "$1" eth0 "$2" "$3"
	n "$1" tc qdisc add dev eth0 clsact
	n "$1" tc filter add dev eth0 ingress matchall action drop
}

# remote_mac SIDE HV VNI MAC IP VTEP: one EVPN type-2 route installed
remote_mac() {
	local s=$1 ns=$1-$2 id=$3 mac=$4 ip=$5 vtep=$6

	if [ "$s" = c ]; then
		ctl "$ns" fdb add vni "$id" mac "$mac" remote "$vtep" ip "$ip"
	else
		n "$ns" bridge fdb replace "$mac" dev "vxlan$id" dst "$vtep" \
			self master static extern_learn
	fi
}

build() {
	local s
	for s in c k; do
		hvpair "$s"
		vni "$s" a 100 10.99.0.1 10.99.0.2
		vni "$s" b 100 10.99.0.2 10.99.0.1
		vni "$s" a 200 10.99.0.1 10.99.0.2
		vni "$s" b 200 10.99.0.2 10.99.0.1
		vm "$s" a fa vnet1 100 02:00:00:00:0a:01 10.1.0.1
		vm "$s" b fb vnet2 100 02:00:00:00:0b:01 10.1.0.2
		vm "$s" a sa vnet3 200 02:00:00:00:0a:02 10.2.0.1
		vm "$s" b sb vnet4 200 02:00:00:00:0b:02 10.2.0.2
		sink "$s-fb" "$s-b" vnet2
		sink "$s-sb" "$s-b" vnet4
		remote_mac "$s" a 100 02:00:00:00:0b:01 10.1.0.2 10.99.0.2
		remote_mac "$s" b 100 02:00:00:00:0a:01 10.1.0.1 10.99.0.1
		remote_mac "$s" a 200 02:00:00:00:0b:02 10.2.0.2 10.99.0.2
		remote_mac "$s" b 200 02:00:00:00:0a:02 10.2.0.1 10.99.0.1
	done
}

# ------------------------------------------------------------- pktgen --
# pg NS FILE CMD...: pktgen commands, each checked
pg() {
	local ns=$1 f=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner shell
	n "$ns" bash -c '
		f=/proc/net/pktgen/$1
		shift
		for c in "$@"; do
			echo "$c" >"$f" || { echo "pktgen: $f: $c refused" >&2; exit 1; }
		done' pg "$f" "$@"
}

# pktgen_setup NS DST_MAC DST_IP SRC_IP EXTRA...: eth0 of NS on kpktgend_1
pktgen_setup() {
	local ns=$1 dmac=$2 dip=$3 sip=$4
	shift 4
	pg "$ns" kpktgend_1 rem_device_all "add_device eth0"
	pg "$ns" eth0 "count 0" "clone_skb 0" "pkt_size 64" "burst 1" "delay 0" \
		"dst_mac $dmac" "dst_min $dip" "dst_max $dip" "src_min $sip" "src_max $sip" \
		"udp_src_min 9" "udp_src_max 9" "udp_dst_min 9" "udp_dst_max 9" "$@"
}

rx() { n "$1" cat /sys/class/net/eth0/statistics/rx_packets; }
# shellcheck disable=SC2016 # awk's $2
sent() { n "$1" awk '/^ *pkts-sofar:/ { print $2 }' /proc/net/pktgen/eth0; }

# run_pktgen SENDER RECEIVER SECS: pps received over SECS after a second
# of warm-up; "sent" pps into $work/sent
run_pktgen() {
	local snd=$1 rcv=$2 t=$3 r0 r1 s0 s1 t0 t1 pid

	n "$snd" sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	pid=$!
	sleep 1
	s0=$(sent "$snd"); r0=$(rx "$rcv"); t0=$EPOCHREALTIME
	sleep "$t"
	r1=$(rx "$rcv"); t1=$EPOCHREALTIME; s1=$(sent "$snd")
	n "$snd" sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$pid" || true
	awk -v a="$s0" -v b="$s1" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%.0f\n", (b - a) / (t1 - t0) }' >"$work/sent"
	awk -v a="$r0" -v b="$r1" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%.0f\n", (b - a) / (t1 - t0) }'
}

# compare NAME SENDER RECEIVER PEER: ROUNDS rounds, csvx and kernel
# alternating (and which goes first alternating between rounds); the
# median of each side
compare() {
	local name=$1 snd=$2 rcv=$3 peer=$4 i s pps cs='' ks='' order c k
	for ((i = 0; i < rounds; i++)); do
		if ((i % 2)); then order="k c"; else order="c k"; fi
		for s in $order; do
			pps=$(run_pktgen "$s-$snd" "$s-$rcv" "$secs")
			say "$name round $((i + 1)) $s: received $pps pps, sent $(cat "$work/sent") pps"
			[ "$pps" -gt 0 ] || { diag "$name" "$s"; die "$name: $s-$rcv received nothing"; }
			if [ "$s" = c ]; then cs+=" $pps"; else ks+=" $pps"; fi
		done
	done
	diag "$name" c
	diag "$name" k
	c=$(echo "$cs" | median)
	k=$(echo "$ks" | median)
	say "$name csvx:$cs kernel:$ks (pps)"
	echo "bench: $name csvx=$c pps $peer=$k pps ratio=$(ratio "$c" "$k")"
	if [ "$profile" = 1 ]; then
		for s in c k; do prof "$name" "$s" "$snd"; done
	fi
}

# prof NAME SIDE SENDER: where the guest's CPU 0 goes while SIDE runs
prof() {
	local name=$1 s=$2 snd=$3 pid f=$out/perf-$1-$2
	n "$s-$snd" sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	pid=$!
	sleep 1
	perf record -q -e cpu-clock -C 0 -g -o "$f.data" -- sleep 4 >/dev/null 2>&1 || true
	n "$s-$snd" sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$pid" || true
	perf report -i "$f.data" --no-children --sort sym --stdio 2>/dev/null |
		grep -v '^$' | head -150 >"$f.txt" || true
	perf report -i "$f.data" --no-children --sort sym --stdio -g none 2>/dev/null |
		grep '%' | head -40 >"$f-flat.txt" || true
	rm -f "$f.data"
	say "profile of $name/$s in $f.txt"
}

# diag NAME SIDE: counters of every namespace of SIDE, the softirq drops
diag() {
	local s=$2 ns
	{
		echo "--- softnet_stat (processed dropped squeezed ...)"
		cat /proc/net/softnet_stat
		for ns in "${NS_LIST[@]}"; do
			case "$ns" in "$s"-*) ;; *) continue ;; esac
			echo "--- $ns"
			n "$ns" ip -s link 2>&1
			case "$ns" in
			c-a | c-b) ctl "$ns" stats show 2>&1; ctl "$ns" port show 2>&1 ;;
			k-a | k-b) n "$ns" iptables -L -v -n -x 2>&1 | grep -v '^ *0 *0 ' ;;
			esac
			case "$ns" in ?-a | ?-b) n "$ns" nstat -az 2>&1 | grep -v ' 0 *0.0$' ;; esac
			# frames that came through the veth's NAPI ring, not the backlog
			case "$ns" in
			?-a | ?-b) n "$ns" ethtool -S uplink 2>&1 | grep xdp_packets ;;
			?-fb | ?-sb) n "$ns" ethtool -S eth0 2>&1 | grep xdp_packets ;;
			esac
		done
	} >"$out/diag-$1-$s.txt" 2>&1 || true
}

# ------------------------------------------------- install (100k FDB) --
# gen_fdb SIDE PREFIX VTEP: NFDB remote MACs PREFIX:xx:xx:xx of VNI 100 as
# a batch file of csvxctl or bridge
gen_fdb() {
	awk -v n="$nfdb" -v s="$1" -v p="$2" -v vtep="$3" 'BEGIN {
		for (i = 0; i < n; i++) {
			mac = sprintf("%s:%02x:%02x:%02x", p, int(i / 65536) % 256, int(i / 256) % 256, i % 256)
			if (s == "c")
				printf "fdb add vni 100 mac %s remote %s\n", mac, vtep
			else
				printf "fdb replace %s dev vxlan100 dst %s self master static extern_learn\n", mac, vtep
		}
	}'
}

# install SIDE HV FILE [-f]: wall seconds it takes (user and system CPU
# seconds of the tool in $work/cpu)
install() {
	local s=$1 ns=$1-$2 f=$3 force=${4:-} t0 t1
	t0=$EPOCHREALTIME
	if [ "$s" = c ]; then
		n "$ns" /usr/bin/time -o "$work/cpu" -f '%U %S' "$CSVXCTL" ${force:+"$force"} -b "$f" >/dev/null
	else
		n "$ns" /usr/bin/time -o "$work/cpu" -f '%U %S' bridge ${force:+"$force"} -batch "$f" >/dev/null
	fi
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# Hypervisor a gets its MACs with `csvxctl -b` and `bridge -batch` (the
# first refused line stops either), b with -f / -force added to both (go
# on after errors: csvxctl then sends a window of requests per sendmsg,
# bridge still one at a time).
install_fdb() {
	local s hv t c k ct kt f
	# a's MACs (02:01:..) sit behind b; b's (02:02:..) behind a, so that
	# b does not send a's traffic back over the tunnel
	for s in c k; do
		gen_fdb "$s" 02:01:00 10.99.0.2 >"$work/fdb-$s-a"
		gen_fdb "$s" 02:02:00 10.99.0.1 >"$work/fdb-$s-b"
	done
	for hv in a b; do
		f=''
		[ "$hv" = a ] || f=-f
		for s in c k; do
			[ "$s" = c ] || f=${f:+-force}
			t=$(install "$s" "$hv" "$work/fdb-$s-$hv" ${f:+"$f"})
			say "install $nfdb FDB entries in $s-$hv${f:+ ($f)}: $t s (user, system CPU: $(cat "$work/cpu"))"
			if [ "$s" = c ]; then ct=$t; else kt=$t; fi
		done
		c=$(awk -v n="$nfdb" -v t="$ct" 'BEGIN { printf "%.0f", n / t }')
		k=$(awk -v n="$nfdb" -v t="$kt" 'BEGIN { printf "%.0f", n / t }')
		echo "bench: vm-install-$(label "$nfdb")-fdb${f:+-force} csvx=$c entries/s bridge=$k entries/s ratio=$(ratio "$c" "$k")"
	done
	check_fdb
}

# The entries are there: csvx's count, and the last MAC in both of the
# kernel's tables (a dump of 100k vxlan FDB entries takes minutes in TCG:
# each message of the dump walks the hash from the start).
check_fdb() {
	local i=$((nfdb - 1)) mac got
	mac=$(printf '02:01:00:%02x:%02x:%02x' $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255)))
	got=$(ctl c-a -j params show | python3 -c '
import json, sys
d = json.load(sys.stdin)
for p in d if isinstance(d, list) else [d]:
    if isinstance(p, dict) and p.get("param") == "max-fdb":
        print(p.get("in-use", 0))
        break
else:
    print(0)') || got=0
	# A failed check is reported, and the measurements still run.
	[ "$got" -ge "$nfdb" ] || say "CHECK FAILED: csvx FDB of c-a holds $got entries, want $nfdb and more"
	n k-a bridge fdb get "$mac" dev vxlan100 self | grep -q 'dst 10.99.0.2' ||
		say "CHECK FAILED: $mac missing in vxlan100's FDB on k-a"
	n k-a bridge fdb get "$mac" br brvx-100 | grep -q 'extern_learn' ||
		say "CHECK FAILED: $mac missing in brvx-100's FDB on k-a"
	say "FDB: csvx holds $got entries on c-a; $mac looked up in both kernel tables of k-a"
}

label() {
	local v=$1
	if ((v % 1000000 == 0)); then echo "$((v / 1000000))M"
	elif ((v % 1000 == 0)); then echo "$((v / 1000))k"
	else echo "$v"; fi
}

# ---------------------------------------------------- security groups --
# The receiving VM's group: NRULES ingress rules, 60% tcp, 30% udp, 10%
# icmp, a quarter of them naming one of NSETS sets of NMEMBERS addresses,
# the others a CIDR.  The sending VM (10.2.0.1) is in every set and in
# the CIDRs of the udp rules (each on a port of its own, 20000 up), so
# every udp rule admits it on its port; tcp and icmp rules name other
# networks.  gen_sg c|ipset|iptables writes csvxctl lines, an ipset
# restore file or the rules of the VM's iptables chain (CloudStack
# inserts each rule at the top: the chain is the reverse order).
gen_sg() {
	awk -v what="$1" -v n="$nrules" -v ns="$nsets" -v m="$nmembers" -v chain="${2:-}" 'BEGIN {
		if (what == "ipset" || what == "c") {
			for (s = 0; s < ns; s++) {
				if (what == "c")
					printf "set add g%d type hash:ip\nset member add g%d 10.2.0.1\n", s, s
				else
					printf "create g%d hash:ip family inet\nadd g%d 10.2.0.1\n", s, s
				for (j = 1; j < m; j++) {
					a = sprintf("10.%d.%d.%d", 100 + s, int(j / 256), j % 256)
					if (what == "c")
						printf "set member add g%d %s\n", s, a
					else
						printf "add g%d %s\n", s, a
				}
			}
			if (what == "ipset")
				exit
			print "sg add big"
		}
		udpnet[0] = "10.2.0.0/24"; udpnet[1] = "10.2.0.0/16"; udpnet[2] = "10.0.0.0/8"
		for (i = 0; i < n; i++) {
			k = i % 10
			if (k < 6) { proto = "tcp"; port = 10000 + nt++ }
			else if (k < 9) { proto = "udp"; port = 20000 + nu++ }
			else { proto = "icmp"; port = (ni++ % 2) ? 0 : 8 }
			if (i % 4 == 0) { set = "g" int(i / 4) % ns; net = "" }
			else {
				set = ""
				if (proto == "udp") net = udpnet[i % 3]
				else net = sprintf("172.%d.%d.0/24", 16 + i % 16, int(i / 16) % 256)
			}
			if (what == "c") {
				r = "sg rule add big ingress proto " proto
				r = r (proto == "icmp" ? " type " port : " dport " port)
				r = r (set != "" ? " set " set : " cidr " net)
				print r
			} else {
				r = "-A " chain " -p " proto " -m " proto
				r = r (proto == "icmp" ? " --icmp-type " port "/0" : " --dport " port)
				r = r " -m state --state NEW"
				r = r (set != "" ? " -m set --match-set " set " src" : " -s " net)
				rule[i] = r " -j ACCEPT"
			}
		}
		if (what != "c")
			for (i = n - 1; i >= 0; i--)
				print rule[i]
	}'
}

# The bridge firewall framework of security_group.py's addFWFramework and
# default_network_rules for one VM, as iptables-restore input.
cs_framework() {
	local br=$1 phydev=$2
	cat <<-EOF
	-I FORWARD -i $br -j DROP
	-I FORWARD -o $br -j DROP
	-I FORWARD -i $br -m physdev --physdev-is-bridged -j BF-$br
	-I FORWARD -o $br -m physdev --physdev-is-bridged -j BF-$br
	-A BF-$br -m state --state RELATED,ESTABLISHED -j ACCEPT
	-A BF-$br -m physdev --physdev-is-bridged --physdev-is-in -j BF-$br-IN
	-A BF-$br -m physdev --physdev-is-bridged --physdev-is-out -j BF-$br-OUT
	-A BF-$br -m physdev --physdev-is-bridged --physdev-out $phydev -j ACCEPT
	EOF
}

cs_vm() {
	local br=$1 vif=$2 vm=$3
	local def=${vm%-*}-def eg=$vm-eg
	cat <<-EOF
	-A BF-$br-OUT -m physdev --physdev-is-bridged --physdev-out $vif -j $def
	-A BF-$br-IN -m physdev --physdev-is-bridged --physdev-in $vif -j $def
	-A $def -m state --state RELATED,ESTABLISHED -j ACCEPT
	-A $def -m physdev --physdev-is-bridged --physdev-in $vif -p udp --dport 67 --sport 68 -j ACCEPT
	-A $def -m physdev --physdev-is-bridged --physdev-out $vif -p udp --dport 68 --sport 67 -j ACCEPT
	-A $def -m physdev --physdev-is-bridged --physdev-in $vif -m set ! --match-set $vm src -j DROP
	-A $def -m physdev --physdev-is-bridged --physdev-in $vif -m set --match-set $vm src -p udp --dport 53 -j RETURN
	-A $def -m physdev --physdev-is-bridged --physdev-in $vif -m set --match-set $vm src -p tcp --dport 53 -j RETURN
	-A $def -m physdev --physdev-is-bridged --physdev-in $vif -m set --match-set $vm src -j $eg
	-A $def -m physdev --physdev-is-bridged --physdev-out $vif -j $vm
	-A $eg -j RETURN
	EOF
}

# cs_ebtables NS VM VIF MAC IP: default_ebtables_rules (anti-spoofing)
cs_ebtables() {
	local ns=$1 vm=$2 vif=$3 mac=$4 ip=$5 c
	for c in in out in-ips out-ips in-src out-dst; do
		n "$ns" ebtables -t nat -N "$vm-$c"
	done
	# shellcheck disable=SC2016 # expanded by the inner shell
	n "$ns" bash -e -c '
		e() { ebtables -t nat "$@"; }
		vm=$1 vif=$2 mac=$3 ip=$4
		e -A PREROUTING -i "$vif" -j "$vm-in"
		e -A POSTROUTING -o "$vif" -j "$vm-out"
		e -A "$vm-in-ips" -j DROP
		e -A "$vm-out-ips" -j DROP
		e -A "$vm-in-src" -j DROP
		e -A "$vm-out-dst" -p ARP --arp-op Reply -j DROP
		e -A "$vm-in" -j "$vm-in-src"
		e -I "$vm-in-src" -s "$mac" -j RETURN
		e -A "$vm-in" -p ARP -j "$vm-in-ips"
		e -I "$vm-in-ips" -p ARP --arp-ip-src "$ip" -j RETURN
		e -A "$vm-in" -p ARP --arp-op Request -j ACCEPT
		e -A "$vm-in" -p ARP --arp-op Reply -j ACCEPT
		e -A "$vm-in" -p ARP -j DROP
		e -A "$vm-out" -p ARP --arp-op Reply -j "$vm-out-dst"
		e -I "$vm-out-dst" -p ARP --arp-op Reply --arp-mac-dst "$mac" -j RETURN
		e -A "$vm-out" -p ARP -j "$vm-out-ips"
		e -I "$vm-out-ips" -p ARP --arp-ip-dst "$ip" -j RETURN
		e -A "$vm-out" -p ARP --arp-op Request -j ACCEPT
		e -A "$vm-out" -p ARP --arp-op Reply -j ACCEPT
		e -A "$vm-out" -p ARP -j DROP' eb "$vm" "$vif" "$mac" "$ip"
}

# kernel_sg HV VM VIF MAC IP BIG: one CloudStack VM's rules on k-HV; BIG=1
# gives it the generated group, else one rule (tcp 22 from anywhere)
kernel_sg() {
	local hv=$1 vm=$2 vif=$3 mac=$4 ip=$5 big=$6 ns=k-$1 br=brvx-200
	{
		echo "create $vm hash:ip family inet"
		echo "add $vm $ip"
		[ "$big" = 0 ] || gen_sg ipset
	} >"$work/ipset-$hv"
	n "$ns" ipset restore -f "$work/ipset-$hv"
	{
		echo "*filter"
		for c in "BF-$br" "BF-$br-IN" "BF-$br-OUT" "$vm" "$vm-eg" "${vm%-*}-def"; do
			echo ":$c - [0:0]"
		done
		cs_framework "$br" vxlan200
		cs_vm "$br" "$vif" "$vm"
		if [ "$big" = 1 ]; then
			gen_sg iptables "$vm"
		else
			echo "-A $vm -p tcp -m tcp --dport 22 -m state --state NEW -s 0.0.0.0/0 -j ACCEPT"
		fi
		echo "-A $vm -j DROP"
		echo "COMMIT"
	} >"$work/iptables-$hv"
	n "$ns" iptables-restore --noflush "$work/iptables-$hv"
	cs_ebtables "$ns" "$vm" "$vif" "$mac" "$ip"
	n "$ns" sysctl -qw net.bridge.bridge-nf-call-arptables=1 \
		net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
}

setup_sg() {
	local t0
	t0=$EPOCHREALTIME
	modprobe br_netfilter
	modprobe nf_conntrack
	# A hypervisor's conntrack is sized for its VMs' connections (csvx's
	# connection table holds up to max-flows, 2^20, by default).
	sysctl -qw net.netfilter.nf_conntrack_max=1048576
	echo 262144 >/sys/module/nf_conntrack/parameters/hashsize
	# csvx hosts run no br_netfilter: loaded for the kernel side, it is on
	# in every namespace, so it is switched off in csvx's.
	for s in c-a c-b; do
		n "$s" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
			net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0
	done
	kernel_sg a i-2-20-VM vnet3 02:00:00:00:0a:02 10.2.0.1 0
	kernel_sg b i-2-21-VM vnet4 02:00:00:00:0b:02 10.2.0.2 1
	say "kernel security groups in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"

	t0=$EPOCHREALTIME
	printf '%s\n' "sg add small" \
		"sg rule add small ingress proto tcp dport 22 cidr 0.0.0.0/0" \
		"port add dev vnet3 vni 200 mac 02:00:00:00:0a:02 ip 10.2.0.1 sg small" |
		ctl c-a -b -
	{
		gen_sg c
		echo "port add dev vnet4 vni 200 mac 02:00:00:00:0b:02 ip 10.2.0.2 sg big"
	} >"$work/csvx-sg"
	ctl c-b -b "$work/csvx-sg"
	say "csvx security groups in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	n k-b iptables -S i-2-21-VM | grep -c ACCEPT | xargs printf '[bench-vm] kernel: %s rules in i-2-21-VM\n'
	ctl c-b sg show big | grep -c ingress | xargs printf '[bench-vm] csvx: %s ingress rules in big\n'
}

# ---------------------------------------------------------------- main --
if [ ! -e /sys/module/csvx ]; then
	# shellcheck disable=SC2046 # a list of module names
	modprobe -a $(modinfo -F depends "$ko" | tr ',' ' ')
	insmod "$ko"
fi
modprobe pktgen
[ -d /proc/net/pktgen ] || die "no pktgen"
# This shell and its children stay off CPU 0, where the datapath runs.
taskset -p 2 $$ >/dev/null 2>&1 || true
say "guest $(uname -r), $(nproc --all) CPUs; fdb $nfdb, rules $nrules, sets $nsets x $nmembers, ${secs} s x $rounds rounds"

build
install_fdb

if want fwd; then
	# 100k remote MACs, each packet to a random one of them (pktgen picks
	# the destination MAC in the range the FDB holds)
	for s in c k; do
		pktgen_setup "$s-fa" 02:01:00:00:00:00 10.1.0.2 10.1.0.1 \
			"dst_mac_count $nfdb" "flag MACDST_RND"
	done
	compare "vm-fwd-$(label "$nfdb")-fdb" fa fb kernel
fi

if want sg; then
	setup_sg
	# Every packet a new UDP flow (random source port x one of the udp
	# rules' ports): each is classified by the receiving VM's rules and
	# creates a connection, on both sides.
	nudp=$(gen_sg c | grep -c 'proto udp')
	for s in c k; do
		pktgen_setup "$s-sa" 02:00:00:00:0b:02 10.2.0.2 10.2.0.1 \
			"udp_src_min 1024" "udp_src_max 65535" "flag UDPSRC_RND" \
			"udp_dst_min 20000" "udp_dst_max $((20000 + nudp - 1))" "flag UDPDST_RND"
	done
	compare "vm-sg-$(label "$nrules")-rules" sa sb iptables
	n k-b iptables -L i-2-21-VM -v -n -x | tail -n 3 >"$out/iptables-tail.txt" || true
	ctl c-b port show >"$out/csvx-ports.txt" 2>&1 || true
fi
say finished
