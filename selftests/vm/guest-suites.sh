#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs INSIDE the test guest (run-guest.sh starts it): load csvx.ko, run the
# API tests and the netns scenarios, unload it, optionally check kmemleak.
#
#   guest-suites.sh [--label L] [--suite api|net|all|none] [--kmemleak] CSVX_KO
#
# --suite none only loads and unloads the module (and checks kmemleak).
#
# Results go to $CSVX_OUT/results.tsv (see results.sh), each test's output
# to $CSVX_OUT/logs/.  $CSVX_OUT/api-list, if present, lists the API test
# binaries (run_all.sh writes it from `make -s -C selftests/api list`);
# otherwise the guest asks make itself.  Exit status 0 iff nothing failed.
# Timeouts per binary/scenario: CSVX_TEST_TIMEOUT (default 600 s).
# CSVX_ONLY: space-separated globs; if set, only the API binaries and
# scenarios whose file name matches one of them run.  CSVX_EXCLUDE: globs
# of file names not to run (CSVX_ONLY wins over it).

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/results.sh"

label=$(uname -r) suite=all kmemleak=0
while [ $# -gt 0 ]; do
	case "$1" in
	--label) label=$2; shift 2 ;;
	--suite) suite=$2; shift 2 ;;
	--kmemleak) kmemleak=1; shift ;;
	-*) echo "usage: $0 [--label L] [--suite api|net|all] [--kmemleak] CSVX_KO" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--label L] [--suite api|net|all] [--kmemleak] CSVX_KO" >&2; exit 2; }
ko=$1
out=${CSVX_OUT:-/tmp/csvx-out}
logs=$out/logs
rm -rf "$logs" "$out/results.tsv" "$out/suites-done" "$out/durations.txt"
mkdir -p "$logs"
res_init "$out/results.tsv"
tmo=${CSVX_TEST_TIMEOUT:-600}
export CSVX_KO=$ko

say() { printf '[+] %s: %s\n' "$label" "$*"; }
loaded() { [ -e /sys/module/csvx ]; }
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'; }
wanted() {
	local - g
	set -f
	if [ -z "${CSVX_ONLY:-}" ]; then
		for g in ${CSVX_EXCLUDE:-}; do
			# shellcheck disable=SC2053
			[[ $1 == $g ]] && return 1
		done
		return 0
	fi
	for g in $CSVX_ONLY; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 0
	done
	return 1
}

say "kernel $(uname -r), $(nproc) CPUs, module $ko"
kml=/sys/kernel/debug/kmemleak
if [ "$kmemleak" = 1 ]; then
	# Forget what the boot itself left behind: only what the suites allocate counts.
	res_check "$label: kmemleak is active" "$kml missing or kmemleak disabled" \
		sh -c "echo clear >$kml"
fi

# ---- load ------------------------------------------------------------------
if [ ! -e "$ko" ]; then
	res_record fail "$label: module loads" "$ko does not exist"
else
	deps=$(modinfo -F depends "$ko" 2>/dev/null | tr ',' ' ')
	if [ -n "${deps// /}" ]; then
		# shellcheck disable=SC2086
		modprobe -a $deps >"$logs/modprobe-deps.log" 2>&1 ||
			say "modprobe $deps failed: $(cat "$logs/modprobe-deps.log")"
	fi
	if insmod "$ko" >"$logs/insmod.log" 2>&1 && loaded; then
		res_record pass "$label: module loads"
	else
		res_record fail "$label: module loads" "insmod: $(head -c 300 "$logs/insmod.log")"
	fi
fi

netns_before=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)
leftover_netns() {
	local name=$1 now extra n
	now=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)
	extra=$(comm -13 <(echo "$netns_before") <(echo "$now") | tr '\n' ' ')
	if [ -n "${extra// /}" ]; then
		res_record fail "$name: leaves no network namespace behind" "left: $extra"
		for n in $extra; do ip netns delete "$n" 2>/dev/null; done
	fi
}

# ---- API tests (kselftest harness, TAP) -----------------------------------
if [ "$suite" = all ] || [ "$suite" = api ]; then
	if [ -s "$out/api-list" ]; then
		bins=$(cat "$out/api-list")
	elif [ -e "$repo/selftests/api/Makefile" ]; then
		bins=$(make -s -C "$repo/selftests/api" list 2>/dev/null)
	else
		bins=
	fi
	if [ ! -e "$repo/selftests/api/Makefile" ]; then
		res_record fail "$label: api: suite exists" "selftests/api/Makefile missing"
	elif [ -z "$bins" ]; then
		res_record fail "$label: api: test binaries exist" "selftests/api lists no binary"
	fi
	for b in $bins; do
		case "$b" in /*) ;; *) b=$repo/selftests/api/$b ;; esac
		wanted "$(basename "$b")" || continue
		name="$label: api/$(basename "$b")"
		log=$logs/api-$(safe "$(basename "$b")").log
		if [ ! -x "$b" ]; then
			res_record fail "$name: builds" "$b missing"
			continue
		fi
		say "api/$(basename "$b")"
		t0=$SECONDS
		(cd "$(dirname "$b")" && timeout -k 10 "$tmo" "$b") >"$log" 2>&1 </dev/null
		rc=$?
		echo "$((SECONDS - t0)) s  api/$(basename "$b")" >>"$out/durations.txt"
		res_tap "$name" "$log" "$rc"
		leftover_netns "$name"
	done
fi

# ---- netns scenarios (shell) ----------------------------------------------
if [ "$suite" = all ] || [ "$suite" = net ]; then
	n=0
	for s in "$repo"/selftests/net/*.sh; do
		[ -e "$s" ] || continue
		case "$(basename "$s")" in lib.sh | lib_*.sh | _*) continue ;; esac
		wanted "$(basename "$s")" || continue
		n=$((n + 1))
		name="$label: net/$(basename "$s")"
		log=$logs/net-$(safe "$(basename "$s" .sh)").log
		say "net/$(basename "$s")"
		t0=$SECONDS
		(cd "$(dirname "$s")" && timeout -k 10 "$tmo" bash "$s") >"$log" 2>&1 </dev/null
		rc=$?
		echo "$((SECONDS - t0)) s  net/$(basename "$s")" >>"$out/durations.txt"
		res_ksft_sh "$name" "$log" "$rc"
		leftover_netns "$name"
		# A scenario may reload csvx; it must leave it loaded.
		if [ -e "$ko" ] && ! loaded; then
			res_record fail "$name: leaves csvx loaded" "csvx was unloaded"
			insmod "$ko" 2>/dev/null
		fi
	done
	[ "$n" -gt 0 ] || [ -n "${CSVX_ONLY:-}" ] || res_record fail "$label: net: scenarios exist" "no selftests/net/*.sh"
fi

# ---- unload ----------------------------------------------------------------
if [ -e "$ko" ]; then
	if ! loaded; then
		res_record fail "$label: module unloads" "csvx was not loaded any more"
	else
		ok=0
		# Namespaces the tests deleted are dismantled by a workqueue; give the
		# references a moment to go.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			if rmmod csvx >"$logs/rmmod.log" 2>&1 && ! loaded; then ok=1; break; fi
			sleep 1
		done
		if [ "$ok" = 1 ]; then
			res_record pass "$label: module unloads"
		else
			res_record fail "$label: module unloads" \
				"$(head -c 200 "$logs/rmmod.log"); refcnt $(cat /sys/module/csvx/refcnt 2>/dev/null)"
		fi
	fi
fi

# ---- kmemleak --------------------------------------------------------------
if [ "$kmemleak" = 1 ] && [ -w "$kml" ]; then
	# An object must be older than 5 s and found unreferenced by two scans
	# (the first one also records checksums) before kmemleak reports it.
	sleep 6
	echo scan >"$kml"
	sleep 6
	echo scan >"$kml"
	cat "$kml" >"$logs/kmemleak.txt"
	if [ -s "$logs/kmemleak.txt" ]; then
		res_record fail "$label: kmemleak finds nothing after unload" \
			"$(grep -c 'unreferenced object' "$logs/kmemleak.txt") object(s), see logs/kmemleak.txt"
		head -n 40 "$logs/kmemleak.txt"
	else
		res_record pass "$label: kmemleak finds nothing after unload"
	fi
fi

nfail=$(res_count "$out/results.tsv" fail)
say "$(res_count "$out/results.tsv" pass) passed, $nfail failed, $(res_count "$out/results.tsv" skip) skipped"
touch "$out/suites-done"
[ "$nfail" = 0 ]
