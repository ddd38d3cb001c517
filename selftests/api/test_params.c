// SPDX-License-Identifier: GPL-2.0
/*
 * GET_PARAMS / SET_PARAMS: the reply, the defaults, setting any subset, the
 * UDP port range, and every table limit: ENOSPC exactly at the limit,
 * updates of existing entries still allowed there, and EBUSY when lowering
 * a limit below what is in use.
 */
#include "csvx_test.h"

FIXTURE(params) {
	struct csvx_sock s;
};

FIXTURE_SETUP(params)
{
	csvx_setup(_metadata, &self->s);
}

FIXTURE_TEARDOWN(params)
{
	csvx_close(&self->s);
}

/* SET_PARAMS of one param, keeping the offset of the PARAMS nest. */
static int set_param(struct csvx_sock *s, int param, uint32_t value,
		     struct csvx_bad *bad)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_SET_PARAMS, 0);
	uint32_t off = csvx_off(nlh);
	struct nlattr *nest = mnl_attr_nest_start(nlh, CSVX_A_PARAMS);

	mnl_attr_put_u32(nlh, param, value);
	mnl_attr_nest_end(nlh, nest);
	bad->n = 1;
	bad->e[0].off = off;
	bad->e[0].len = csvx_off(nlh) - off;
	return csvx_do(s, nlh, NULL);
}

static uint32_t get_param(struct __test_metadata *_metadata,
			  struct csvx_sock *s, int param, bool usage)
{
	struct csvx_params p;

	CSVX_OK(s, csvx_params_get(s, &p));
	if (usage) {
		CSVX_CHECK(p.has_use[param], "USAGE lacks param %d", param);
		return p.use[param];
	}
	CSVX_CHECK(p.has_val[param], "PARAMS lacks param %d", param);
	return p.val[param];
}

TEST_F(params, family)
{
	EXPECT_EQ(CSVX_GENL_VERSION, self->s.family_version)
		TH_LOG("CTRL_ATTR_VERSION of the family");
	EXPECT_NE(0, self->s.mcgrp) TH_LOG("multicast group \"%s\"",
					   CSVX_MCGRP_NOTIFY);
}

TEST_F(params, get_reply)
{
	char buf[256];
	struct csvx_msgs reply = {};
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	const struct nlattr *a;
	bool seen[CSVX_PARAM_MAX + 1] = {}, used[CSVX_PARAM_MAX + 1] = {};
	int t;

	CSVX_OK(&self->s, csvx_do(&self->s, csvx_req(&self->s, buf,
			CSVX_CMD_GET_PARAMS, 0), &reply));
	ASSERT_EQ(1, reply.nr);
	ASSERT_EQ(0, csvx_attrs(reply.v[0], tb, CSVX_A_MAX));
	EXPECT_ATTR_U32(tb, CSVX_A_VERSION, CSVX_GENL_VERSION);
	ASSERT_NE(NULL, tb[CSVX_A_MOD_VERSION]);
	a = tb[CSVX_A_MOD_VERSION];
	EXPECT_LT(1, mnl_attr_get_payload_len(a)) TH_LOG("empty MOD_VERSION");
	EXPECT_EQ(0, mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		TH_LOG("MOD_VERSION is not a NUL-terminated string");

	ASSERT_NE(NULL, tb[CSVX_A_PARAMS]);
	mnl_attr_for_each_nested(a, tb[CSVX_A_PARAMS]) {
		t = mnl_attr_get_type(a);
		CSVX_CHECK(t > 0 && t <= CSVX_PARAM_MAX, "PARAMS: unknown %d", t);
		CSVX_CHECK(mnl_attr_get_payload_len(a) == 4,
			   "PARAMS %d: %u bytes, not a u32", t,
			   mnl_attr_get_payload_len(a));
		if (t > 0 && t <= CSVX_PARAM_MAX) {
			CSVX_CHECK(!seen[t], "PARAMS %d twice", t);
			seen[t] = true;
		}
	}
	for (t = 1; t <= CSVX_PARAM_MAX; t++)
		CSVX_CHECK(seen[t], "PARAMS lacks %d", t);

	ASSERT_NE(NULL, tb[CSVX_A_USAGE]);
	mnl_attr_for_each_nested(a, tb[CSVX_A_USAGE]) {
		t = mnl_attr_get_type(a);
		CSVX_CHECK(t > CSVX_PARAM_UDP_PORT && t <= CSVX_PARAM_MAX,
			   "USAGE: unexpected %d", t);
		CSVX_CHECK(mnl_attr_get_payload_len(a) == 4,
			   "USAGE %d: not a u32", t);
		if (t > 0 && t <= CSVX_PARAM_MAX && mnl_attr_get_payload_len(a) == 4) {
			used[t] = true;
			/* a fresh namespace has nothing in use */
			CSVX_CHECK(mnl_attr_get_u32(a) == 0, "USAGE %d is %u",
				   t, mnl_attr_get_u32(a));
		}
	}
	for (t = CSVX_PARAM_MAX_VRFS; t <= CSVX_PARAM_MAX_ROUTES; t++)
		CSVX_CHECK(used[t], "USAGE lacks %d", t);
	csvx_msgs_free(&reply);
}

TEST_F(params, defaults)
{
	struct csvx_params p;
	int t;

	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(CSVX_GENL_VERSION, p.version);
	EXPECT_EQ(4789, p.val[CSVX_PARAM_UDP_PORT]);
	for (t = CSVX_PARAM_MAX_VRFS; t <= CSVX_PARAM_MAX; t++)
		CSVX_CHECK(p.has_val[t] && p.val[t] > 0,
			   "limit %d is %u", t, p.val[t]);
}

TEST_F(params, set_all_and_subset)
{
	uint32_t want[CSVX_PARAM_MAX + 1];
	char buf[1024];
	struct csvx_params p;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int t;

	/* every param a value of its own: the port 4790, the others 100+t */
	for (t = 1; t <= CSVX_PARAM_MAX; t++)
		want[t] = t == CSVX_PARAM_UDP_PORT ? 4790 : 100 + t;

	nlh = csvx_req(&self->s, buf, CSVX_CMD_SET_PARAMS, 0);
	nest = mnl_attr_nest_start(nlh, CSVX_A_PARAMS);
	for (t = 1; t <= CSVX_PARAM_MAX; t++)
		mnl_attr_put_u32(nlh, t, want[t]);
	mnl_attr_nest_end(nlh, nest);
	CSVX_OK(&self->s, csvx_do(&self->s, nlh, NULL));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	for (t = 1; t <= CSVX_PARAM_MAX; t++) {
		EXPECT_EQ(want[t], p.val[t]) TH_LOG("param %d", t);
	}

	/* a subset leaves the others alone */
	CSVX_OK(&self->s, csvx_param_set(&self->s, CSVX_PARAM_MAX_FDB, 2000));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	for (t = 1; t <= CSVX_PARAM_MAX; t++) {
		EXPECT_EQ(t == CSVX_PARAM_MAX_FDB ? 2000 : want[t], p.val[t])
			TH_LOG("param %d", t);
	}

	/* an empty nest changes nothing */
	nlh = csvx_req(&self->s, buf, CSVX_CMD_SET_PARAMS, 0);
	nest = mnl_attr_nest_start(nlh, CSVX_A_PARAMS);
	mnl_attr_nest_end(nlh, nest);
	CSVX_OK(&self->s, csvx_do(&self->s, nlh, NULL));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(2000, p.val[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(4790, p.val[CSVX_PARAM_UDP_PORT]);
}

TEST_F(params, udp_port_range)
{
	struct csvx_snap before = {};
	struct csvx_bad bad;
	int ret;

	csvx_take_snapshot(_metadata, &self->s, &before);
	ret = set_param(&self->s, CSVX_PARAM_UDP_PORT, 0, &bad);
	csvx_check_refused(_metadata, &self->s, NULL, &before, ret,
			   csvx_errs_malformed, &bad, "UDP port 0");
	ret = set_param(&self->s, CSVX_PARAM_UDP_PORT, 65536, &bad);
	csvx_check_refused(_metadata, &self->s, NULL, &before, ret,
			   csvx_errs_malformed, &bad, "UDP port 65536");
	csvx_snap_free(&before);

	CSVX_OK(&self->s, set_param(&self->s, CSVX_PARAM_UDP_PORT, 65535, &bad));
	EXPECT_EQ(65535, get_param(_metadata, &self->s, CSVX_PARAM_UDP_PORT, false));
	CSVX_OK(&self->s, set_param(&self->s, CSVX_PARAM_UDP_PORT, 1, &bad));
	EXPECT_EQ(1, get_param(_metadata, &self->s, CSVX_PARAM_UDP_PORT, false));
	CSVX_OK(&self->s, set_param(&self->s, CSVX_PARAM_UDP_PORT, 4789, &bad));
	EXPECT_EQ(4789, get_param(_metadata, &self->s, CSVX_PARAM_UDP_PORT, false));
}

/*
 * The limit tests: a table filled to @limit through add(i), the next add
 * refused with ENOSPC and nothing changed, lowering below the usage EBUSY,
 * lowering to the usage allowed, and raising it lets the add through.
 */
typedef int (*add_fn)(struct csvx_sock *s, int i);

static void limit_test(struct __test_metadata *_metadata, struct csvx_sock *s,
		       int param, uint32_t limit, add_fn add)
{
	struct csvx_snap before = {};
	struct csvx_bad bad;
	char what[64];
	uint32_t i;
	int ret;

	CSVX_OK(s, set_param(s, param, limit, &bad));
	for (i = 0; i < limit; i++) {
		ret = add(s, i);
		ASSERT_EQ(0, ret) TH_LOG("entry %u of %u: %s (extack \"%s\")",
					 i, limit, strerror(-ret), s->msg);
	}
	EXPECT_EQ(limit, get_param(_metadata, s, param, true));

	csvx_take_snapshot(_metadata, s, &before);
	snprintf(what, sizeof(what), "param %d: entry %u over the limit",
		 param, limit + 1);
	ret = add(s, limit);
	csvx_check_refused(_metadata, s, NULL, &before, ret,
			   (const int []){ ENOSPC, 0 }, NULL, what);

	snprintf(what, sizeof(what), "param %d: limit %u below usage %u",
		 param, limit - 1, limit);
	ret = set_param(s, param, limit - 1, &bad);
	csvx_check_refused(_metadata, s, NULL, &before, ret,
			   (const int []){ EBUSY, 0 }, &bad, what);
	csvx_snap_free(&before);

	/* equal to the usage is fine */
	CSVX_OK(s, set_param(s, param, limit, &bad));
	EXPECT_EQ(limit, get_param(_metadata, s, param, false));
	CSVX_OK(s, set_param(s, param, limit + 1, &bad));
	CSVX_OK(s, add(s, limit));
	EXPECT_EQ(limit + 1, get_param(_metadata, s, param, true));
}

static int add_vrf(struct csvx_sock *s, int i)
{
	char name[16], mac[32];

	snprintf(name, sizeof(name), "vrf%d", i);
	snprintf(mac, sizeof(mac), "02:00:00:00:01:%02x", i);
	return csvx_vrf_new(s, 0, name, 100 + i, 6000 + i, mac);
}

static int add_vni(struct csvx_sock *s, int i)
{
	char name[16];
	struct csvx_vni_cfg c = { .vni = 1000 + i, .ifname = name };

	snprintf(name, sizeof(name), "vxl%d", i);
	return csvx_vni_new(s, 0, &c);
}

/* flood, fdb and routes: spread over two VNIs / VRFs (limits are global) */
static int add_flood(struct csvx_sock *s, int i)
{
	char ip[32];

	snprintf(ip, sizeof(ip), "198.51.100.%d", i + 1);
	return csvx_flood_new(s, 0, i % 2 ? 101 : 100, ip);
}

static int add_fdb(struct csvx_sock *s, int i)
{
	char mac[32];
	struct csvx_fdb_cfg c = { .vni = i % 2 ? 101 : 100, .mac = mac,
				  .remote = "198.51.100.1" };

	snprintf(mac, sizeof(mac), "02:00:00:00:02:%02x", i);
	return csvx_fdb_new(s, 0, &c);
}

static int add_route(struct csvx_sock *s, int i)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "10.%d.0.0/16", i);
	return csvx_route_new(s, 0, i % 2 ? "blue" : "red", prefix,
			      "198.51.100.1", "02:00:00:00:99:99");
}

static void two_vnis(struct __test_metadata *_metadata, struct csvx_sock *s)
{
	struct csvx_vni_cfg a = { .vni = 100, .ifname = "vx100" };
	struct csvx_vni_cfg b = { .vni = 101, .ifname = "vx101" };

	CSVX_OK(s, csvx_vni_new(s, 0, &a));
	CSVX_OK(s, csvx_vni_new(s, 0, &b));
}

TEST_F(params, limit_vrfs)
{
	limit_test(_metadata, &self->s, CSVX_PARAM_MAX_VRFS, 3, add_vrf);
}

TEST_F(params, limit_vnis)
{
	limit_test(_metadata, &self->s, CSVX_PARAM_MAX_VNIS, 3, add_vni);
	EXPECT_NE(0, if_nametoindex("vxl3"));
}

TEST_F(params, limit_flood)
{
	two_vnis(_metadata, &self->s);
	limit_test(_metadata, &self->s, CSVX_PARAM_MAX_FLOOD, 5, add_flood);
}

TEST_F(params, limit_fdb)
{
	struct csvx_fdb_cfg move = { .vni = 100, .mac = "02:00:00:00:02:00",
				     .remote = "198.51.100.99",
				     .has_seq = true, .seq = 10 };
	struct csvx_bad bad;

	two_vnis(_metadata, &self->s);
	limit_test(_metadata, &self->s, CSVX_PARAM_MAX_FDB, 6, add_fdb);
	/* limit_test left limit+1 == usage: updates need no new entry */
	CSVX_OK(&self->s, set_param(&self->s, CSVX_PARAM_MAX_FDB, 7, &bad));
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &move));
	move.remote = "198.51.100.98";
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, CSVX_REPLACE, &move));
	EXPECT_EQ(7, get_param(_metadata, &self->s, CSVX_PARAM_MAX_FDB, true));
	/* a delete makes room again */
	CSVX_OK(&self->s, csvx_fdb_del(&self->s, 100, "02:00:00:00:02:00"));
	CSVX_OK(&self->s, add_fdb(&self->s, 20));
}

TEST_F(params, limit_routes)
{
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "blue", 20, 5020,
				       "02:00:00:00:20:20"));
	limit_test(_metadata, &self->s, CSVX_PARAM_MAX_ROUTES, 4, add_route);
	/* replacing an existing route at the limit needs no new entry */
	CSVX_OK(&self->s, csvx_route_new(&self->s, CSVX_REPLACE, "red",
					 "10.0.0.0/16", "198.51.100.7",
					 "02:00:00:00:77:77"));
}

TEST_F(params, usage_follows_tables)
{
	struct csvx_params p;
	int i;

	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "blue", 20, 5020,
				       "02:00:00:00:20:20"));
	two_vnis(_metadata, &self->s);
	for (i = 0; i < 3; i++)
		CSVX_OK(&self->s, add_flood(&self->s, i));
	for (i = 0; i < 5; i++)
		CSVX_OK(&self->s, add_fdb(&self->s, i));
	for (i = 0; i < 4; i++)
		CSVX_OK(&self->s, add_route(&self->s, i));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(2, p.use[CSVX_PARAM_MAX_VRFS]);
	EXPECT_EQ(2, p.use[CSVX_PARAM_MAX_VNIS]);
	EXPECT_EQ(3, p.use[CSVX_PARAM_MAX_FLOOD]);
	EXPECT_EQ(5, p.use[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(4, p.use[CSVX_PARAM_MAX_ROUTES]);

	/* VNI 101 takes its flood entry (i=1) and FDB entries (1, 3) along */
	CSVX_OK(&self->s, csvx_vni_del(&self->s, 101));
	/* VRF blue takes its routes (i=1, 3) along */
	CSVX_OK(&self->s, csvx_vrf_del(&self->s, "blue"));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(1, p.use[CSVX_PARAM_MAX_VRFS]);
	EXPECT_EQ(1, p.use[CSVX_PARAM_MAX_VNIS]);
	EXPECT_EQ(2, p.use[CSVX_PARAM_MAX_FLOOD]);
	EXPECT_EQ(3, p.use[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(2, p.use[CSVX_PARAM_MAX_ROUTES]);
}

TEST_HARNESS_MAIN
