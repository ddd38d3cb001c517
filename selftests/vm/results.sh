# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The test-counting protocol, shared by run_all.sh (host) and guest-suites.sh
# (guest).  Sourced, not run.
#
# Every outcome is one line of a results file (tab-separated):
#     pass|fail|skip <TAB> name <TAB> detail
# and is echoed as a kernel-selftests style line: TEST: name [ OK ]/[FAIL]/[SKIP].
#
# Sources of outcomes:
#  - kselftest-harness binaries (TAP): each top-level "ok N name" is a pass,
#    "not ok N name" a fail; directives "# SKIP" -> skip, "# XFAIL" -> pass,
#    "# XPASS" -> fail.  The binary must also print its "# Totals:" line and
#    agree with its exit status: a crash, a timeout or a non-zero exit with no
#    failed test is one more fail ("<bin>: runs to completion").
#  - shell scenarios: each "TEST: <desc> [ OK ]|[FAIL]|[SKIP]|[XFAIL]" line;
#    exit 4 with no TEST lines is one skip; a non-zero exit (not 4) with no
#    [FAIL] line, or a timeout, is one fail; exit 0 with no TEST lines counts
#    as one pass of the script as a whole.
#  - checks made by the harness itself (module builds, loads, unloads, kernel
#    log clean, kmemleak, DKMS): one line each.

RES_FILE=${RES_FILE:-/dev/null}

res_init() {
	RES_FILE=$1
	mkdir -p "$(dirname "$RES_FILE")"
	: >>"$RES_FILE"
}

# res_record pass|fail|skip NAME [DETAIL]
res_record() {
	local st=$1 name=$2 detail=${3:-} tag
	case "$st" in
	pass) tag='[ OK ]' ;;
	fail) tag='[FAIL]' ;;
	skip) tag='[SKIP]' ;;
	*) echo "res_record: bad status $st" >&2; return 1 ;;
	esac
	name=${name//$'\t'/ }
	detail=${detail//$'\t'/ }
	detail=${detail//$'\n'/ }
	printf '%s\t%s\t%s\n' "$st" "$name" "$detail" >>"$RES_FILE"
	if [ -n "$detail" ] && [ "$st" != pass ]; then
		printf 'TEST: %-70s %s  (%s)\n' "$name" "$tag" "$detail"
	else
		printf 'TEST: %-70s %s\n' "$name" "$tag"
	fi
}

# res_check NAME DETAIL COMMAND...: record pass if COMMAND succeeds.
res_check() {
	local name=$1 detail=$2
	shift 2
	if "$@"; then res_record pass "$name"; else res_record fail "$name" "$detail"; fi
}

# res_tap PREFIX LOG RC: a kselftest-harness binary's output and exit status.
res_tap() {
	local prefix=$1 log=$2 rc=$3 line name st n=0 nfail=0 totals
	while IFS= read -r line; do
		[[ "$line" =~ ^(not\ )?ok\ [0-9]+\ (.*)$ ]] || continue
		name=${BASH_REMATCH[2]}
		if [ -n "${BASH_REMATCH[1]}" ]; then st=fail; else st=pass; fi
		case "$name" in
		*' # SKIP'*) st=skip; name=${name%% # SKIP*} ;;
		*' # XFAIL'*) [ "$st" = pass ] || st=fail; name=${name%% # XFAIL*} ;;
		*' # XPASS'*) st=fail; name=${name%% # XPASS*} ;;
		*' # '*) name=${name%% # *} ;;
		esac
		[ "$st" = fail ] && nfail=$((nfail + 1))
		n=$((n + 1))
		res_record "$st" "$prefix: $name"
	done <"$log"
	totals=$(grep -E '^# Totals: ' "$log" | tail -n 1 || true)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		res_record fail "$prefix: runs to completion" "timed out"
	elif [ -z "$totals" ]; then
		if [ "$rc" = 4 ] && [ "$n" = 0 ]; then
			res_record skip "$prefix" "exit status 4 (skip)"
		else
			res_record fail "$prefix: runs to completion" "no '# Totals:' line, exit status $rc"
		fi
	elif [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$nfail" = 0 ]; then
		res_record fail "$prefix: runs to completion" "exit status $rc with no failed test"
	elif [ "$rc" = 0 ] && [ "$nfail" != 0 ]; then
		res_record fail "$prefix: exit status reflects failures" "exit status 0 with $nfail failed"
	fi
}

# res_ksft_sh PREFIX LOG RC: a shell scenario's TEST lines and exit status.
res_ksft_sh() {
	local prefix=$1 log=$2 rc=$3 line desc tag st n=0 nfail=0
	while IFS= read -r line; do
		[[ "$line" =~ ^[[:space:]]*TEST:\ (.*[^[:space:]])[[:space:]]+\[\ ?(OK|FAIL|SKIP|XFAIL)\ ?\] ]] || continue
		desc=${BASH_REMATCH[1]}
		tag=${BASH_REMATCH[2]}
		case "$tag" in
		OK | XFAIL) st=pass ;;
		FAIL) st=fail; nfail=$((nfail + 1)) ;;
		SKIP) st=skip ;;
		esac
		n=$((n + 1))
		res_record "$st" "$prefix: $desc"
	done <"$log"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		res_record fail "$prefix: runs to completion" "timed out"
	elif [ "$rc" = 4 ] && [ "$n" = 0 ]; then
		res_record skip "$prefix" "exit status 4 (skip)"
	elif [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$nfail" = 0 ]; then
		res_record fail "$prefix: runs to completion" "exit status $rc with no [FAIL] line"
	elif [ "$rc" = 0 ] && [ "$n" = 0 ]; then
		res_record pass "$prefix"
	fi
}

# res_count FILE STATUS: number of lines with that status.
res_count() {
	local n
	n=$(grep -c "^$2"$'\t' "$1" 2>/dev/null) || true
	echo "${n:-0}"
}
