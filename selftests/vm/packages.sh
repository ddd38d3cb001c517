# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages on this host, a part of run_all.sh's dkms suite
# (sourced; uses $repo, $vm, $run and the res_* / say / timing helpers):
#
#   dkms: packages build with dpkg-buildpackage (...)   scripts/build-deb.sh, from a copy of the tree
#   dkms: dpkg -i of the packages
#   dkms: csvx-dkms builds and installs csvx for <kver>  by its postinst (dh_dkms), for 6.1 and 6.12
#   dkms: csvxctl package: tool, man page, CloudStack scripts, modules-load.d
#   dkms: csvx-evpnd package: daemon, units, config     (if it was built)
#   dkms: csvx-cloudstack switches CloudStack's scripts to csvx and back
#   dkms: dpkg --purge leaves nothing behind
#
# The host is left as found: the packages are purged whatever happened, and
# what DKMS creates on the side (its signing key, empty updates/ dirs) goes if
# it was not there before.  Packages of csvx installed by somebody else are
# not touched (the tests are skipped); a run interrupted while they were
# installed leaves a marker, and the next run purges them first.

PKG_NAMES=(csvx-evpnd csvxctl csvx-dkms)

pkg_installed() {	# pkg_installed NAME...: is any of them installed (or half)?
	local p st
	for p in "$@"; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$st" in '' | *not-installed) ;; *) return 0 ;; esac
	done
	return 1
}

pkg_dpkg() {	# dpkg with a wait for the lock (apt may be running for somebody else)
	local i rc
	for i in $(seq 1 24); do
		rc=0
		DEBIAN_FRONTEND=noninteractive dpkg "$@" >>"$PKG_LOG" 2>&1 || rc=$?
		[ "$rc" = 0 ] && return 0
		tail -n 3 "$PKG_LOG" | grep -q 'lock' || return "$rc"
		sleep 5
	done
	return "$rc"
}

pkg_purge() {
	local p installed=()
	for p in "${PKG_NAMES[@]}"; do pkg_installed "$p" && installed+=("$p"); done
	[ ${#installed[@]} -eq 0 ] || pkg_dpkg --purge "${installed[@]}"
}

dkms_packages() {
	local t ver marker=$CSVX_CACHE/packages-installed p deb debs=() k kver st ok detail
	local had_mok=0 had_etc=0 upd=() d tmp
	t=$(now)
	PKG_LOG=$run/packages.log
	: >"$PKG_LOG"
	ver=$(cat "$repo/VERSION")

	if pkg_installed "${PKG_NAMES[@]}"; then
		if [ -e "$marker" ]; then
			say "dkms: purging the packages an interrupted run left installed"
			pkg_purge || true
			rm -f "$marker"
		else
			res_record skip "dkms: packages install and purge" \
				"csvx packages are installed on this host by somebody else: not touched"
			return 0
		fi
	fi

	say "dkms: building the Debian packages (scripts/build-deb.sh; log $PKG_LOG)"
	rm -rf "$run/deb"
	if ! DEB_BUILD_OPTIONS="noautodbgsym nocheck" "$repo/scripts/build-deb.sh" "$run/deb" \
		>"$run/deb.list" 2>>"$PKG_LOG"; then
		res_record fail "dkms: packages build with dpkg-buildpackage" "see $PKG_LOG"
		ci_show "build-deb.sh" "$PKG_LOG"
		timing "dkms: packages" "$(elapsed "$t")"
		return 0
	fi
	for p in "${PKG_NAMES[@]}"; do
		deb=$(grep -E "/${p}_[^/]*\.deb$" "$run/deb.list" | head -n 1 || true)
		[ -n "$deb" ] && debs+=("$deb")
	done
	if [ ${#debs[@]} -lt 2 ] || ! grep -q '/csvx-dkms_' "$run/deb.list" || ! grep -q '/csvxctl_' "$run/deb.list"; then
		res_record fail "dkms: packages build with dpkg-buildpackage" "csvx-dkms or csvxctl missing, see $run/deb.list"
		return 0
	fi
	res_record pass "dkms: packages build with dpkg-buildpackage ($(printf '%s\n' "${debs[@]##*/}" | sed 's/_.*//' | tr '\n' ' ' | sed 's/ $//'))"
	timing "dkms: packages build" "$(elapsed "$t")"

	# What installing creates on the side, to put back afterwards.
	[ -e /var/lib/dkms/mok.key ] && had_mok=1
	[ -e /etc/csvx ] && had_etc=1
	for d in /lib/modules/*; do [ -e "$d/updates" ] || upd+=("$d/updates"); done

	t=$(now)
	say "dkms: dpkg -i ${debs[*]##*/} (the postinst builds csvx.ko for the installed kernels)"
	touch "$marker"
	if pkg_dpkg -i "${debs[@]}"; then
		res_record pass "dkms: dpkg -i of the packages"
	else
		res_record fail "dkms: dpkg -i of the packages" "see $PKG_LOG"
		ci_show "dpkg -i" "$PKG_LOG"
	fi
	timing "dkms: dpkg -i (postinst builds)" "$(elapsed "$t")"

	# The postinst builds for the running kernel and the newest one, or for
	# every kernel when the running one is not installed (this host): build
	# what it left out, and say so.
	for k in 6.1 6.12; do
		kver=$("$vm/kernels.sh" installed "$k")
		[ -n "$kver" ] || { res_record fail "dkms: csvx-dkms builds and installs csvx for $k" "no $k kernel installed"; continue; }
		detail=
		st=$(dkms status -m csvx -v "$ver" -k "$kver" 2>/dev/null || true)
		if ! grep -q ': installed' <<<"$st" && pkg_installed csvx-dkms; then
			detail="not by the postinst: dkms install -k $kver"
			dkms install -m csvx -v "$ver" -k "$kver" >>"$PKG_LOG" 2>&1 || true
			st=$(dkms status -m csvx -v "$ver" -k "$kver" 2>/dev/null || true)
		fi
		ok=0
		if grep -q ': installed' <<<"$st"; then
			for d in /lib/modules/"$kver"/updates/dkms/csvx.ko*; do
				[ -e "$d" ] && modinfo -F vermagic "$d" 2>/dev/null | grep -q "^$kver " &&
					[ "$(modinfo -F version "$d" 2>/dev/null)" = "$ver" ] && ok=1
			done
		fi
		if [ "$ok" = 1 ]; then
			res_record pass "dkms: csvx-dkms builds and installs csvx for $kver"
			[ -z "$detail" ] || say "dkms: $kver: $detail"
		else
			res_record fail "dkms: csvx-dkms builds and installs csvx for $kver" \
				"dkms status: ${st:-none}; ${detail:+$detail; }see $PKG_LOG"
			cp "/var/lib/dkms/csvx/$ver/build/make.log" "$run/packages-make-$kver.log" 2>/dev/null || true
		fi
	done

	# csvxctl: the module cannot be loaded on this host, so what is checked is
	# what the package put in place and that it runs.
	detail=
	/usr/sbin/csvxctl help >/dev/null 2>&1 || detail+="csvxctl help fails; "
	# -V prints the tool's version, then fails to reach the module (not loaded)
	st=$(/usr/sbin/csvxctl -V 2>/dev/null || true)
	[ "${st%%$'\n'*}" = "csvxctl $ver" ] || detail+="csvxctl -V is not $ver; "
	[ -n "$(man -w csvxctl 2>/dev/null)" ] || detail+="no csvxctl(8); "
	st=0
	/usr/share/csvx/cloudstack/modifyvxlan.sh >/dev/null 2>&1 || st=$?
	[ "$st" = 2 ] || detail+="modifyvxlan.sh without options exits $st, not 2 (usage); "
	if [ -x /usr/share/csvx/cloudstack/security_group.py ]; then
		python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' \
			/usr/share/csvx/cloudstack/security_group.py 2>/dev/null || detail+="security_group.py does not parse; "
	else
		detail+="no security_group.py; "
	fi
	grep -qx csvx /usr/lib/modules-load.d/csvx.conf 2>/dev/null || detail+="no modules-load.d entry; "
	[ -x /usr/sbin/csvx-cloudstack ] || detail+="no csvx-cloudstack; "
	if [ -z "$detail" ]; then res_record pass "dkms: csvxctl package: tool, man page, CloudStack scripts, modules-load.d"
	else res_record fail "dkms: csvxctl package: tool, man page, CloudStack scripts, modules-load.d" "${detail%; }"; fi

	if grep -q '/csvx-evpnd_' "$run/deb.list"; then
		detail=
		/usr/sbin/csvx-evpnd -h >/dev/null 2>&1 || /usr/sbin/csvx-evpnd --help >/dev/null 2>&1 ||
			detail+="csvx-evpnd -h fails; "
		[ -e /lib/systemd/system/csvx-evpnd.service ] || detail+="no unit; "
		[ -e /etc/csvx/evpnd.conf ] || detail+="no /etc/csvx/evpnd.conf; "
		[ -n "$(man -w csvx-evpnd 2>/dev/null)" ] || detail+="no csvx-evpnd(8); "
		if [ -z "$detail" ]; then res_record pass "dkms: csvx-evpnd package: daemon, units, config"
		else res_record fail "dkms: csvx-evpnd package: daemon, units, config" "${detail%; }"; fi
	fi

	# csvx-cloudstack on a stand-in of a host (--root): cloudstack-common's
	# scripts, and csvx's (the package's, through a link).
	tmp=$(mktemp -d)
	detail=
	local cs=/usr/share/cloudstack-common/scripts/vm/network
	mkdir -p "$tmp/var/lib/dpkg" "$tmp$cs/vnet" "$tmp/usr/share/csvx"
	ln -s /usr/share/csvx/cloudstack "$tmp/usr/share/csvx/cloudstack"
	: >"$tmp/var/lib/dpkg/diversions"
	echo upstream-vxlan >"$tmp$cs/vnet/modifyvxlan.sh"
	echo upstream-sg >"$tmp$cs/security_group.py"
	if /usr/sbin/csvx-cloudstack --root "$tmp" --quiet enable >>"$PKG_LOG" 2>&1; then
		[ "$(readlink "$tmp$cs/vnet/modifyvxlan.sh")" = /usr/share/csvx/cloudstack/modifyvxlan.sh ] ||
			detail+="modifyvxlan.sh not linked to csvx's; "
		[ "$(readlink "$tmp$cs/security_group.py")" = /usr/share/csvx/cloudstack/security_group.py ] ||
			detail+="security_group.py not linked to csvx's; "
		/usr/sbin/csvx-cloudstack --root "$tmp" status 2>/dev/null | grep -q '^cloudstack' &&
			detail+="status still says cloudstack; "
	else
		detail+="enable fails; "
	fi
	if /usr/sbin/csvx-cloudstack --root "$tmp" --quiet disable >>"$PKG_LOG" 2>&1; then
		[ "$(cat "$tmp$cs/vnet/modifyvxlan.sh" 2>/dev/null)" = upstream-vxlan ] &&
			[ "$(cat "$tmp$cs/security_group.py" 2>/dev/null)" = upstream-sg ] ||
			detail+="CloudStack's scripts not back after disable; "
		[ -s "$tmp/var/lib/dpkg/diversions" ] && detail+="diversions left; "
	else
		detail+="disable fails; "
	fi
	rm -rf "$tmp"
	if [ -z "$detail" ]; then res_record pass "dkms: csvx-cloudstack switches CloudStack's scripts to csvx and back"
	else res_record fail "dkms: csvx-cloudstack switches CloudStack's scripts to csvx and back" "${detail%; } (see $PKG_LOG)"; fi

	t=$(now)
	detail=
	pkg_purge || detail+="dpkg --purge fails (see $PKG_LOG); "
	pkg_installed "${PKG_NAMES[@]}" && detail+="still installed: $(dpkg -l 'csvx*' 2>/dev/null | awk '/^.[^n]/ && $2 ~ /^csvx/ { printf "%s ", $2 }'); "
	if pkg_installed "${PKG_NAMES[@]}"; then :; else rm -f "$marker"; fi
	[ -z "$(ls -d /usr/src/csvx-* 2>/dev/null)" ] || detail+="$(ls -d /usr/src/csvx-*) left; "
	[ ! -e /var/lib/dkms/csvx ] || detail+="/var/lib/dkms/csvx left; "
	[ -z "$(dkms status -m csvx 2>/dev/null)" ] || detail+="dkms status still lists csvx; "
	[ -z "$(ls /lib/modules/*/updates/dkms/csvx.ko* 2>/dev/null)" ] || detail+="csvx.ko left in /lib/modules; "
	for d in /usr/sbin/csvxctl /usr/sbin/csvx-cloudstack /usr/sbin/csvx-evpnd /usr/share/csvx \
		/usr/lib/modules-load.d/csvx.conf /lib/systemd/system/csvx-evpnd.service; do
		[ ! -e "$d" ] || detail+="$d left; "
	done
	[ "$had_etc" = 1 ] || [ ! -e /etc/csvx ] || detail+="/etc/csvx left; "
	if [ -z "$detail" ]; then res_record pass "dkms: dpkg --purge leaves nothing behind"
	else res_record fail "dkms: dpkg --purge leaves nothing behind" "${detail%; }"; fi

	# What DKMS made on the side that was not there before.
	[ "$had_mok" = 1 ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	for d in "${upd[@]}"; do
		rmdir "$d/dkms" "$d" 2>/dev/null || true
	done
	timing "dkms: dpkg --purge" "$(elapsed "$t")"
	return 0
}
