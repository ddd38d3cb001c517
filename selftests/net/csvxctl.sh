#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# csvxctl(8) against the loaded csvx module: every command's success path and
# output (tables and JSON), exit codes 0/1/2 and the error formats, batches
# (line numbers, -f, a timed batch of 100000 FDB entries), save -> flush ->
# restore -> save, monitor, and -n with independent namespaces.
#
# Runs as root in the test guest with csvx.ko loaded and csvxctl built
# (make -C tools/csvxctl); CSVXCTL overrides the binary.  Kernel-selftests
# style: one "TEST: ... [ OK ]/[FAIL]" line per check, exit 1 on a failure,
# 4 (skip) if csvxctl cannot reach the csvx family.  Every run works in
# network namespaces of its own (csvxctl-$$-*), removed on exit.

set -u
export LC_ALL=C

ksft_skip=4
ret=0
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
CSVXCTL=${CSVXCTL:-$repo/tools/csvxctl/csvxctl}
ns=csvxctl-$$-a
ns2=csvxctl-$$-b
ns3=csvxctl-$$-c
tmp=$(mktemp -d)
mon_pids=()
NFDB=${CSVXCTL_NFDB:-100000}

cleanup() {
	for p in "${mon_pids[@]}"; do kill "$p" 2>/dev/null; done
	for n in "$ns" "$ns2" "$ns3"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

log_test() {
	local rc=$1 desc=$2
	if [ "$rc" = 0 ]; then
		printf 'TEST: %-60s  [ OK ]\n' "$desc"
	elif [ "$rc" = "$ksft_skip" ]; then
		printf 'TEST: %-60s  [SKIP]\n' "$desc"
	else
		printf 'TEST: %-60s  [FAIL]\n' "$desc"
		ret=1
	fi
}

# A heading with the time so far, as a kselftest comment.
section() {
	json_flush
	printf '# %s (%ss)\n' "$1" "$SECONDS"
}

# Diagnostics of a failed check, indented under its TEST line.
diag() { sed 's/^/#    /' >&2; }

# Processes start slowly in the test guest (TCG), so the helpers below use
# shell builtins where they can.

# slurp VAR FILE: VAR = FILE's contents without trailing newlines, as $(cat)
# would give, without a process.
slurp() {
	local -n _v=$1
	IFS= read -r -d '' _v <"$2"
	while [[ $_v == *$'\n' ]]; do _v=${_v%$'\n'}; done
}

# c ARGS: csvxctl in the test namespace.  run CMD...: sets out, err, rc.
c() { "$CSVXCTL" -n "$ns" "$@"; }
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	slurp out "$tmp/out"
	slurp err "$tmp/err"
}

# t_rc DESC RC CMD...: exit status RC.
t_rc() {
	local desc=$1 want=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ]; then
		log_test 0 "$desc"
	else
		log_test 1 "$desc"
		printf 'command: %s\nexit %s, expected %s\nstdout:\n%s\nstderr:\n%s\n' \
			"$*" "$rc" "$want" "$out" "$err" | diag
	fi
}

# t_out DESC EXPECTED CMD...: exit 0 and exactly EXPECTED on stdout.
t_out() {
	local desc=$1 want=$2
	shift 2
	run "$@"
	if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
		log_test 0 "$desc"
	else
		log_test 1 "$desc"
		printf 'command: %s (exit %s)\nexpected:\n%s\ngot:\n%s\nstderr:\n%s\n' \
			"$*" "$rc" "$want" "$out" "$err" | diag
	fi
}

# t_table DESC EXPECTED CMD...: like t_out, rows in any order (dumps are in
# hash order); the header stays first.
t_table() {
	local desc=$1 want=$2 got
	shift 2
	run "$@"
	got=$(sort <<<"${out#*$'\n'}")
	if [ "$rc" = 0 ] && [ "${out%%$'\n'*}" = "${want%%$'\n'*}" ] &&
	   [ "$got" = "$(sort <<<"${want#*$'\n'}")" ]; then
		log_test 0 "$desc"
	else
		log_test 1 "$desc"
		printf 'command: %s (exit %s)\nexpected:\n%s\ngot:\n%s\nstderr:\n%s\n' \
			"$*" "$rc" "$want" "$out" "$err" | diag
	fi
}

# t_err DESC RC EXPECTED CMD...: exit RC and stderr's first line EXPECTED.
t_err() {
	local desc=$1 want=$2 msg=$3
	shift 3
	run "$@"
	if [ "$rc" = "$want" ] && [ "${err%%$'\n'*}" = "$msg" ]; then
		log_test 0 "$desc"
	else
		log_test 1 "$desc"
		printf 'command: %s\nexit %s, expected %s\nexpected stderr: %s\ngot stderr:\n%s\n' \
			"$*" "$rc" "$want" "$msg" "$err" | diag
	fi
}

# t_refused DESC WHAT ERRNO-TEXT CMD...: exit 1 and one line
# "csvxctl: WHAT: MESSAGE", MESSAGE being the kernel's extended ack (so not
# the bare strerror text of the errno).
t_refused() {
	local desc=$1 what=$2 strerr=$3
	shift 3
	run "$@"
	if [ "$rc" = 1 ] && [[ $err != *$'\n'* ]] &&
	   [[ $err == "csvxctl: $what: "?* ]] && [ "$err" != "csvxctl: $what: $strerr" ]; then
		log_test 0 "$desc"
	else
		log_test 1 "$desc"
		printf 'command: %s\nexit %s, expected 1\nstderr:\n%s\n' "$*" "$rc" "$err" | diag
	fi
}

# t_json DESC PYEXPR CMD...: exit 0, stdout is JSON, and PYEXPR (about d,
# the parsed document) is true.  python3 starts slowest of all, so the JSON
# checks of a section run together in one python3 at its end (json_flush,
# called by section); json_check DESC PYEXPR FILE doc|lines registers one
# (lines: one JSON document per line, d is their list).
njson=0
json_done=0
json_desc=()
json_cmd=()
json_check() {
	njson=$((njson + 1))
	json_desc[njson]=$1
	json_cmd[njson]=${5:-}
	printf '%s' "$2" >"$tmp/json.$njson.expr"
	printf '%s' "$4" >"$tmp/json.$njson.mode"
	mv "$3" "$tmp/json.$njson"
}
t_json() {
	local desc=$1 expr=$2
	shift 2
	run "$@"
	if [ "$rc" != 0 ]; then
		log_test 1 "$desc"
		printf 'command: %s (exit %s)\nstderr:\n%s\n' "$*" "$rc" "$err" | diag
		return
	fi
	json_check "$desc" "$expr" "$tmp/out" doc "$*"
}
json_flush() {
	local i res line
	local -A result
	[ "$njson" -gt "$json_done" ] || return 0
	python3 - "$tmp" $((json_done + 1)) "$njson" >"$tmp/json.res" 2>&1 <<'EOF'
import json, sys
tmp, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(first, last + 1):
    p = "%s/json.%d" % (tmp, i)
    try:
        text = open(p).read()
        if open(p + ".mode").read() == "lines":
            d = [json.loads(l) for l in text.splitlines()]
        else:
            d = json.loads(text)
        ok = eval("(" + open(p + ".expr").read() + ")", {"d": d})
        print(i, "ok" if ok else "the check is false")
    except Exception as e:
        print(i, repr(e).replace("\n", " "))
EOF
	while IFS= read -r line; do
		result[${line%% *}]=${line#* }
	done <"$tmp/json.res"
	for ((i = json_done + 1; i <= njson; i++)); do
		res=${result[$i]:-}
		if [ "$res" = ok ]; then
			log_test 0 "${json_desc[i]}"
			continue
		fi
		log_test 1 "${json_desc[i]}"
		printf 'command: %s\ncheck: %s\nresult: %s\noutput:\n%s\n' "${json_cmd[i]}" \
			"$(<"$tmp/json.$i.expr")" "${res:-$(head -c 500 "$tmp/json.res")}" \
			"$(head -c 2000 "$tmp/json.$i")" | diag
	done
	json_done=$njson
}

# ---------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit $ksft_skip; }
for t in ip python3; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit $ksft_skip; }
done
if [ ! -x "$CSVXCTL" ]; then
	echo "SKIP: $CSVXCTL not built (make -C tools/csvxctl)"
	exit $ksft_skip
fi
if ! "$CSVXCTL" -V >"$tmp/version" 2>&1; then
	echo "SKIP: csvxctl cannot reach the csvx family: $(cat "$tmp/version")"
	exit $ksft_skip
fi
for n in "$ns" "$ns2" "$ns3"; do
	ip netns add "$n" || { echo "SKIP: cannot create namespace $n"; exit $ksft_skip; }
	ip -n "$n" link set lo up
done

grep -q '^csvxctl [0-9]' "$tmp/version" && grep -Eq '^csvx module .*netlink family version [0-9]+$' "$tmp/version"
log_test $? "-V prints the versions of csvxctl and of the module"

# ---- usage errors (exit 2, nothing reaches the kernel) -------------------
section "usage errors"
t_rc "no arguments: exit 2" 2 "$CSVXCTL"
t_rc "-h: exit 0" 0 "$CSVXCTL" -h
t_err "unknown object: exit 2" 2 "csvxctl: Invalid object \`bogus'; try \`csvxctl help'" c bogus
t_err "ambiguous object: exit 2" 2 "csvxctl: ambiguous object \`v' (vrf, vni); try \`csvxctl help'" c v
t_err "unknown command: exit 2" 2 "csvxctl: vrf: invalid command \`frob'" c vrf frob
t_err "vrf add without arguments: exit 2" 2 "csvxctl: vrf add: missing NAME" c vrf add
grep -q '^Usage: csvxctl vrf ' <<<"$err"
log_test $? "a usage error prints the usage of the object"
t_err "bad MAC: exit 2" 2 "csvxctl: vrf add: invalid MAC address \`zz'" \
	c vrf add red id 10 l3vni 1000 rmac zz
t_err "missing keyword: exit 2" 2 "csvxctl: vrf add: missing \`rmac'" c vrf add red id 10 l3vni 1000
t_err "VNI out of range: exit 2" 2 "csvxctl: vni add: invalid VNI \`16777216' (1 to 16777215)" \
	c vni add 16777216 dev vx1
t_err "ambiguous keyword: exit 2" 2 "csvxctl: vni add: ambiguous argument \`g' (gateway, gwmac)" \
	c vni add 100 dev vx100 g 10.0.0.1/24
t_err "gateway without gwmac: exit 2" 2 "csvxctl: vni add: \`gateway' and \`gwmac' go together" \
	c vni add 100 dev vx100 gateway 10.1.0.1/24
t_err "more than 8 ip: exit 2" 2 "csvxctl: fdb add: more than 8 \`ip'" \
	c fdb add vni 1 mac 02:00:00:00:00:01 ip 10.0.0.1 ip 10.0.0.2 ip 10.0.0.3 ip 10.0.0.4 \
	ip 10.0.0.5 ip 10.0.0.6 ip 10.0.0.7 ip 10.0.0.8 ip 10.0.0.9
t_err "ambiguous params command: exit 2" 2 "csvxctl: params: ambiguous command \`s' (show, set)" c params s
t_rc "vrf help: exit 0" 0 c vrf help
grep -q '^Usage: csvxctl vrf { add | replace } NAME id ID l3vni VNI rmac MAC$' <<<"$out"
log_test $? "vrf help prints the usage on stdout"
t_err "-n with a missing namespace: exit 1" 1 \
	"csvxctl: cannot open network namespace \`csvxctl-$$-none': No such file or directory" \
	"$CSVXCTL" -n "csvxctl-$$-none" vrf show

# ---- vrf -------------------------------------------------------------------
section "vrf"
t_out "vrf show: empty" "" c vrf show
t_json "vrf show -j: empty array" "d == []" c -j vrf show
t_rc "vrf add red" 0 c vrf add red id 10 l3vni 1000 rmac 02:00:00:00:10:01
t_rc "vrf add blue (abbreviated keywords)" 0 c vrf a blue i 20 l 2000 rm 02:00:00:00:20:01
t_table "vrf show: table" "NAME  ID  L3VNI  RMAC
red   10  1000   02:00:00:00:10:01
blue  20  2000   02:00:00:00:20:01" c vrf show
t_out "vrf show NAME: one row" "NAME  ID  L3VNI  RMAC
red   10  1000   02:00:00:00:10:01" c vrf show red
t_json "vrf show -j: keys are the argument names" \
	"sorted(d, key=lambda o: o['name']) == [
	 {'name': 'blue', 'id': 20, 'l3vni': 2000, 'rmac': '02:00:00:00:20:01'},
	 {'name': 'red', 'id': 10, 'l3vni': 1000, 'rmac': '02:00:00:00:10:01'}]" c -j vrf show
run c -p vrf show red
[ "$rc" = 0 ] && [ "$(wc -l <<<"$out")" = 8 ] && [ "$(sed -n 3p <<<"$out")" = '        "name": "red",' ]
log_test $? "vrf show -p: pretty-printed JSON"
t_refused "vrf add of an existing VRF: kernel refusal, exit 1" "vrf add" "File exists" \
	c vrf add red id 10 l3vni 1000 rmac 02:00:00:00:10:01
t_refused "vrf show of a missing VRF: exit 1" "vrf show" "No such file or directory" c vrf show nope
t_rc "vrf replace changes the router MAC" 0 c vrf replace blue id 20 l3vni 2000 rmac 02:00:00:00:20:02
t_out "vrf show after replace" "NAME  ID  L3VNI  RMAC
blue  20  2000   02:00:00:00:20:02" c vrf show blue

# ---- vni -------------------------------------------------------------------
section "vni"
t_refused "vni add into a missing VRF: the kernel's message" "vni add" "No such file or directory" \
	c vni add 100 vrf nope dev vx100
t_rc "vni add 100 in red with a gateway" 0 \
	c vni add 100 vrf red dev vx100 local 192.0.2.1 gateway 10.1.0.1/24 gwmac 02:00:5e:00:01:01 mtu 1450
t_rc "vni add 200, IPv6, no VRF" 0 c vni add 200 dev vx200 local 2001:db8::1 mtu 1400
ip -n "$ns" -d link show vx100 2>/dev/null | grep -qw csvx
log_test $? "vni add creates the VTEP device (link kind csvx)"
if100=$(ip -n "$ns" -o link show vx100 2>/dev/null | cut -d: -f1)
if200=$(ip -n "$ns" -o link show vx200 2>/dev/null | cut -d: -f1)
t_table "vni show: table" "$(printf '%-5s%-5s%-7s%-9s%-13s%-13s%-19s%s\n' \
	VNI VRF DEV IFINDEX LOCAL GATEWAY GWMAC MTU \
	100 red vx100 "$if100" 192.0.2.1 10.1.0.1/24 02:00:5e:00:01:01 1450 \
	200 - vx200 "$if200" 2001:db8::1 - - 1400)" c vni show
t_json "vni show -j" "sorted(d, key=lambda o: o['vni']) == [
	 {'vni': 100, 'vrf': 'red', 'dev': 'vx100', 'ifindex': $if100, 'local': '192.0.2.1',
	  'gateway': '10.1.0.1/24', 'gwmac': '02:00:5e:00:01:01', 'mtu': 1450},
	 {'vni': 200, 'dev': 'vx200', 'ifindex': $if200, 'local': '2001:db8::1', 'mtu': 1400}]" \
	c -j vni show
t_json "vni show VNI -j: one object" "len(d) == 1 and d[0]['vni'] == 200" c -j vni show 200
t_refused "vni add of an existing VNI: exit 1" "vni add" "File exists" c vni add 200 dev vx201
run c vni add 201 dev vx201 mtu 20
[ "$rc" = 1 ] && [[ $err == "csvxctl: vni add: "?*" (mtu 20)" ]]
log_test $? "a refusal names the argument the kernel points at"
[ "$rc" = 1 ] && [[ $err == *"(mtu 20)" ]] || printf '%s\n' "$err" | diag
t_refused "vrf del of a VRF in use: exit 1" "vrf del" "Device or resource busy" c vrf del red
t_json "vni add in a VRF with a gateway adds a connected route" \
	"[o for o in d if o['prefix'] == '10.1.0.0/24'] ==
	 [{'vrf': 'red', 'prefix': '10.1.0.0/24', 'vni': 100, 'connected': True}]" c -j route show vrf red

# ---- flood -----------------------------------------------------------------
section "flood"
t_rc "flood add IPv4" 0 c flood add vni 100 remote 192.0.2.2
t_rc "flood add IPv6" 0 c flood add vni 100 remote 2001:db8::2
t_rc "flood add in another VNI" 0 c flood add vni 200 remote 2001:db8::3
t_refused "flood add twice: exit 1" "flood add" "File exists" c flood add vni 100 remote 192.0.2.2
t_table "flood show" "VNI  REMOTE
100  192.0.2.2
100  2001:db8::2
200  2001:db8::3" c flood show
t_table "flood show vni (abbreviated object and command)" "VNI  REMOTE
100  192.0.2.2
100  2001:db8::2" c fl sh vni 100
t_json "flood show -j" "sorted(map(lambda o: (o['vni'], o['remote']), d)) ==
	[(100, '192.0.2.2'), (100, '2001:db8::2'), (200, '2001:db8::3')]" c -j flood show
t_rc "flood del" 0 c flood del vni 200 remote 2001:db8::3
t_out "flood show vni after del: empty" "" c flood show vni 200
t_refused "flood del of a missing entry: exit 1" "flood del" "No such file or directory" \
	c flood del vni 200 remote 2001:db8::3

# ---- fdb -------------------------------------------------------------------
section "fdb"
M1=02:00:00:00:01:01 M2=02:00:00:00:01:02 M3=02:00:00:00:01:03
t_rc "fdb add with IPs, seq and sticky" 0 \
	c fdb add vni 100 mac $M1 remote 192.0.2.2 ip 10.1.0.11 ip 2001:db8:1::11 seq 3 sticky
t_rc "fdb add, IPv6 remote" 0 c fdb add vni 100 mac $M2 remote 2001:db8::2 seq 1
t_rc "fdb add without remote (a local MAC)" 0 c fdb add vni 100 mac $M3 ip 10.1.0.13 seq 1
t_table "fdb show" "VNI  MAC                REMOTE       SEQ  FLAGS   IP
100  $M1  192.0.2.2    3    sticky  10.1.0.11,2001:db8:1::11
100  $M2  2001:db8::2  1    -       -
100  $M3  -            1    -       10.1.0.13" c fdb show
t_json "fdb show vni MAC -j: one entry" "d == [{'vni': 100, 'mac': '$M1', 'remote': '192.0.2.2',
	'ip': ['10.1.0.11', '2001:db8:1::11'], 'seq': 3, 'sticky': True}]" c -j fdb show vni 100 mac $M1
t_json "fdb show -j" "len(d) == 3 and
	[o for o in d if o['mac'] == '$M2'] == [{'vni': 100, 'mac': '$M2', 'remote': '2001:db8::2',
	 'ip': [], 'seq': 1, 'sticky': False}]" c -j fdb show vni 100
t_refused "fdb add of a sticky MAC elsewhere: exit 1" "fdb add" "Operation not permitted" \
	c fdb add vni 100 mac $M1 remote 192.0.2.3 seq 9
t_rc "fdb add with a higher seq moves the MAC" 0 c fdb add vni 100 mac $M2 remote 192.0.2.3 seq 2
t_refused "fdb add with a lower seq: exit 1" "fdb add" "Stale file handle" \
	c fdb add vni 100 mac $M2 remote 192.0.2.4 seq 1
t_rc "fdb replace with a lower seq" 0 c fdb replace vni 100 mac $M2 remote 192.0.2.4 seq 1
t_out "fdb show vni MAC after replace" "VNI  MAC                REMOTE     SEQ  FLAGS  IP
100  $M2  192.0.2.4  1    -      -" c fdb show vni 100 mac $M2
t_rc "fdb del" 0 c fdb del vni 100 mac $M2
t_refused "fdb show of a deleted MAC: exit 1" "fdb show" "No such file or directory" \
	c fdb show vni 100 mac $M2
t_refused "fdb add in a missing VNI: exit 1" "fdb add" "No such file or directory" \
	c fdb add vni 999 mac $M2 remote 192.0.2.4
t_rc "fdb flush vni" 0 c fdb flush vni 100
t_out "fdb show after flush: empty" "" c fdb show

# ---- route -----------------------------------------------------------------
section "route"
t_rc "route add IPv4" 0 c route add vrf red 10.2.0.0/16 remote 192.0.2.2 rmac 02:00:00:00:10:02
t_rc "route add IPv6" 0 c route add vrf red 2001:db8:2::/48 remote 2001:db8::2 rmac 02:00:00:00:10:02
t_rc "route add host route (no /PLEN)" 0 c route add vrf red 10.3.0.7 remote 192.0.2.3 rmac 02:00:00:00:10:03
t_rc "route add in blue" 0 c route add vrf blue 0.0.0.0/0 remote 192.0.2.9 rmac 02:00:00:00:20:09
t_refused "route add with host bits set: exit 1" "route add" "Invalid argument" \
	c route add vrf red 10.2.0.1/16 remote 192.0.2.2 rmac 02:00:00:00:10:02
t_refused "route add of an existing route: exit 1" "route add" "File exists" \
	c route add vrf red 10.2.0.0/16 remote 192.0.2.2 rmac 02:00:00:00:10:02
t_rc "route replace" 0 c route replace vrf red 10.2.0.0/16 remote 192.0.2.4 rmac 02:00:00:00:10:04
t_table "route show vrf" "VRF  PREFIX           REMOTE       RMAC               VNI  FLAGS
red  10.1.0.0/24      -            -                  100  connected
red  10.2.0.0/16      192.0.2.4    02:00:00:00:10:04  -    -
red  2001:db8:2::/48  2001:db8::2  02:00:00:00:10:02  -    -
red  10.3.0.7/32      192.0.2.3    02:00:00:00:10:03  -    -" c route show vrf red
t_out "route show vrf PREFIX: one route" "VRF  PREFIX       REMOTE     RMAC               VNI  FLAGS
red  10.2.0.0/16  192.0.2.4  02:00:00:00:10:04  -    -" c route show vrf red 10.2.0.0/16
t_json "route show -j" "len(d) == 5 and {'vrf': 'blue', 'prefix': '0.0.0.0/0', 'remote': '192.0.2.9',
	'rmac': '02:00:00:00:20:09', 'connected': False} in d" c -j route show
t_rc "route del" 0 c route del vrf red 10.3.0.7/32
t_refused "route del of a missing route: exit 1" "route del" "No such file or directory" \
	c route del vrf red 10.3.0.7/32
t_rc "route flush vrf" 0 c route flush vrf red
t_json "route flush keeps the connected route" \
	"[(o['prefix'], o['connected']) for o in d] == [('10.1.0.0/24', True)]" c -j route show vrf red

# ---- params and stats ------------------------------------------------------
section "params and stats"
run c params show
[ "$rc" = 0 ] && [ "$(head -n 1 <<<"$out" | tr -s ' ')" = "PARAM VALUE IN-USE" ] &&
	[ "$(awk 'NR > 1 && $1 ~ /^(udp-port|max-(vrfs|vnis|flood|fdb|routes|flows))$/ { print $1 }' \
	     <<<"$out" | tr '\n' ' ')" = \
	  "udp-port max-vrfs max-vnis max-flood max-fdb max-routes max-flows " ] &&
	[ "$(awk '$1 == "udp-port" { print $3 }' <<<"$out")" = - ] &&
	[ "$(awk '$1 == "max-vrfs" { print $3 }' <<<"$out")" = 2 ]
log_test $? "params show: one row per parameter with its usage"
t_json "params show -j" "len(d) == 1 and all(k in d[0] for k in
	('udp-port', 'max-vrfs', 'max-vnis', 'max-flood', 'max-fdb', 'max-routes', 'max-flows',
	 'vrfs', 'vnis', 'flood', 'fdb', 'routes')) and d[0]['vrfs'] == 2 and d[0]['vnis'] == 2" \
	c -j params show
t_rc "params set" 0 c params set max-fdb 5000 max-routes 6000
t_json "params show after set" "d[0]['max-fdb'] == 5000 and d[0]['max-routes'] == 6000" c -j params
t_refused "params set below the usage: exit 1" "params set" "Device or resource busy" \
	c params set max-vnis 1
run c stats show
[ "$rc" = 0 ] && [ "$(head -n 1 <<<"$out" | tr -s ' ')" = \
	"VNI RX-PACKETS RX-BYTES TX-PACKETS TX-BYTES TX-FLOOD ARP-SUPPR ND-SUPPR ROUTED DROPS" ] &&
	[ "$(awk 'NR > 1 { print $1 }' <<<"$out" | sort | tr '\n' ' ')" = "- 100 200 " ]
log_test $? "stats show: a row per VNI and one for the namespace"
t_json "stats show vni -j" "len(d) == 1 and d[0]['vni'] == 100 and all(k in d[0] for k in
	('rx-packets', 'rx-bytes', 'tx-packets', 'tx-bytes', 'tx-flood', 'arp-suppressed',
	 'nd-suppressed', 'routed'))" c -j stats show vni 100

# ---- privileges --------------------------------------------------------------
section "privileges"
if command -v setpriv >/dev/null; then
	nobody() { ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	t_rc "show without CAP_NET_ADMIN" 0 nobody "$CSVXCTL" vrf show
	# refused by the genetlink core, which gives no extended ack
	t_err "a mutation without CAP_NET_ADMIN: exit 1" 1 "csvxctl: vrf add: Operation not permitted" \
		nobody "$CSVXCTL" vrf add green id 30 l3vni 3000 rmac 02:00:00:00:30:01
else
	log_test $ksft_skip "privileges (setpriv missing)"
fi

# ---- batch -------------------------------------------------------------------
section "batch"
cat >"$tmp/ok.batch" <<EOF
# a comment, then a blank line

vrf add green id 30 l3vni 3000 rmac 02:00:00:00:30:01   # trailing comment
vni add 300 vrf green dev vx300 mtu 1450
fdb add vni 300 mac 02:00:00:00:03:01 remote 192.0.2.2 seq 1
fdb show vni 300
EOF
t_out "batch: comments, blank lines, a show after mutations" \
	"VNI  MAC                REMOTE     SEQ  FLAGS  IP
300  02:00:00:00:03:01  192.0.2.2  1    -      -" c -b "$tmp/ok.batch"
t_out "batch from standard input" "NAME   ID  L3VNI  RMAC
green  30  3000   02:00:00:00:30:01" c -b - <<<"vrf show green"

printf '%s\n' "vrf add b1 id 41 l3vni 4100 rmac 02:00:00:00:41:01" "# comment" \
	"vni add 301 vrf nope dev vx301" "vrf add b2 id 42 l3vni 4200 rmac 02:00:00:00:42:01" \
	>"$tmp/fail.batch"
run c -b "$tmp/fail.batch"
[ "$rc" = 1 ] && [[ "$err" == "csvxctl: line 3: vni add: "?* ]] && [ "$(wc -l <<<"$err")" = 1 ]
log_test $? "batch: a refused line is named by its number, exit 1"
c vrf show b1 >/dev/null 2>&1 && ! c vrf show b2 >/dev/null 2>&1
log_test $? "batch: lines before the failure applied, none after"
c vrf del b1 >/dev/null 2>&1
run c -f -b "$tmp/fail.batch"
[ "$rc" = 1 ] && [[ "$err" == "csvxctl: line 3: vni add: "?* ]] &&
	c vrf show b1 >/dev/null 2>&1 && c vrf show b2 >/dev/null 2>&1
log_test $? "batch -f: goes on after the failure, exit 1"
c vrf del b1 >/dev/null 2>&1
c vrf del b2 >/dev/null 2>&1

printf '%s\n' "vrf add b1 id 41 l3vni 4100 rmac 02:00:00:00:41:01" \
	"vrf add b2 id notanumber l3vni 4200 rmac 02:00:00:00:42:01" \
	"vrf add b3 id 43 l3vni 4300 rmac 02:00:00:00:43:01" >"$tmp/usage.batch"
t_err "batch: a usage error is named by its line, exit 2" 2 \
	"csvxctl: line 2: vrf add: invalid id \`notanumber'" c -b "$tmp/usage.batch"
! c vrf show b3 >/dev/null 2>&1
log_test $? "batch: a usage error stops the batch"
c vrf del b1 >/dev/null 2>&1
run c -f -b "$tmp/usage.batch"
[ "$rc" = 2 ] && c vrf show b3 >/dev/null 2>&1
log_test $? "batch -f: goes on after a usage error, exit 2"
c vrf del b1 >/dev/null 2>&1
c vrf del b3 >/dev/null 2>&1
t_err "batch: unterminated quote" 2 "csvxctl: line 2: unterminated quote" \
	c -b - <<<$'vrf show\nvrf show "red'

# Without -f, consecutive fdb lines share requests of up to 1024 entries
# that the kernel applies in order up to the first it refuses: the refused
# line is still named, those before it are applied and nothing after it,
# here the 1500th of a run of fdb lines, with a vrf line after the run.
awk 'BEGIN {
	for (i = 1; i <= 2000; i++)
		printf "fdb add vni %d mac 02:00:00:77:%02x:%02x remote 192.0.2.9\n",
			i == 1500 ? 999 : 300, int(i / 256), i % 256
	print "vrf add b4 id 44 l3vni 4400 rmac 02:00:00:00:44:01"
}' >"$tmp/fdbfail.batch"
run c -b "$tmp/fdbfail.batch"
[ "$rc" = 1 ] && [[ "$err" == "csvxctl: line 1500: fdb add: "?* ]] && [ "$(wc -l <<<"$err")" = 1 ] &&
	[ "$(c fdb show vni 300 | grep -c ' 02:00:00:77:')" = 1499 ] && ! c vrf show b4 >/dev/null 2>&1
rc=$?
log_test $rc "batch: a refused fdb line among many is named, those before it applied, none after"
[ "$rc" = 0 ] || { echo "$err"; c fdb show vni 300 | grep -c ' 02:00:00:77:'; } | head -n 5 | diag
head -n 1499 "$tmp/fdbfail.batch" | sed 's/^fdb add \(.*\) remote .*/fdb del \1/' >"$tmp/fdbdel.batch"
run c -b "$tmp/fdbdel.batch"
[ "$rc" = 0 ] && [ "$(c fdb show vni 300 | grep -c ' 02:00:00:77:')" = 0 ]
log_test $? "batch: 1499 fdb del lines, sharing requests"

# Refusals in the middle of sendmsg windows (-f pipelines): each one is
# reported with its own line number, and everything else is applied.
c params set max-flood 10000
awk 'BEGIN {
	for (i = 1; i <= 3000; i++) {
		# lines 1000 and 2999 repeat an earlier entry
		n = i == 1000 ? 1 : i == 2999 ? 2 : i
		printf "flood add vni 300 remote 10.%d.%d.%d\n", int(n / 65536), int(n / 256) % 256, n % 256
	}
}' >"$tmp/many.batch"
run c -f -b "$tmp/many.batch"
[ "$rc" = 1 ] && [ "$(sed 's/: flood add: .*//' <<<"$err" | tr '\n' ' ')" = \
	"csvxctl: line 1000 csvxctl: line 2999 " ] &&
	[ "$(c flood show vni 300 | wc -l)" = 2999 ]
rc=$?
log_test $rc "batch -f: refusals across windows keep their line numbers"
[ "$rc" = 0 ] || head -n 5 <<<"$err" | diag

# ---- save -> flush -> restore -> save -----------------------------------------
section "save and restore"
c fdb add vni 100 mac $M1 remote 192.0.2.2 ip 10.1.0.11 ip 2001:db8:1::11 seq 3 sticky
c fdb add vni 100 mac $M3 ip 10.1.0.13
c route add vrf red 10.2.0.0/16 remote 192.0.2.2 rmac 02:00:00:00:10:02
c route add vrf blue 2001:db8:9::/48 remote 2001:db8::9 rmac 02:00:00:00:20:09
c vni add 400 vrf blue dev "vx400" gateway 2001:db8:40::1/64 gwmac 02:00:5e:00:04:01 mtu 1400
run c save
cp "$tmp/out" "$tmp/saved"
[ "$rc" = 0 ] && [ "$(head -n 1 "$tmp/saved" | cut -d' ' -f1-3)" = "params set udp-port" ] &&
	! grep -q connected "$tmp/saved" && grep -q '^vni add 400 vrf blue dev vx400 ' "$tmp/saved"
log_test $? "save: params first, no connected route"
{
	awk '$1 == "vrf" { print "route flush vrf " $3 }' "$tmp/saved"
	awk '$1 == "vni" { print "vni del " $3 }' "$tmp/saved"
	awk '$1 == "vrf" { print "vrf del " $3 }' "$tmp/saved"
} >"$tmp/flush.batch"
t_rc "flush everything in a batch" 0 c -b "$tmp/flush.batch"
[ "$(c save | wc -l)" = 1 ] && [ -z "$(c vni show)" ] && ! ip -n "$ns" link show vx100 >/dev/null 2>&1
log_test $? "nothing is left but the params"
t_rc "restore: csvxctl -b of the saved file" 0 c -b "$tmp/saved"
run c save
[ "$rc" = 0 ] && [ "$(sort "$tmp/saved")" = "$(sort <<<"$out")" ]
rc=$?
log_test $rc "save after restore is identical"
[ "$rc" = 0 ] || diff <(sort "$tmp/saved") <(sort <<<"$out") | head -n 20 | diag
t_rc "restore into a fresh namespace (-n)" 0 "$CSVXCTL" -n "$ns2" -b "$tmp/saved"
run "$CSVXCTL" -n "$ns2" save
[ "$rc" = 0 ] && [ "$(sort "$tmp/saved")" = "$(sort <<<"$out")" ]
log_test $? "save of the fresh namespace is identical"

# ---- -n: namespaces are independent -------------------------------------------
section "namespaces"
t_rc "the same VRF name in another namespace, other values" 0 \
	"$CSVXCTL" -n "$ns3" vrf add red id 99 l3vni 9900 rmac 02:00:00:00:99:01
t_out "each namespace sees its own" "NAME  ID  L3VNI  RMAC
red   99  9900   02:00:00:00:99:01" "$CSVXCTL" -n "$ns3" vrf show
t_out "and the other namespace is unchanged" "NAME  ID  L3VNI  RMAC
red   10  1000   02:00:00:00:10:01" "$CSVXCTL" -n "$ns2" vrf show red
ip netns exec "$ns3" "$CSVXCTL" vrf show red >/dev/null 2>&1
log_test $? "ip netns exec works as -n does"
t_rc "a delete in one namespace" 0 "$CSVXCTL" -n "$ns3" vrf del red
"$CSVXCTL" -n "$ns2" vrf show red >/dev/null 2>&1
log_test $? "leaves the other alone"

# ---- monitor ---------------------------------------------------------------------
section "monitor"
# Start a monitor, then poke until it has seen a probe: from then on it is
# subscribed.
start_monitor() {
	local file=$1 i
	shift
	# not through c(): $! must be csvxctl itself, not a subshell
	"$CSVXCTL" -n "$ns" "$@" monitor >"$file" 2>"$file.err" &
	mon_pid=$!
	mon_pids+=("$mon_pid")
	for i in $(seq 1 50); do
		c vrf add probe id 999 l3vni 9990 rmac 02:00:00:00:99:99 2>/dev/null
		c vrf del probe 2>/dev/null
		grep -q probe "$file" && return 0
		sleep 0.2
	done
	return 1
}
start_monitor "$tmp/mon"
log_test $? "monitor starts and sees changes"
start_monitor "$tmp/monj" -j
jpid=$mon_pid
c vrf add mred id 77 l3vni 7700 rmac 02:00:00:00:77:01
c vni add 700 vrf mred dev vx700 mtu 1450
c fdb add vni 700 mac 02:00:00:00:07:01 remote 192.0.2.7 seq 5
c fdb del vni 700 mac 02:00:00:00:07:01
c vni del 700
c vrf del mred
sleep 1
# Signal a monitor and collect its exit status; KILL it if it lingers.
stop_monitor() {
	local pid=$1 sig=$2 i st
	kill -"$sig" "$pid"
	for i in $(seq 1 50); do
		st=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && break
		sleep 0.1
	done
	if [ -n "$st" ] && [ "$st" != Z ]; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		return 1
	fi
	wait "$pid"
}
stop_monitor "${mon_pids[0]}" TERM
log_test $? "monitor exits 0 on SIGTERM"
stop_monitor "$jpid" INT
log_test $? "monitor exits 0 on SIGINT"
mon_pids=()
grep -qx "add vrf mred id 77 l3vni 7700 rmac 02:00:00:00:77:01" "$tmp/mon" &&
	grep -qx "del vrf mred" "$tmp/mon"
log_test $? "monitor: add and del of a VRF as batch lines"
grep -qx "add fdb vni 700 mac 02:00:00:00:07:01 remote 192.0.2.7 seq 5" "$tmp/mon" &&
	grep -qx "del fdb vni 700 mac 02:00:00:00:07:01" "$tmp/mon" &&
	grep -q "^add vni 700 vrf mred dev vx700" "$tmp/mon" && grep -qx "del vni 700" "$tmp/mon"
rc=$?
log_test $rc "monitor: fdb and vni changes"
[ "$rc" = 0 ] || diag <"$tmp/mon"
cp "$tmp/monj" "$tmp/monj.check"
json_check "monitor -j: one JSON object per line" \
	"{'action': 'add', 'object': 'vrf', 'name': 'mred', 'id': 77, 'l3vni': 7700,
	  'rmac': '02:00:00:00:77:01'} in d and
	 any(o.get('action') == 'del' and o.get('object') == 'vrf' and o.get('name') == 'mred'
	     for o in d)" "$tmp/monj.check" lines

# ---- a large batch, timed ---------------------------------------------------------
section "a large batch"
# A namespace of its own, so the other checks' state does not weigh on it.
c3() { "$CSVXCTL" -n "$ns3" "$@"; }
c3 params set max-fdb $((NFDB * 2)) >/dev/null
c3 vni add 500 dev vx500 >/dev/null
awk -v n="$NFDB" 'BEGIN {
	for (i = 0; i < n; i++) {
		a = int(i / 65536); b = int(i / 256) % 256; c = i % 256
		printf "fdb add vni 500 mac 02:00:%02x:%02x:%02x:01 remote 198.51.100.%d ip 10.%d.%d.%d\n",
			a, b, c, i % 200 + 1, a, b, c
	}
}' >"$tmp/big.batch"
# timed_batch N [OPTIONS]: run the first N lines of the big batch; sets rate.
timed_batch() {
	local n=$1 t0 t1
	shift
	head -n "$n" "$tmp/big.batch" >"$tmp/part.batch"
	t0=$(date +%s%N)
	c3 "$@" -b "$tmp/part.batch" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t1=$(date +%s%N)
	rate=$(( n * 1000000000 / (t1 - t0 + 1) ))
	[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] &&
		[ "$(c3 params show | awk '$1 == "max-fdb" { print $3 }')" = "$n" ]
}
# Without -f one request is in flight at a time (the batch must stop at a
# refused line), but fdb lines share requests of up to 1024 entries.
timed_batch "$NFDB"
log_test $? "batch: $NFDB fdb add, many per request ($rate/s)"
c3 fdb flush vni 500
timed_batch "$NFDB" -f
log_test $? "batch -f: $NFDB fdb add, pipelined ($rate/s)"
c3 fdb show vni 500 >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
	[ "$(wc -l <"$tmp/out")" = $((NFDB + 1)) ]
log_test $? "fdb show streams $NFDB entries"

section "done"
exit $ret
