#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# THE test command of csvx.  As root on a Debian 12 machine:
#
#   selftests/run_all.sh [--quick] [--kernel 6.1|6.12|debug]... [--suite S]... [--no-deps]
#
#   --quick        no debug kernel (only Debian's 6.1 and 6.12)
#   --kernel K     only these guest kernels (repeatable; default 6.1 6.12 debug)
#   --suite S      only these suites (repeatable; default all):
#                    unit  native unit tests (selftests/unit), on the host
#                    api   kselftest-harness tests of the netlink API, in guests
#                    net   netns scenarios (selftests/net/*.sh), in guests
#                    dkms  the Debian packages built, installed (the csvx-dkms
#                          postinst: dkms add/build/install for 6.1 and 6.12)
#                          and purged here
#                  the host builds (csvxctl, unit and API tests) always run.
#   --no-deps      do not run selftests/vm/deps.sh first
#   --only GLOB    in the guests, only the API binaries and scenarios whose
#                  file name matches GLOB (repeatable), e.g. --only 'test_sg*'
#
# What it does: installs dependencies (selftests/vm/deps.sh); starts building
# the debug kernel in the background (selftests/vm/debug-kernel.sh; cached in
# /var/cache/csvx, free when nothing changed); builds the user-space parts;
# runs the unit tests natively; for each kernel builds csvx.ko
# (scripts/build-module.sh, W=1, no warning allowed), boots the kernel under
# qemu with the host root over 9p (selftests/vm/run-guest.sh) and runs the
# guest suites (selftests/vm/guest-suites.sh); checks DKMS.  Guests run one
# after another.  Everything is kept in /var/cache/csvx/runs/<time>/
# (/var/cache/csvx/runs/latest).
#
# Counting (selftests/vm/results.sh has the details): every kselftest TAP
# result line, every "TEST: ... [ OK ]/[FAIL]/[SKIP]" line of a scenario, and
# every check of the harness itself is one test:
#   build: <dir>                               a user-space component builds
#   unit: ..., <K>: api/..., <K>: net/...       the suites' own tests
#   <K>: csvx.ko builds with W=1 and no warning
#   <K>: guest boots and reports               (a guest that times out or
#                                               crashes before reporting fails)
#   <K>: module loads / module unloads
#   <K>: kernel log has no warning, BUG, oops or sanitizer report
#                                              (selftests/vm/check-klog.sh)
#   debug: kernel builds, debug: kmemleak is active,
#   debug: kmemleak finds nothing after unload
#   dkms: the Debian packages build, install (the csvx-dkms postinst builds
#         csvx for 6.1 and 6.12), work and purge cleanly: the names are in
#         selftests/vm/packages.sh
# A test binary or scenario that crashes, times out or exits non-zero without
# reporting a failure counts as one more failed test.  Skips are listed but
# neither passed nor failed.  The last line is exactly "N passed, M failed";
# the exit status is 0 iff M == 0 and N > 0.
#
# Environment: CSVX_GUEST_TIMEOUT (s, per generic guest, default 3600),
# CSVX_DEBUG_GUEST_TIMEOUT (default 5400), CSVX_TEST_TIMEOUT (per test binary
# or scenario in the guest, default 600, 1200 on the debug kernel; a guest
# whose output stops for that long plus 300 s is stopped as hung),
# CSVX_GUEST_LANES (1, the default: one guest at a time; 2: the debug
# guest beside the others), CSVX_DEBUG_JOBS (make -j of the background debug kernel build, default 2),
# CSVX_DEBUG_SCALE (CSVX_TEST_SCALE in the debug guest: percent of each
# API scale test's size, default 10),
# CSVX_DEBUG_ONLY (the --only globs of the debug guest; default all API
# tests (test_sg_dp drives the security groups) and the l2, irb and
# lifecycle scenarios),
# CI=true (print the logs of what failed).

set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
vm=$repo/selftests/vm
. "$vm/lib.sh"
. "$vm/results.sh"

kernels=() suites=() quick=0 deps=1 only=
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--kernel) kernels+=("${2:?}"); shift ;;
	--kernel=*) kernels+=("${1#*=}") ;;
	--suite) suites+=("${2:?}"); shift ;;
	--suite=*) suites+=("${1#*=}") ;;
	--no-deps) deps=0 ;;
	--only) only+="${only:+ }${2:?}"; shift ;;
	--only=*) only+="${only:+ }${1#*=}" ;;
	-h | --help) sed -n '4,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12 debug)
[ ${#suites[@]} -gt 0 ] || suites=(unit api net dkms)
if [ "$quick" = 1 ]; then
	k=()
	for x in "${kernels[@]}"; do [ "$x" = debug ] || k+=("$x"); done
	kernels=("${k[@]}")
fi
for x in "${kernels[@]}"; do
	case "$x" in 6.1 | 6.12 | debug) ;; *) die "--kernel: 6.1, 6.12 or debug, not $x" ;; esac
done
for x in "${suites[@]}"; do
	case "$x" in unit | api | net | dkms) ;; *) die "--suite: unit, api, net or dkms, not $x" ;; esac
done
want_suite() { local s; for s in "${suites[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
want_kernel() { local k; for k in "${kernels[@]}"; do [ "$k" = "$1" ] && return 0; done; return 1; }
guest_suite=
if want_suite api && want_suite net; then guest_suite=all
elif want_suite api; then guest_suite=api
elif want_suite net; then guest_suite=net
fi

[ "$(id -u)" = 0 ] || die "run as root (installs packages, boots guests, uses DKMS)"
mkdir -p "$CSVX_CACHE/runs"
exec 8>"$CSVX_CACHE/run_all.lock"
flock -n 8 || die "another run_all.sh is running (lock $CSVX_CACHE/run_all.lock)"

stamp=$(date +%Y%m%d-%H%M%S)
run=$CSVX_CACHE/runs/$stamp
mkdir -p "$run"
ln -sfn "$stamp" "$CSVX_CACHE/runs/latest"
ls -1d "$CSVX_CACHE"/runs/2* 2>/dev/null | head -n -10 | xargs -r rm -rf
res_init "$run/results.tsv"
: >"$run/timings.txt"
t_start=$(now)

dk_pid=
cleanup() {
	if [ -n "$dk_pid" ] && kill -0 "$dk_pid" 2>/dev/null; then
		warn "stopping the debug kernel build (pid $dk_pid)"
		kill -TERM -- "-$dk_pid" 2>/dev/null || kill -TERM "$dk_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

timing() { printf '%-40s %8s s\n' "$1" "$2" | tee -a "$run/timings.txt" >&2; }
ci_show() {	# print a log when running in CI, where the run dir is not at hand
	[ "${CI:-}" = true ] || return 0
	echo "---- $1 (last ${3:-60} lines) ----"
	tail -n "${3:-60}" "$2" 2>/dev/null || true
	echo "----"
}

say "csvx test run $stamp: kernels ${kernels[*]:-none}, suites ${suites[*]}; logs in $run"

# ---- dependencies ------------------------------------------------------------
if [ "$deps" = 1 ]; then
	say "installing dependencies (selftests/vm/deps.sh)"
	t=$(now)
	if ! "$vm/deps.sh" >"$run/deps.log" 2>&1; then
		res_record fail "host: dependencies install (selftests/vm/deps.sh)" "see $run/deps.log"
		ci_show deps.sh "$run/deps.log"
	fi
	timing "deps.sh" "$(elapsed "$t")"
fi

# ---- debug kernel, in the background ------------------------------------------
if want_kernel debug && [ -n "$guest_suite" ]; then
	say "debug kernel: building in the background if not cached (log: $run/debug-kernel.log)"
	t_dk=$(now)
	setsid "$vm/debug-kernel.sh" -j"${CSVX_DEBUG_JOBS:-2}" >"$run/debug-kernel.out" 2>"$run/debug-kernel.log" </dev/null &
	dk_pid=$!
fi

# ---- user-space builds ----------------------------------------------------------
build_dir() {	# build_dir DIR: `make -C DIR` as a test, if DIR has a Makefile
	local d=$1 log
	log=$run/build-$(echo "$d" | tr / _).log
	if [ ! -e "$repo/$d/Makefile" ]; then
		say "build: $d has no Makefile yet, not built"
		return 0
	fi
	t=$(now)
	local rc=0
	make -C "$repo/$d" -j"$(nproc)" >"$log" 2>&1 || rc=$?
	timing "build $d" "$(elapsed "$t")"
	if [ "$rc" = 0 ]; then
		res_record pass "build: $d"
	else
		res_record fail "build: $d" "see $log"
		grep -E 'error|warning' "$log" | head -n 20 >&2 || true
		ci_show "make -C $d" "$log"
	fi
	return "$rc"
}
build_dir tools/csvxctl || true
# the EVPN agent: net/evpn.sh runs it in the guests, its own tables are unit-tested
evpnd_built=0
if build_dir tools/csvx-evpnd; then evpnd_built=1; fi
unit_built=0 api_built=0
if want_suite unit && build_dir selftests/unit; then unit_built=1; fi
if [ -n "$guest_suite" ] && [ "$guest_suite" != net ] && build_dir selftests/api; then api_built=1; fi
# A failed build is one failure; its stale or missing binaries are not run.
if [ "$api_built" = 0 ]; then
	case "$guest_suite" in
	all) guest_suite=net ;;
	api) guest_suite=none ;;
	esac
fi

# ---- unit tests, natively ----------------------------------------------------------
run_tap_binary() {	# run_tap_binary PREFIX BIN LOG
	local rc=0
	(cd "$(dirname "$2")" && timeout -k 10 "${CSVX_TEST_TIMEOUT:-600}" "$2") >"$3" 2>&1 </dev/null || rc=$?
	res_tap "$1" "$3" "$rc"
	if [ "$rc" != 0 ] && [ "$rc" != 4 ]; then ci_show "$1" "$3"; fi
}
if want_suite unit; then
	if [ "$unit_built" = 0 ]; then
		:	# build failure already recorded
	elif [ -e "$repo/selftests/unit/Makefile" ]; then
		say "unit: running natively"
		t=$(now)
		mkdir -p "$run/unit"
		bins=$(make -s -C "$repo/selftests/unit" list 2>/dev/null || true)
		if [ -n "$bins" ]; then
			for b in $bins; do
				rel=${b#"$repo/selftests/unit/"}
				run_tap_binary "unit: $rel" "$b" "$run/unit/$(echo "$rel" | tr / _).log"
			done
		else
			# No `list` target: one `make run` over all of them.
			rc=0
			make -s -C "$repo/selftests/unit" run >"$run/unit/run.log" 2>&1 </dev/null || rc=$?
			res_tap "unit" "$run/unit/run.log" "$rc"
			if [ "$rc" != 0 ]; then ci_show "unit" "$run/unit/run.log"; fi
		fi
		if [ "$evpnd_built" = 1 ]; then
			for b in test_htab test_nl; do
				make -s -C "$repo/tools/csvx-evpnd" "$b" >/dev/null 2>&1 || true
				run_tap_binary "unit: csvx-evpnd/$b" "$repo/tools/csvx-evpnd/$b" \
					"$run/unit/csvx-evpnd_$b.log"
			done
		fi
		timing "unit tests" "$(elapsed "$t")"
	else
		res_record fail "unit: suite exists" "selftests/unit/Makefile missing"
	fi
fi

# API test list for the guests (absolute paths, one per line).
if [ -n "$guest_suite" ] && [ -e "$repo/selftests/api/Makefile" ]; then
	make -s -C "$repo/selftests/api" list >"$run/api-list" 2>/dev/null || : >"$run/api-list"
else
	: >"$run/api-list"
fi

# ---- guests ------------------------------------------------------------------------
guest_kernel() {	# guest_kernel K: one kernel's module build, boot, suites, checks
	local k=$1
	local kver kdir image moddir="" ko extra="" tmo=${CSVX_GUEST_TIMEOUT:-3600} out=$run/$k
	local ttmo=${CSVX_TEST_TIMEOUT:-600}
	local t rc=0 gs=(--label "$k" --suite "$guest_suite")
	local genv=() v
	# EVPN_* (net/evpn.sh's knobs: EVPN_SCALE, EVPN_PHASES, ...) go in as given
	for v in ${!EVPN_@}; do genv+=(-e "$v=${!v}"); done
	mkdir -p "$out"
	if [ "$k" = debug ]; then
		say "debug: waiting for the debug kernel build"
		rc=0
		if [ "$BASHPID" = "$$" ]; then
			wait "$dk_pid" || rc=$?
		else
			# a guest lane of its own: the build is not this
			# subshell's child, its done file tells how it went
			while kill -0 "$dk_pid" 2>/dev/null; do sleep 2; done
		fi
		dk_pid=
		timing "debug kernel build (background, cached: $(grep -q building "$run/debug-kernel.log" && echo no || echo yes))" "$(elapsed "$t_dk")"
		local dkdir
		dkdir=$(tail -n 1 "$run/debug-kernel.out" 2>/dev/null || true)
		if [ "$rc" != 0 ] || [ ! -e "$dkdir/done" ]; then
			res_record fail "debug: kernel builds" "see $run/debug-kernel.log"
			ci_show "debug-kernel.sh" "$run/debug-kernel.log"
			return 0
		fi
		res_record pass "debug: kernel builds"
		kver=$(cat "$dkdir/kver")
		kdir=$dkdir/build
		image=$dkdir/bzImage
		moddir=$dkdir/modules/lib/modules/$kver
		extra="panic_on_warn=1 oops=panic"
		tmo=${CSVX_DEBUG_GUEST_TIMEOUT:-5400}
		ttmo=${CSVX_TEST_TIMEOUT:-1200}
		gs+=(--kmemleak)
		# KASAN and lockdep make the guest ~3x slower: every API test at a
		# tenth of the scale, and the scenarios that cover each datapath.
		genv+=(-e "CSVX_TEST_SCALE=${CSVX_DEBUG_SCALE:-10}")
		# frames through the bridge take longer than 1.5 s there at times
		genv+=(-e "CSVX_DP_WAIT=${CSVX_DP_WAIT:-4}")
		[ -n "$only" ] || genv+=(-e "CSVX_ONLY=${CSVX_DEBUG_ONLY:-test_* l2.sh irb.sh lifecycle.sh}")
	else
		# FRR's EVPN scenario (5 minutes) runs on Debian 12's default
		# kernel; `--only evpn.sh` or CSVX_EVPN_KERNELS="6.1 6.12" for both.
		case " ${CSVX_EVPN_KERNELS:-6.1} " in
		*" $k "*) ;;
		*) genv+=(-e "CSVX_EXCLUDE=evpn.sh") ;;
		esac
		kver=$("$vm/kernels.sh" installed "$k")
		if [ -z "$kver" ]; then
			res_record fail "$k: kernel installed" "no $k kernel with headers (selftests/vm/deps.sh)"
			return 0
		fi
		kdir=/lib/modules/$kver/build
		image=/boot/vmlinuz-$kver
	fi
	say "$k: $kver"

	t=$(now)
	ko=$CSVX_CACHE/build/$kver/csvx.ko
	if "$repo/scripts/build-module.sh" "$kdir" "$CSVX_CACHE/build/$kver" >/dev/null 2>"$out/module-build.err"; then
		res_record pass "$k: csvx.ko builds with W=1 and no warning"
	else
		res_record fail "$k: csvx.ko builds with W=1 and no warning" "see $CSVX_CACHE/build/$kver/build.log"
		sed 's/^/    /' "$out/module-build.err" | head -n 30 >&2
		ci_show "module build for $kver" "$CSVX_CACHE/build/$kver/build.log" 40
		rm -f "$ko"	# the guest then records "module loads" as failed
	fi
	timing "$k: csvx.ko build" "$(elapsed "$t")"

	cp "$run/api-list" "$out/api-list"
	t=$(now)
	rc=0
	# A guest whose results dir does not change for longer than one test may
	# take is hung; -t only bounds the whole run.
	"$vm/run-guest.sh" -o "$out" -t "$tmo" -i $((ttmo + 300)) ${moddir:+-m "$moddir"} ${extra:+-a "$extra"} \
		-e "CSVX_TEST_TIMEOUT=$ttmo" ${only:+-e "CSVX_ONLY=$only"} "${genv[@]}" \
		"$image" -- "$vm/guest-suites.sh" "${gs[@]}" "$ko" 2>"$out/run-guest.log" || rc=$?
	timing "$k: guest (boot + suites)" "$(elapsed "$t")"
	if [ -s "$out/results.tsv" ]; then
		cat "$out/results.tsv" >>"$RES_FILE"
		awk -F'\t' '{ t = $1 == "pass" ? "[ OK ]" : $1 == "fail" ? "[FAIL]" : "[SKIP]"
			printf "TEST: %-70s %s%s\n", $2, t, ($1 != "pass" && $3 != "" ? "  (" $3 ")" : "") }' "$out/results.tsv"
	fi
	if [ -s "$out/status" ]; then
		res_record pass "$k: guest boots and reports"
		[ -e "$out/suites-done" ] ||
			res_record fail "$k: guest suites run to completion" "exit status $rc, see $out/output.log"
	else
		case "$rc" in
		124) res_record fail "$k: guest boots and reports" "timed out after ${tmo}s" ;;
		*) res_record fail "$k: guest boots and reports" "no report (crash or panic?), see $out/console.log" ;;
		esac
		sed 's/^/    /' "$out/run-guest.log" >&2
		ci_show "$k console" "$out/console.log" 80
	fi
	if "$vm/check-klog.sh" "$out/dmesg.txt" "$out/console.log" >"$out/klog-check.txt" 2>&1; then
		res_record pass "$k: kernel log has no warning, BUG, oops or sanitizer report"
	else
		res_record fail "$k: kernel log has no warning, BUG, oops or sanitizer report" "see $out/klog-check.txt"
		head -n 60 "$out/klog-check.txt" | sed 's/^/    /' >&2
	fi
	# Failed tests' logs, for CI.
	if [ "${CI:-}" = true ] && grep -q $'^fail\t' "$out/results.tsv" 2>/dev/null; then
		for f in "$out"/logs/*.log "$out"/logs/kmemleak.txt; do
			[ -e "$f" ] && grep -qE '\[FAIL\]|^not ok|unreferenced object' "$f" && ci_show "$k $(basename "$f")" "$f" 80
		done
	fi
	say "$k: $(grep -c $'^pass\t'"$k: " "$RES_FILE" || true) passed, $(grep -c $'^fail\t'"$k: " "$RES_FILE" || true) failed"
}

guest_lane() {	# guest_lane K...: these guests, one after another
	local k
	for k in "$@"; do
		if want_kernel "$k"; then guest_kernel "$k"; fi
	done
}
# CSVX_GUEST_LANES=2 runs the debug guest beside the 6.1 and 6.12 guests,
# its report printed when both lanes are done.  Not the default: measured
# on 2 cores (run 20261122-075728) the guests slowed each other down so
# much (6.1 1761 s against 981 alone, debug 3064 s against 1261) that the
# whole run took as long as one guest at a time (3551 s against 3400).
if [ -n "$guest_suite" ]; then
	if [ "${CSVX_GUEST_LANES:-1}" -ge 2 ] && [ "$(nproc)" -ge 2 ] && want_kernel debug &&
		{ want_kernel 6.1 || want_kernel 6.12; }; then
		say "guests: debug in a lane of its own beside 6.1 and 6.12 (its log: $run/lane-debug.out)"
		(guest_lane debug) >"$run/lane-debug.out" 2>&1 &
		lane_pid=$!
		guest_lane 6.1 6.12
		wait "$lane_pid" || true
		cat "$run/lane-debug.out"
	else
		guest_lane 6.1 6.12 debug
	fi
fi

# ---- DKMS ------------------------------------------------------------------------------
# The csvx-dkms package's postinst is `dkms add/build/install` for every
# installed kernel: the packages' test covers DKMS too.
if want_suite dkms; then . "$vm/packages.sh"; dkms_packages; fi

# ---- summary ---------------------------------------------------------------------------
timing "total" "$(elapsed "$t_start")"
echo
echo "== csvx test summary ($run)"
printf '%-12s %7s %7s %7s\n' suite passed failed skipped
awk -F'\t' '{ s = $2; sub(/:.*/, "", s); if (s ~ /^(6\.1|6\.12|debug)$/) { r = $2; sub(/^[^:]*: /, "", r); sub(/[\/:].*/, "", r); if (r != "api" && r != "net") r = "vm"; s = s "/" r }
	     c[s, $1]++; if (!(s in seen)) { seen[s] = 1; order[n++] = s } }
     END { for (i = 0; i < n; i++) { s = order[i]; printf "%-12s %7d %7d %7d\n", s, c[s, "pass"], c[s, "fail"], c[s, "skip"] } }' "$RES_FILE"
if grep -q $'^fail\t' "$RES_FILE"; then
	echo "failed:"
	awk -F'\t' '$1 == "fail" { printf "  %s%s\n", $2, ($3 != "" ? "  (" $3 ")" : "") }' "$RES_FILE"
fi
if grep -q $'^skip\t' "$RES_FILE"; then
	echo "skipped:"
	awk -F'\t' '$1 == "skip" { printf "  %s%s\n", $2, ($3 != "" ? "  (" $3 ")" : "") }' "$RES_FILE"
fi
echo "timings:"
sed 's/^/  /' "$run/timings.txt"
npass=$(res_count "$RES_FILE" pass)
nfail=$(res_count "$RES_FILE" fail)
echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ] && [ "$npass" -gt 0 ]
