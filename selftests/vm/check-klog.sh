#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scan guest kernel logs (dmesg.txt, console.log) for reports of kernel bugs:
#
#   check-klog.sh FILE...     exit 0 if clean; else prints the offending lines
#                             (with a little context) and exits 1
#
# What counts as a report is the list in `bad` below (warnings, BUGs, oopses,
# KASAN/UBSAN/lockdep/RCU/kmemleak/debugobjects/refcount/ref_tracker reports,
# call traces, stalls, panics).  klog-allow.txt lists exact messages known to
# be printed by an ordinary boot of the kernels we test; keep it precise:
# one extended regex per line, matched against the whole message without its
# "[    1.234567] " timestamp.

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

bad='WARNING:|BUG:|Oops|KASAN|UBSAN|lockdep|possible circular locking|possible recursive locking'
bad+='|suspicious RCU usage|kmemleak|Call Trace|cut here|general protection fault|Kernel panic'
bad+='|refcount_t:|ODEBUG:|ref_tracker:|list_(add|del) corruption|stack-protector|stack guard page'
bad+='|blocked for more than|detected stalls?|soft lockup|hard LOCKUP|scheduling while atomic'
bad+='|sleeping function called from invalid context|unreferenced object|Unable to handle'

allow=()
while IFS= read -r l; do
	case "$l" in '' | '#'*) continue ;; esac
	allow+=("$l")
done <"$here/klog-allow.txt"

rc=0
for f in "$@"; do
	[ -e "$f" ] || continue
	# Only kernel messages (printk timestamps): the console also carries the
	# tests' own output, whose test names may well say "WARNING" or "lockdep".
	hits=$(tr -d '\r' <"$f" | sed -nE 's/^\[ *[0-9]+\.[0-9]+\] //p' | grep -nE "$bad" || true)
	for a in "${allow[@]}"; do
		hits=$(printf '%s\n' "$hits" | grep -vE "^[0-9]+:($a)\$" || true)
	done
	[ -n "$hits" ] || continue
	rc=1
	echo "== $f: $(printf '%s\n' "$hits" | wc -l) line(s) report a kernel problem"
	first=$(printf '%s\n' "$hits" | head -n 1 | cut -d: -f1)
	printf '%s\n' "$hits" | head -n 20 | sed 's/^/   /'
	echo "   -- context of the first one:"
	tr -d '\r' <"$f" | grep -E '^\[ *[0-9]+\.[0-9]+\] ' |
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 30))p" | sed 's/^/   | /'
done
exit $rc
