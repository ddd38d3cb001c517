#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke scenario: the guest can build the topologies the real scenarios need
# (two namespaces joined by a veth pair, IPv4 and IPv6), and csvx survives
# being unloaded and loaded again while network namespaces exist (its pernet
# exit and init run for namespaces that are already there).
#
# Runs as root in the test guest (selftests/vm/guest-suites.sh), which exports
# CSVX_KO; without it the module tests are skipped.  Kernel-selftests style:
# one "TEST: ... [ OK ]/[FAIL]/[SKIP]" line per check, exit 1 on failure, 4 if
# nothing could run.

ksft_skip=4
ret=0
ns1=csvx-smoke-a-$$
ns2=csvx-smoke-b-$$

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

cleanup() {
	ip netns del "$ns1" 2>/dev/null
	ip netns del "$ns2" 2>/dev/null
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit $ksft_skip; }
for t in ip ping; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit $ksft_skip; }
done

setup() {
	ip netns add "$ns1" && ip netns add "$ns2" &&
	ip -n "$ns1" link set lo up && ip -n "$ns2" link set lo up &&
	ip -n "$ns1" link add veth0 type veth peer name veth1 netns "$ns2" &&
	ip -n "$ns1" addr add 192.0.2.1/24 dev veth0 &&
	ip -n "$ns2" addr add 192.0.2.2/24 dev veth1 &&
	ip -n "$ns1" addr add 2001:db8::1/64 dev veth0 nodad &&
	ip -n "$ns2" addr add 2001:db8::2/64 dev veth1 nodad &&
	ip -n "$ns1" link set veth0 up && ip -n "$ns2" link set veth1 up
}
setup
log_test $? "two namespaces joined by a veth pair"

ip netns exec "$ns1" ping -c 2 -i 0.2 -W 2 -q 192.0.2.2 >/dev/null
log_test $? "IPv4 ping across the veth pair"
ip netns exec "$ns1" ping -6 -c 2 -i 0.2 -W 2 -q 2001:db8::2 >/dev/null
log_test $? "IPv6 ping across the veth pair"

if [ -z "${CSVX_KO:-}" ] || [ ! -e "${CSVX_KO:-}" ]; then
	log_test $ksft_skip "csvx unload and reload with namespaces present (no CSVX_KO)"
	exit $ret
fi

if [ -e /sys/module/csvx ]; then
	rmmod csvx
	rc=$?
	[ $rc = 0 ] && [ ! -e /sys/module/csvx ] || rc=1
	log_test $rc "csvx unloads while network namespaces exist"
fi

# The generic netlink family must come and go with the module.
if command -v genl >/dev/null; then
	genl ctrl get name csvx >/dev/null 2>&1
	[ $? != 0 ]
	log_test $? "csvx generic netlink family gone after unload"
fi

insmod "$CSVX_KO"
rc=$?
[ $rc = 0 ] && [ -e /sys/module/csvx ] || rc=1
log_test $rc "csvx loads while network namespaces exist"

if command -v genl >/dev/null; then
	genl ctrl get name csvx >/dev/null 2>&1
	log_test $? "csvx generic netlink family registered after load"
fi

# Namespaces created and destroyed with the module loaded.
ip netns add "$ns1-c" && ip -n "$ns1-c" link set lo up && ip netns del "$ns1-c"
log_test $? "namespace created and destroyed with csvx loaded"

ip netns exec "$ns1" ping -c 1 -W 2 -q 192.0.2.2 >/dev/null
log_test $? "IPv4 ping still works with csvx loaded"

exit $ret
