/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the csvx API tests share on top of csvx_nl.h: the fixture setup, the
 * checks of a refusal (errno, extack message and offset, nothing changed,
 * nothing announced), attribute checks, and one standard state with a valid
 * request for every command (used by test_malformed.c and test_perm.c).
 *
 * Include this from the test file only: kselftest_harness.h defines
 * functions, so it can be in one object of a binary.
 */
#ifndef _CSVX_TEST_H
#define _CSVX_TEST_H

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* The harness itself has an unused parameter (built with -Wextra here). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/*
 * Its EXPECT_*() compare a plain int literal with whatever is measured
 * (uint32_t, size_t): -Wsign-compare would flag every such use.  TEST_F()
 * keeps a pid across its setjmp(), which -Wclobbered (in -Wextra) flags
 * in every test; the value is only read on the path that set it.
 */
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "csvx_nl.h"

#define CSVX_UNUSED __attribute__((unused))

/* A failed check that says what it was about, and goes on. */
#define CSVX_CHECK(cond, fmt, ...) do {					\
	if (!(cond)) {							\
		TH_LOG(fmt, ##__VA_ARGS__);				\
		_metadata->exit_code = KSFT_FAIL;			\
	}								\
} while (0)

/* A request that must succeed. */
#define CSVX_OK(s, expr) do {						\
	int __r = (expr);						\
	ASSERT_EQ(0, __r) TH_LOG("%s: %s (extack \"%s\")", #expr,	\
				 strerror(-__r), (s)->msg);		\
} while (0)

/* A request the kernel must refuse with @err and an extack message. */
#define CSVX_REFUSED(s, err, expr) do {					\
	int __r = (expr);						\
	EXPECT_EQ(-(err), __r) TH_LOG("%s: got %s, want %s (extack \"%s\")", \
				      #expr, strerror(-__r),		\
				      strerror(err), (s)->msg);		\
	EXPECT_NE(0, __r && (s)->msg[0]) TH_LOG("%s: no extack message", \
						#expr);			\
} while (0)

/* Attribute checks on a table from csvx_attrs(). */
#define EXPECT_ATTR_U32(tb, type, val) do {				\
	const struct nlattr *__a = (tb)[type];				\
	CSVX_CHECK(__a, #type " missing");				\
	if (__a) {							\
		EXPECT_EQ(4, mnl_attr_get_payload_len(__a)) TH_LOG(#type); \
		if (mnl_attr_get_payload_len(__a) == 4) {		\
			EXPECT_EQ((uint32_t)(val), mnl_attr_get_u32(__a)) \
				TH_LOG(#type);				\
		}							\
	}								\
} while (0)

#define EXPECT_ATTR_U8(tb, type, val) do {				\
	const struct nlattr *__a = (tb)[type];				\
	CSVX_CHECK(__a, #type " missing");				\
	if (__a) {							\
		EXPECT_EQ(1, mnl_attr_get_payload_len(__a)) TH_LOG(#type); \
		if (mnl_attr_get_payload_len(__a) == 1) {		\
			EXPECT_EQ((uint8_t)(val), mnl_attr_get_u8(__a))	\
				TH_LOG(#type);				\
		}							\
	}								\
} while (0)

#define EXPECT_ATTR_STR(tb, type, str) do {				\
	const struct nlattr *__a = (tb)[type];				\
	CSVX_CHECK(__a, #type " missing");				\
	if (__a) {							\
		const char *__p = mnl_attr_get_payload(__a);		\
		uint16_t __l = mnl_attr_get_payload_len(__a);		\
		CSVX_CHECK(__l && __p[__l - 1] == '\0',			\
			   #type ": not a NUL-terminated string");	\
		if (__l && __p[__l - 1] == '\0') {			\
			EXPECT_STREQ(str, __p) TH_LOG(#type);		\
		}							\
	}								\
} while (0)

#define EXPECT_ATTR_MAC(tb, type, str)					\
	CSVX_CHECK(csvx_attr_is_mac((tb)[type], str), #type " is not %s", str)

#define EXPECT_ATTR_IP(tb, type, str) do {				\
	char __b[64];							\
	CSVX_CHECK(csvx_attr_is_ip((tb)[type], str), #type " is %s, not %s", \
		   (tb)[type] ? csvx_fmt_ip((tb)[type], __b, sizeof(__b)) \
			      : "missing", str);			\
} while (0)

static CSVX_UNUSED void csvx_setup(struct __test_metadata *_metadata,
				   struct csvx_sock *s)
{
	int ret = csvx_unshare_netns();

	ASSERT_EQ(0, ret) TH_LOG("unshare(CLONE_NEWNET): %s", strerror(-ret));
	ret = csvx_open(s);
	ASSERT_EQ(0, ret) TH_LOG("generic netlink family \"%s\": %s (is csvx.ko loaded?)",
				 CSVX_GENL_NAME, strerror(-ret));
}

/* A second socket, subscribed to the notifications. */
static CSVX_UNUSED void csvx_setup_monitor(struct __test_metadata *_metadata,
					   struct csvx_sock *mon)
{
	int ret = csvx_open(mon);

	ASSERT_EQ(0, ret);
	ASSERT_NE(0, mon->mcgrp) TH_LOG("no multicast group \"%s\"",
					CSVX_MCGRP_NOTIFY);
	ret = csvx_subscribe(mon);
	ASSERT_EQ(0, ret) TH_LOG("NETLINK_ADD_MEMBERSHIP: %s", strerror(-ret));
}

static CSVX_UNUSED void csvx_take_snapshot(struct __test_metadata *_metadata,
					   struct csvx_sock *s,
					   struct csvx_snap *snap)
{
	int ret = csvx_snapshot(s, snap);

	ASSERT_EQ(0, ret) TH_LOG("snapshot (%s): %s (extack \"%s\")",
				 snap->where, strerror(-ret), s->msg);
}

/* The state is still @before. */
static CSVX_UNUSED void csvx_expect_unchanged(struct __test_metadata *_metadata,
					      struct csvx_sock *s,
					      const struct csvx_snap *before,
					      const char *what)
{
	struct csvx_snap after = {};
	long diff;

	csvx_take_snapshot(_metadata, s, &after);
	diff = csvx_snap_diff(before, &after);
	csvx_snap_free(&after);
	EXPECT_EQ(-1, diff) TH_LOG("%s: the state changed (snapshots differ at byte %ld)",
				   what, diff);
}

/* ------------------------------------------------------------ refusals */

/* Where the offending attribute is: NLMSGERR_ATTR_OFFS must fall in one. */
struct csvx_extent {
	uint32_t off, len;
};
struct csvx_bad {
	struct csvx_extent e[4];
	int n;
};

/* Policy rejections: the kernel's nla_validate() uses both. */
static const int csvx_errs_malformed[] CSVX_UNUSED = { EINVAL, ERANGE, 0 };
/* Addresses of a length that is no family may also be EAFNOSUPPORT. */
static const int csvx_errs_addr[] CSVX_UNUSED = { EINVAL, ERANGE,
						  EAFNOSUPPORT, 0 };

/*
 * Check a refused request: @ret (from csvx_do/csvx_dump) is one of @errs,
 * the extack message is there, the offset (when @bad names attributes)
 * points into one of them, the state equals @before and @mon got nothing.
 * A change of state aborts the test: later checks would be meaningless.
 */
static CSVX_UNUSED void csvx_check_refused(struct __test_metadata *_metadata,
					   struct csvx_sock *s,
					   struct csvx_sock *mon,
					   const struct csvx_snap *before,
					   int ret, const int *errs,
					   const struct csvx_bad *bad,
					   const char *what)
{
	struct csvx_snap after = {};
	bool errno_ok = false, in = false;
	long diff;
	int i, n;

	for (i = 0; errs && errs[i]; i++)
		if (ret == -errs[i])
			errno_ok = true;
	CSVX_CHECK(ret, "%s: accepted", what);
	CSVX_CHECK(!ret || !errs || errno_ok,
		   "%s: refused with %s, not the expected errno (extack \"%s\")",
		   what, strerror(-ret), s->msg);
	CSVX_CHECK(!ret || s->msg[0], "%s: refused (%s) without an extack message",
		   what, strerror(-ret));
	if (ret && bad && bad->n) {
		for (i = 0; i < bad->n; i++)
			if (s->offs >= bad->e[i].off &&
			    s->offs < bad->e[i].off + bad->e[i].len)
				in = true;
		CSVX_CHECK(s->offs >= 0,
			   "%s: no NLMSGERR_ATTR_OFFS for the faulty attribute at offset %u (extack \"%s\")",
			   what, bad->e[0].off, s->msg);
		CSVX_CHECK(s->offs < 0 || in,
			   "%s: NLMSGERR_ATTR_OFFS %lld, but the faulty attribute is at %u (%u bytes)",
			   what, (long long)s->offs, bad->e[0].off, bad->e[0].len);
	}
	if (mon) {
		n = csvx_recv_pending(mon, NULL);
		CSVX_CHECK(n == 0, "%s: %d notification(s) for a refused request",
			   what, n);
	}
	if (before) {
		csvx_take_snapshot(_metadata, s, &after);
		diff = csvx_snap_diff(before, &after);
		csvx_snap_free(&after);
		ASSERT_EQ(-1, diff) TH_LOG("%s: the state changed (snapshots differ at byte %ld)",
					   what, diff);
	}
}

/* ------------------------------------------- the standard state and cases */

#define CSVX_REQ	1	/* the request is refused without it */
#define CSVX_OPT	0

/* One attribute of a request, its payload chosen by its kind. */
struct csvx_av {
	uint16_t type;
	uint8_t req;
	uint16_t sub;		/* PARAMS: the param */
	uint32_t u;		/* u8/u32 value, PARAMS value */
	const char *s;		/* string, MAC, address, IPS address */
};

enum csvx_kind {
	CSVX_K_NONE,
	CSVX_K_U8,
	CSVX_K_U32,
	CSVX_K_STR,
	CSVX_K_MAC,
	CSVX_K_ADDR,
	CSVX_K_PARAMS,		/* nest of u32 by enum csvx_param */
	CSVX_K_IPS,		/* nest of CSVX_IPS_A_ADDR */
	CSVX_K_U64S,		/* nest of u64 (stats, drops) */
	CSVX_K_FLAG,
	CSVX_K_U16,
	CSVX_K_U64,
	CSVX_K_SGS,		/* nest of CSVX_SGS_A_NAME */
};

static const uint8_t csvx_kind[CSVX_A_MAX + 1] CSVX_UNUSED = {
	[CSVX_A_VERSION] = CSVX_K_U32,
	[CSVX_A_MOD_VERSION] = CSVX_K_STR,
	[CSVX_A_PARAMS] = CSVX_K_PARAMS,
	[CSVX_A_USAGE] = CSVX_K_PARAMS,
	[CSVX_A_VRF] = CSVX_K_STR,
	[CSVX_A_VRF_ID] = CSVX_K_U32,
	[CSVX_A_L3VNI] = CSVX_K_U32,
	[CSVX_A_RMAC] = CSVX_K_MAC,
	[CSVX_A_VNI] = CSVX_K_U32,
	[CSVX_A_IFNAME] = CSVX_K_STR,
	[CSVX_A_IFINDEX] = CSVX_K_U32,
	[CSVX_A_LOCAL] = CSVX_K_ADDR,
	[CSVX_A_GW] = CSVX_K_ADDR,
	[CSVX_A_GW_PLEN] = CSVX_K_U8,
	[CSVX_A_GW_MAC] = CSVX_K_MAC,
	[CSVX_A_MTU] = CSVX_K_U32,
	[CSVX_A_REMOTE] = CSVX_K_ADDR,
	[CSVX_A_MAC] = CSVX_K_MAC,
	[CSVX_A_IPS] = CSVX_K_IPS,
	[CSVX_A_SEQ] = CSVX_K_U32,
	[CSVX_A_FLAGS] = CSVX_K_U32,
	[CSVX_A_PREFIX] = CSVX_K_ADDR,
	[CSVX_A_PLEN] = CSVX_K_U8,
	[CSVX_A_STATS] = CSVX_K_U64S,
	[CSVX_A_DROPS] = CSVX_K_U64S,
	[CSVX_A_REPLACE] = CSVX_K_FLAG,
	[CSVX_A_SET] = CSVX_K_STR,
	[CSVX_A_SET_TYPE] = CSVX_K_U8,
	[CSVX_A_FAMILY] = CSVX_K_U8,
	[CSVX_A_MAXELEM] = CSVX_K_U32,
	[CSVX_A_SET2] = CSVX_K_STR,
	[CSVX_A_COUNT] = CSVX_K_U32,
	[CSVX_A_REFS] = CSVX_K_U32,
	[CSVX_A_SG] = CSVX_K_STR,
	[CSVX_A_DIR] = CSVX_K_U8,
	[CSVX_A_PROTO] = CSVX_K_U8,
	[CSVX_A_DPORT_LO] = CSVX_K_U16,
	[CSVX_A_DPORT_HI] = CSVX_K_U16,
	[CSVX_A_ICMP_TYPE] = CSVX_K_U8,
	[CSVX_A_ICMP_CODE] = CSVX_K_U8,
	[CSVX_A_REMOTE_SG] = CSVX_K_STR,
	[CSVX_A_PACKETS] = CSVX_K_U64,
	[CSVX_A_SGS] = CSVX_K_SGS,
	[CSVX_A_NR_PORTS] = CSVX_K_U32,
	[CSVX_A_GEN] = CSVX_K_U32,
};

static const char *const csvx_attr_name[CSVX_A_MAX + 1] CSVX_UNUSED = {
	[CSVX_A_PAD] = "PAD", [CSVX_A_VERSION] = "VERSION",
	[CSVX_A_MOD_VERSION] = "MOD_VERSION", [CSVX_A_PARAMS] = "PARAMS",
	[CSVX_A_USAGE] = "USAGE", [CSVX_A_VRF] = "VRF",
	[CSVX_A_VRF_ID] = "VRF_ID", [CSVX_A_L3VNI] = "L3VNI",
	[CSVX_A_RMAC] = "RMAC", [CSVX_A_VNI] = "VNI",
	[CSVX_A_IFNAME] = "IFNAME", [CSVX_A_IFINDEX] = "IFINDEX",
	[CSVX_A_LOCAL] = "LOCAL", [CSVX_A_GW] = "GW",
	[CSVX_A_GW_PLEN] = "GW_PLEN", [CSVX_A_GW_MAC] = "GW_MAC",
	[CSVX_A_MTU] = "MTU", [CSVX_A_REMOTE] = "REMOTE", [CSVX_A_MAC] = "MAC",
	[CSVX_A_IPS] = "IPS", [CSVX_A_SEQ] = "SEQ", [CSVX_A_FLAGS] = "FLAGS",
	[CSVX_A_PREFIX] = "PREFIX", [CSVX_A_PLEN] = "PLEN",
	[CSVX_A_STATS] = "STATS", [CSVX_A_DROPS] = "DROPS",
	[CSVX_A_REPLACE] = "REPLACE", [CSVX_A_SET] = "SET",
	[CSVX_A_SET_TYPE] = "SET_TYPE", [CSVX_A_FAMILY] = "FAMILY",
	[CSVX_A_MAXELEM] = "MAXELEM", [CSVX_A_SET2] = "SET2",
	[CSVX_A_COUNT] = "COUNT", [CSVX_A_REFS] = "REFS", [CSVX_A_SG] = "SG",
	[CSVX_A_DIR] = "DIR", [CSVX_A_PROTO] = "PROTO",
	[CSVX_A_DPORT_LO] = "DPORT_LO", [CSVX_A_DPORT_HI] = "DPORT_HI",
	[CSVX_A_ICMP_TYPE] = "ICMP_TYPE", [CSVX_A_ICMP_CODE] = "ICMP_CODE",
	[CSVX_A_REMOTE_SG] = "REMOTE_SG", [CSVX_A_PACKETS] = "PACKETS",
	[CSVX_A_SGS] = "SGS", [CSVX_A_NR_PORTS] = "NR_PORTS", [CSVX_A_GEN] = "GEN", [CSVX_A_ENTRIES] = "ENTRIES",
};

/*
 * A valid request of one command against the standard state: it would
 * succeed as it is (test_malformed checks that last).  @takes lists what
 * the command accepts beyond @base (a dump's filter command also takes
 * the do form's keys).
 */
#define CSVX_CASE_ATTRS	10
struct csvx_case {
	const char *name;
	uint8_t cmd;
	bool dump;
	bool mutates;
	struct csvx_av base[CSVX_CASE_ATTRS];
	uint16_t takes[8];
};

static void csvx_put_av(struct nlmsghdr *nlh, const struct csvx_av *av);

/* A request made of @avs (type 0 ends them): 0 or -errno. */
static CSVX_UNUSED int csvx_send_avs(struct csvx_sock *s, uint8_t cmd,
				     const struct csvx_av *avs)
{
	char buf[CSVX_REQ_SIZE];
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);

	for (; avs->type; avs++)
		csvx_put_av(nlh, avs);
	return csvx_do(s, nlh, NULL);
}

#define AV(t, r, ...) { .type = CSVX_A_##t, .req = CSVX_##r, __VA_ARGS__ }

/*
 * The standard state:
 *   VRF red  id 10 l3vni 5010 rmac 02:00:00:00:10:10
 *   VRF blue id 20 l3vni 5020 rmac 02:00:00:00:20:20     (no VNI: deletable)
 *   VNI 100 vx100 in red, local 192.0.2.1, gw 10.1.0.1/24 02:00:00:00:01:00, mtu 1450
 *   VNI 200 vx200 (L2 only)
 *   flood 100: 198.51.100.1, 2001:db8::1; 200: 198.51.100.2
 *   fdb 100 02:00:00:01:00:01 -> 198.51.100.1 ip 10.1.0.11 seq 1
 *   fdb 200 02:00:00:02:00:01 -> 198.51.100.2
 *   route red 10.9.0.0/16 -> 198.51.100.9 02:00:00:00:99:99
 *   route red 2001:db8:9::/48 -> 2001:db8::9 02:00:00:00:99:98
 *   sets web, web2 (hash:ip, inet), nets (hash:net, inet);
 *   members web 10.5.0.1, nets 10.6.0.0/16
 *   groups sg1 (rule: ingress tcp 80 from 10.0.0.0/8), sg2 (empty)
 *   dummy devices vm1, vm2; port vm1 in VNI 200, 02:00:00:0a:00:01,
 *   ip 10.2.0.50, in no group
 */
static CSVX_UNUSED void csvx_base_state(struct __test_metadata *_metadata,
					struct csvx_sock *s)
{
	struct csvx_vni_cfg v100 = {
		.vni = 100, .ifname = "vx100", .vrf = "red",
		.local = "192.0.2.1", .gw = "10.1.0.1/24",
		.gw_mac = "02:00:00:00:01:00", .mtu = 1450,
	};
	struct csvx_vni_cfg v200 = { .vni = 200, .ifname = "vx200" };
	struct csvx_fdb_cfg f100 = {
		.vni = 100, .mac = "02:00:00:01:00:01",
		.remote = "198.51.100.1", .ips = { "10.1.0.11" },
		.has_seq = true, .seq = 1,
	};
	struct csvx_fdb_cfg f200 = {
		.vni = 200, .mac = "02:00:00:02:00:01",
		.remote = "198.51.100.2",
	};

	CSVX_OK(s, csvx_vrf_new(s, 0, "red", 10, 5010,
				"02:00:00:00:10:10"));
	CSVX_OK(s, csvx_vrf_new(s, 0, "blue", 20, 5020,
				"02:00:00:00:20:20"));
	CSVX_OK(s, csvx_vni_new(s, 0, &v100));
	CSVX_OK(s, csvx_vni_new(s, 0, &v200));
	CSVX_OK(s, csvx_flood_new(s, 0, 100, "198.51.100.1"));
	CSVX_OK(s, csvx_flood_new(s, 0, 100, "2001:db8::1"));
	CSVX_OK(s, csvx_flood_new(s, 0, 200, "198.51.100.2"));
	CSVX_OK(s, csvx_fdb_new(s, 0, &f100));
	CSVX_OK(s, csvx_fdb_new(s, 0, &f200));
	CSVX_OK(s, csvx_route_new(s, 0, "red", "10.9.0.0/16",
				  "198.51.100.9", "02:00:00:00:99:99"));
	CSVX_OK(s, csvx_route_new(s, 0, "red", "2001:db8:9::/48",
				  "2001:db8::9", "02:00:00:00:99:98"));

	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_SET, (const struct csvx_av []){
		AV(SET, REQ, .s = "web"), AV(SET_TYPE, REQ, .u = CSVX_SET_HASH_IP), {} }));
	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_SET, (const struct csvx_av []){
		AV(SET, REQ, .s = "web2"), AV(SET_TYPE, REQ, .u = CSVX_SET_HASH_IP), {} }));
	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_SET, (const struct csvx_av []){
		AV(SET, REQ, .s = "nets"), AV(SET_TYPE, REQ, .u = CSVX_SET_HASH_NET), {} }));
	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_SET_MEMBER, (const struct csvx_av []){
		AV(SET, REQ, .s = "web"), AV(PREFIX, REQ, .s = "10.5.0.1"), {} }));
	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_SET_MEMBER, (const struct csvx_av []){
		AV(SET, REQ, .s = "nets"), AV(PREFIX, REQ, .s = "10.6.0.0"),
		AV(PLEN, REQ, .u = 16), {} }));
	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_SG, (const struct csvx_av []){
		AV(SG, REQ, .s = "sg1"), {} }));
	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_SG, (const struct csvx_av []){
		AV(SG, REQ, .s = "sg2"), {} }));
	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_SG_RULE, (const struct csvx_av []){
		AV(SG, REQ, .s = "sg1"), AV(DIR, REQ, .u = CSVX_SG_INGRESS),
		AV(PROTO, REQ, .u = 6), AV(DPORT_LO, REQ, .u = 80),
		AV(DPORT_HI, REQ, .u = 80), AV(PREFIX, REQ, .s = "10.0.0.0"),
		AV(PLEN, REQ, .u = 8), {} }));
	ASSERT_EQ(0, csvx_link_add("vm1", "dummy"));
	ASSERT_EQ(0, csvx_link_add("vm2", "dummy"));
	CSVX_OK(s, csvx_send_avs(s, CSVX_CMD_NEW_PORT, (const struct csvx_av []){
		AV(IFNAME, REQ, .s = "vm1"), AV(VNI, REQ, .u = 200),
		AV(MAC, REQ, .s = "02:00:00:0a:00:01"), AV(IPS, REQ, .s = "10.2.0.50"),
		{} }));
}

static const struct csvx_case csvx_cases[] CSVX_UNUSED = {
	{ "GET_PARAMS", CSVX_CMD_GET_PARAMS, false, false, {}, {} },
	{ "SET_PARAMS", CSVX_CMD_SET_PARAMS, false, true,
	  { AV(PARAMS, REQ, .sub = CSVX_PARAM_MAX_FDB, .u = 5000) }, {} },
	{ "NEW_VRF", CSVX_CMD_NEW_VRF, false, true,
	  { AV(VRF, REQ, .s = "green"), AV(VRF_ID, REQ, .u = 30),
	    AV(L3VNI, REQ, .u = 5030), AV(RMAC, REQ, .s = "02:00:00:00:30:30"),
	    AV(REPLACE, OPT) },
	  {} },
	{ "DEL_VRF", CSVX_CMD_DEL_VRF, false, true,
	  { AV(VRF, REQ, .s = "blue") }, {} },
	/* [VRF] is the dump's; a do needs the key */
	{ "GET_VRF", CSVX_CMD_GET_VRF, false, false,
	  { AV(VRF, REQ, .s = "red") }, {} },
	{ "GET_VRF dump", CSVX_CMD_GET_VRF, true, false, {},
	  { CSVX_A_VRF } },
	/* GW, GW_PLEN and GW_MAC go together: one alone is refused */
	{ "NEW_VNI", CSVX_CMD_NEW_VNI, false, true,
	  { AV(VNI, REQ, .u = 300), AV(IFNAME, REQ, .s = "vx300"),
	    AV(VRF, OPT, .s = "red"), AV(LOCAL, OPT, .s = "192.0.2.1"),
	    AV(GW, REQ, .s = "10.3.0.1"), AV(GW_PLEN, REQ, .u = 24),
	    AV(GW_MAC, REQ, .s = "02:00:00:00:03:00"), AV(MTU, OPT, .u = 1400),
	    AV(REPLACE, OPT) },
	  {} },
	{ "DEL_VNI", CSVX_CMD_DEL_VNI, false, true,
	  { AV(VNI, REQ, .u = 200) }, {} },
	{ "GET_VNI", CSVX_CMD_GET_VNI, false, false,
	  { AV(VNI, REQ, .u = 100) }, {} },
	{ "GET_VNI dump", CSVX_CMD_GET_VNI, true, false, {},
	  { CSVX_A_VNI } },
	{ "NEW_FLOOD", CSVX_CMD_NEW_FLOOD, false, true,
	  { AV(VNI, REQ, .u = 200), AV(REMOTE, REQ, .s = "198.51.100.3") }, {} },
	{ "DEL_FLOOD", CSVX_CMD_DEL_FLOOD, false, true,
	  { AV(VNI, REQ, .u = 200), AV(REMOTE, REQ, .s = "198.51.100.2") }, {} },
	{ "GET_FLOOD dump", CSVX_CMD_GET_FLOOD, true, false,
	  { AV(VNI, OPT, .u = 100) }, {} },
	{ "NEW_FDB", CSVX_CMD_NEW_FDB, false, true,
	  { AV(VNI, REQ, .u = 200), AV(MAC, REQ, .s = "02:00:00:02:00:02"),
	    AV(REMOTE, OPT, .s = "198.51.100.2"), AV(IPS, OPT, .s = "10.2.0.12"),
	    AV(SEQ, OPT, .u = 5), AV(FLAGS, OPT, .u = CSVX_F_STICKY),
	    AV(REPLACE, OPT) },
	  {} },
	{ "DEL_FDB", CSVX_CMD_DEL_FDB, false, true,
	  { AV(VNI, REQ, .u = 200), AV(MAC, REQ, .s = "02:00:00:02:00:01") },
	  {} },
	{ "GET_FDB", CSVX_CMD_GET_FDB, false, false,
	  { AV(VNI, REQ, .u = 100), AV(MAC, REQ, .s = "02:00:00:01:00:01") },
	  {} },
	{ "GET_FDB dump", CSVX_CMD_GET_FDB, true, false,
	  { AV(VNI, OPT, .u = 100) }, { CSVX_A_MAC } },
	{ "FLUSH_FDB", CSVX_CMD_FLUSH_FDB, false, true,
	  { AV(VNI, REQ, .u = 200) }, {} },
	{ "NEW_ROUTE", CSVX_CMD_NEW_ROUTE, false, true,
	  { AV(VRF, REQ, .s = "red"), AV(PREFIX, REQ, .s = "10.8.0.0"),
	    AV(PLEN, REQ, .u = 16), AV(REMOTE, REQ, .s = "198.51.100.8"),
	    AV(RMAC, REQ, .s = "02:00:00:00:88:88"), AV(REPLACE, OPT) },
	  {} },
	{ "DEL_ROUTE", CSVX_CMD_DEL_ROUTE, false, true,
	  { AV(VRF, REQ, .s = "red"), AV(PREFIX, REQ, .s = "10.9.0.0"),
	    AV(PLEN, REQ, .u = 16) },
	  {} },
	{ "GET_ROUTE", CSVX_CMD_GET_ROUTE, false, false,
	  { AV(VRF, REQ, .s = "red"), AV(PREFIX, REQ, .s = "10.9.0.0"),
	    AV(PLEN, REQ, .u = 16) },
	  {} },
	{ "GET_ROUTE dump", CSVX_CMD_GET_ROUTE, true, false,
	  { AV(VRF, OPT, .s = "red") }, { CSVX_A_PREFIX, CSVX_A_PLEN } },
	{ "FLUSH_ROUTE", CSVX_CMD_FLUSH_ROUTE, false, true,
	  { AV(VRF, REQ, .s = "red") }, {} },
	/* without VNI: the namespace's own counters */
	{ "GET_STATS", CSVX_CMD_GET_STATS, false, false,
	  { AV(VNI, OPT, .u = 100) }, {} },
	{ "GET_STATS dump", CSVX_CMD_GET_STATS, true, false, {},
	  { CSVX_A_VNI } },

	{ "NEW_SET", CSVX_CMD_NEW_SET, false, true,
	  { AV(SET, REQ, .s = "s3"), AV(SET_TYPE, REQ, .u = CSVX_SET_HASH_NET),
	    AV(FAMILY, OPT, .u = 2 /* AF_INET */), AV(MAXELEM, OPT, .u = 1000),
	    AV(REPLACE, OPT) },
	  {} },
	{ "DEL_SET", CSVX_CMD_DEL_SET, false, true,
	  { AV(SET, REQ, .s = "web2") }, {} },
	{ "GET_SET", CSVX_CMD_GET_SET, false, false,
	  { AV(SET, REQ, .s = "web") }, {} },
	{ "GET_SET dump", CSVX_CMD_GET_SET, true, false, {}, { CSVX_A_SET } },
	{ "FLUSH_SET", CSVX_CMD_FLUSH_SET, false, true,
	  { AV(SET, REQ, .s = "web") }, {} },
	{ "SWAP_SET", CSVX_CMD_SWAP_SET, false, true,
	  { AV(SET, REQ, .s = "web"), AV(SET2, REQ, .s = "web2") }, {} },
	{ "NEW_SET_MEMBER", CSVX_CMD_NEW_SET_MEMBER, false, true,
	  { AV(SET, REQ, .s = "nets"), AV(PREFIX, REQ, .s = "10.7.0.0"),
	    AV(PLEN, OPT, .u = 16), AV(REPLACE, OPT) }, {} },
	{ "DEL_SET_MEMBER", CSVX_CMD_DEL_SET_MEMBER, false, true,
	  { AV(SET, REQ, .s = "nets"), AV(PREFIX, REQ, .s = "10.6.0.0"),
	    AV(PLEN, OPT, .u = 16) }, {} },
	{ "GET_SET_MEMBER", CSVX_CMD_GET_SET_MEMBER, false, false,
	  { AV(SET, REQ, .s = "web"), AV(PREFIX, REQ, .s = "10.5.0.1") }, {} },
	{ "GET_SET_MEMBER dump", CSVX_CMD_GET_SET_MEMBER, true, false,
	  { AV(SET, OPT, .s = "web") }, { CSVX_A_PREFIX, CSVX_A_PLEN } },
	{ "NEW_SG", CSVX_CMD_NEW_SG, false, true,
	  { AV(SG, REQ, .s = "sg3"), AV(REPLACE, OPT) }, {} },
	{ "DEL_SG", CSVX_CMD_DEL_SG, false, true,
	  { AV(SG, REQ, .s = "sg2") }, {} },
	{ "GET_SG", CSVX_CMD_GET_SG, false, false,
	  { AV(SG, REQ, .s = "sg1") }, {} },
	{ "GET_SG dump", CSVX_CMD_GET_SG, true, false, {}, { CSVX_A_SG } },
	/* one remote: PREFIX (and PLEN), SET or REMOTE_SG */
	{ "NEW_SG_RULE", CSVX_CMD_NEW_SG_RULE, false, true,
	  { AV(SG, REQ, .s = "sg1"), AV(DIR, REQ, .u = CSVX_SG_EGRESS),
	    AV(PROTO, OPT, .u = 17), AV(DPORT_LO, OPT, .u = 53),
	    AV(DPORT_HI, OPT, .u = 53), AV(PREFIX, REQ, .s = "10.0.0.0"),
	    AV(PLEN, OPT, .u = 8), AV(REPLACE, OPT) },
	  { CSVX_A_SET, CSVX_A_REMOTE_SG, CSVX_A_ICMP_TYPE, CSVX_A_ICMP_CODE } },
	{ "DEL_SG_RULE", CSVX_CMD_DEL_SG_RULE, false, true,
	  { AV(SG, REQ, .s = "sg1"), AV(DIR, REQ, .u = CSVX_SG_INGRESS),
	    AV(PROTO, OPT, .u = 6), AV(DPORT_LO, OPT, .u = 80),
	    AV(DPORT_HI, OPT, .u = 80), AV(PREFIX, REQ, .s = "10.0.0.0"),
	    AV(PLEN, OPT, .u = 8) },
	  { CSVX_A_SET, CSVX_A_REMOTE_SG, CSVX_A_ICMP_TYPE, CSVX_A_ICMP_CODE } },
	{ "GET_SG_RULE dump", CSVX_CMD_GET_SG_RULE, true, false,
	  { AV(SG, OPT, .s = "sg1") }, {} },
	/* SGS without a name: an empty nest, no group */
	{ "NEW_PORT", CSVX_CMD_NEW_PORT, false, true,
	  { AV(IFNAME, REQ, .s = "vm2"), AV(VNI, REQ, .u = 200),
	    AV(MAC, REQ, .s = "02:00:00:0b:00:01"), AV(IPS, OPT, .s = "10.2.0.60"),
	    AV(SGS, OPT), AV(REPLACE, OPT) }, {} },
	{ "SET_PORT", CSVX_CMD_SET_PORT, false, true,
	  { AV(IFNAME, REQ, .s = "vm1"), AV(IPS, OPT, .s = "10.2.0.51"),
	    AV(SGS, OPT) }, {} },
	{ "DEL_PORT", CSVX_CMD_DEL_PORT, false, true,
	  { AV(IFNAME, REQ, .s = "vm1") }, {} },
	{ "GET_PORT", CSVX_CMD_GET_PORT, false, false,
	  { AV(IFNAME, REQ, .s = "vm1") }, {} },
	{ "GET_PORT dump", CSVX_CMD_GET_PORT, true, false, {}, { CSVX_A_IFNAME } },
};

#undef AV

/* Put one attribute of a case. */
static void csvx_put_av(struct nlmsghdr *nlh, const struct csvx_av *av)
{
	struct nlattr *nest;

	switch (csvx_kind[av->type]) {
	case CSVX_K_U8:
		mnl_attr_put_u8(nlh, av->type, av->u);
		break;
	case CSVX_K_U32:
		mnl_attr_put_u32(nlh, av->type, av->u);
		break;
	case CSVX_K_STR:
		mnl_attr_put_strz(nlh, av->type, av->s);
		break;
	case CSVX_K_MAC:
		csvx_put_mac(nlh, av->type, av->s);
		break;
	case CSVX_K_ADDR:
		csvx_put_ip(nlh, av->type, av->s);
		break;
	case CSVX_K_PARAMS:
		nest = mnl_attr_nest_start(nlh, av->type);
		mnl_attr_put_u32(nlh, av->sub, av->u);
		mnl_attr_nest_end(nlh, nest);
		break;
	case CSVX_K_IPS:
		nest = mnl_attr_nest_start(nlh, av->type);
		csvx_put_ip(nlh, CSVX_IPS_A_ADDR, av->s);
		mnl_attr_nest_end(nlh, nest);
		break;
	case CSVX_K_FLAG:
		mnl_attr_put(nlh, av->type, 0, NULL);
		break;
	case CSVX_K_U16:
		mnl_attr_put_u16(nlh, av->type, av->u);
		break;
	case CSVX_K_SGS:
		nest = mnl_attr_nest_start(nlh, av->type);
		if (av->s)
			mnl_attr_put_strz(nlh, CSVX_SGS_A_NAME, av->s);
		mnl_attr_nest_end(nlh, nest);
		break;
	default:
		break;
	}
}

/* Send a request of a case: a dump or a do, as the case says. */
static CSVX_UNUSED int csvx_case_send(struct csvx_sock *s,
				      const struct csvx_case *c,
				      struct nlmsghdr *nlh)
{
	struct csvx_dump_ops ops = {};

	if (c->dump)
		return csvx_dump_ops(s, nlh, &ops);
	return csvx_do(s, nlh, NULL);
}

static CSVX_UNUSED struct nlmsghdr *csvx_case_req(struct csvx_sock *s,
						  void *buf,
						  const struct csvx_case *c)
{
	struct nlmsghdr *nlh = csvx_req(s, buf, c->cmd, 0);
	int i;

	for (i = 0; i < CSVX_CASE_ATTRS && c->base[i].type; i++)
		csvx_put_av(nlh, &c->base[i]);
	return nlh;
}

#endif /* _CSVX_TEST_H */
