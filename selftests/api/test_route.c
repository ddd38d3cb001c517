// SPDX-License-Identifier: GPL-2.0
/*
 * NEW_ROUTE / DEL_ROUTE / GET_ROUTE / FLUSH_ROUTE: type-5 routes in a VRF,
 * IPv4 and IPv6, exact-match GET, EEXIST/REPLACE, ENOENT, VRFs as separate
 * tables, filtered dumps and flushing (connected routes stay).
 */
#include "csvx_test.h"

FIXTURE(route) {
	struct csvx_sock s;
	struct csvx_snap snap;
};

FIXTURE_SETUP(route)
{
	csvx_setup(_metadata, &self->s);
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "blue", 20, 5020,
				       "02:00:00:00:20:20"));
}

FIXTURE_TEARDOWN(route)
{
	csvx_snap_free(&self->snap);
	csvx_close(&self->s);
}

#define RMAC1 "02:00:00:00:99:01"
#define RMAC2 "02:00:00:00:99:02"

static int get_route(struct csvx_sock *s, const char *vrf, const char *prefix,
		     struct csvx_msgs *reply, const struct nlattr **tb)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_GET_ROUTE, 0);
	struct csvx_ip p;
	int plen, ret;

	p = csvx_prefix(prefix, &plen);
	mnl_attr_put_strz(nlh, CSVX_A_VRF, vrf);
	mnl_attr_put(nlh, CSVX_A_PREFIX, p.len, p.a);
	mnl_attr_put_u8(nlh, CSVX_A_PLEN, plen);
	ret = csvx_do(s, nlh, reply);
	if (ret)
		return ret;
	if (reply->nr != 1)
		return -EBADMSG;
	return csvx_attrs(reply->v[0], tb, CSVX_A_MAX);
}

static bool attr_is_prefix(const struct nlattr *const *tb, const char *prefix)
{
	int plen;
	struct csvx_ip p = csvx_prefix(prefix, &plen);

	return tb[CSVX_A_PREFIX] && tb[CSVX_A_PLEN] &&
	       mnl_attr_get_payload_len(tb[CSVX_A_PREFIX]) == p.len &&
	       !memcmp(mnl_attr_get_payload(tb[CSVX_A_PREFIX]), p.a, p.len) &&
	       mnl_attr_get_payload_len(tb[CSVX_A_PLEN]) == 1 &&
	       mnl_attr_get_u8(tb[CSVX_A_PLEN]) == plen;
}

static void expect_route(struct __test_metadata *_metadata,
			 struct csvx_sock *s, const char *vrf,
			 const char *prefix, const char *remote,
			 const char *rmac)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_OK(s, get_route(s, vrf, prefix, &reply, tb));
	EXPECT_ATTR_STR(tb, CSVX_A_VRF, vrf);
	CSVX_CHECK(attr_is_prefix(tb, prefix), "PREFIX/PLEN are not %s", prefix);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, remote);
	EXPECT_ATTR_MAC(tb, CSVX_A_RMAC, rmac);
	if (tb[CSVX_A_FLAGS])
		EXPECT_ATTR_U32(tb, CSVX_A_FLAGS, 0);
	csvx_msgs_free(&reply);
}

TEST_F(route, add_get)
{
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red",
			"10.8.0.0/16", "198.51.100.8", RMAC1));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red",
			"2001:db8:8::/48", "2001:db8::8", RMAC2));
	/* overlay and underlay families are independent */
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red",
			"10.9.0.0/16", "2001:db8::9", RMAC1));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red",
			"2001:db8:9::/48", "198.51.100.9", RMAC2));
	expect_route(_metadata, &self->s, "red", "10.8.0.0/16", "198.51.100.8", RMAC1);
	expect_route(_metadata, &self->s, "red", "2001:db8:8::/48", "2001:db8::8", RMAC2);
	expect_route(_metadata, &self->s, "red", "10.9.0.0/16", "2001:db8::9", RMAC1);
	expect_route(_metadata, &self->s, "red", "2001:db8:9::/48", "198.51.100.9", RMAC2);
}

TEST_F(route, edges)
{
	static const char *const prefixes[] = {
		"0.0.0.0/0", "::/0", "10.1.2.3/32", "2001:db8::1/128",
		"128.0.0.0/1", "8000::/1", "255.255.255.254/31",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red",
				prefixes[i], "198.51.100.1", RMAC1));
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		expect_route(_metadata, &self->s, "red", prefixes[i],
			     "198.51.100.1", RMAC1);
}

/* GET is an exact match, not a lookup. */
TEST_F(route, get_exact)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "10.0.0.0/8",
					 "198.51.100.1", RMAC1));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "10.1.0.0/16",
					 "198.51.100.2", RMAC2));
	CSVX_REFUSED(&self->s, ENOENT, get_route(&self->s, "red", "10.1.2.0/24",
						 &reply, tb));
	CSVX_REFUSED(&self->s, ENOENT, get_route(&self->s, "red", "10.0.0.0/9",
						 &reply, tb));
	CSVX_REFUSED(&self->s, ENOENT, get_route(&self->s, "blue", "10.0.0.0/8",
						 &reply, tb));
	CSVX_REFUSED(&self->s, ENOENT, get_route(&self->s, "nope", "10.0.0.0/8",
						 &reply, tb));
	EXPECT_EQ(0, reply.nr);
	/* prefix lengths are separate routes */
	CSVX_OK(&self->s, csvx_route_del(&self->s, "red", "10.1.0.0/16"));
	expect_route(_metadata, &self->s, "red", "10.0.0.0/8", "198.51.100.1", RMAC1);
	csvx_msgs_free(&reply);
}

TEST_F(route, exists_replace)
{
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "10.8.0.0/16",
					 "198.51.100.8", RMAC1));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, EEXIST, csvx_route_new(&self->s, 0, "red",
			"10.8.0.0/16", "198.51.100.8", RMAC1));
	CSVX_REFUSED(&self->s, EEXIST, csvx_route_new(&self->s, 0,
			"red", "10.8.0.0/16", "198.51.100.9", RMAC2));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "after EEXIST");
	CSVX_OK(&self->s, csvx_route_new(&self->s, CSVX_REPLACE, "red",
			"10.8.0.0/16", "2001:db8::9", RMAC2));
	expect_route(_metadata, &self->s, "red", "10.8.0.0/16", "2001:db8::9", RMAC2);
	/* REPLACE creates a missing route */
	CSVX_OK(&self->s, csvx_route_new(&self->s, CSVX_REPLACE, "red",
			"10.7.0.0/16", "198.51.100.7", RMAC1));
	expect_route(_metadata, &self->s, "red", "10.7.0.0/16", "198.51.100.7", RMAC1);
	EXPECT_EQ(2, csvx_count(&self->s, CSVX_CMD_GET_ROUTE, 0, 0, 0, NULL));
}

TEST_F(route, del)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "10.8.0.0/16",
					 "198.51.100.8", RMAC1));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "2001:db8:8::/48",
					 "198.51.100.8", RMAC1));
	CSVX_OK(&self->s, csvx_route_del(&self->s, "red", "10.8.0.0/16"));
	CSVX_REFUSED(&self->s, ENOENT, get_route(&self->s, "red", "10.8.0.0/16",
						 &reply, tb));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, ENOENT, csvx_route_del(&self->s, "red", "10.8.0.0/16"));
	CSVX_REFUSED(&self->s, ENOENT, csvx_route_del(&self->s, "red", "10.8.0.0/17"));
	CSVX_REFUSED(&self->s, ENOENT, csvx_route_del(&self->s, "blue", "2001:db8:8::/48"));
	CSVX_REFUSED(&self->s, ENOENT, csvx_route_del(&self->s, "nope", "2001:db8:8::/48"));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "after ENOENT");
	CSVX_OK(&self->s, csvx_route_del(&self->s, "red", "2001:db8:8::/48"));
	EXPECT_EQ(0, csvx_count(&self->s, CSVX_CMD_GET_ROUTE, 0, 0, 0, NULL));
	csvx_msgs_free(&reply);
}

TEST_F(route, missing_vrf)
{
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, ENOENT, csvx_route_new(&self->s, 0, "nope",
			"10.8.0.0/16", "198.51.100.8", RMAC1));
	CSVX_REFUSED(&self->s, ENOENT, csvx_route_new(&self->s, CSVX_REPLACE,
			"nope", "10.8.0.0/16", "198.51.100.8", RMAC1));
	CSVX_REFUSED(&self->s, ENOENT, csvx_route_flush(&self->s, "nope"));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "VRF missing");
}

/* Every VRF is its own table. */
TEST_F(route, vrfs_apart)
{
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "10.8.0.0/16",
					 "198.51.100.1", RMAC1));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "blue", "10.8.0.0/16",
					 "198.51.100.2", RMAC2));
	expect_route(_metadata, &self->s, "red", "10.8.0.0/16", "198.51.100.1", RMAC1);
	expect_route(_metadata, &self->s, "blue", "10.8.0.0/16", "198.51.100.2", RMAC2);
	CSVX_OK(&self->s, csvx_route_del(&self->s, "red", "10.8.0.0/16"));
	expect_route(_metadata, &self->s, "blue", "10.8.0.0/16", "198.51.100.2", RMAC2);
}

/* Dump @vrf (NULL: all) and check every route is one of @prefixes once. */
static void expect_dump(struct __test_metadata *_metadata, struct csvx_sock *s,
			const char *vrf, const char *const *vrfs,
			const char *const *prefixes, int nr)
{
	char buf[256];
	struct csvx_msgs out = {};
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_GET_ROUTE, 0);
	bool seen[16] = {};
	size_t i;
	int j;

	if (vrf)
		mnl_attr_put_strz(nlh, CSVX_A_VRF, vrf);
	CSVX_OK(s, csvx_dump(s, nlh, &out));
	EXPECT_EQ(nr, out.nr) TH_LOG("routes of %s", vrf ? vrf : "all VRFs");
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};
		bool found = false;

		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		ASSERT_NE(NULL, tb[CSVX_A_VRF]);
		for (j = 0; j < nr; j++) {
			if (strcmp(mnl_attr_get_str(tb[CSVX_A_VRF]), vrfs[j]) ||
			    !attr_is_prefix(tb, prefixes[j]))
				continue;
			CSVX_CHECK(!seen[j], "%s %s twice", vrfs[j], prefixes[j]);
			seen[j] = found = true;
		}
		CSVX_CHECK(found, "route %zu in %s not expected", i,
			   mnl_attr_get_str(tb[CSVX_A_VRF]));
	}
	for (j = 0; j < nr; j++)
		CSVX_CHECK(seen[j], "%s %s not dumped", vrfs[j], prefixes[j]);
	csvx_msgs_free(&out);
}

TEST_F(route, dump_filter)
{
	static const char *const vrfs[] = { "red", "red", "red", "blue", "blue" };
	static const char *const prefixes[] = { "10.1.0.0/16", "10.2.0.0/16",
		"2001:db8:1::/48", "10.1.0.0/16", "0.0.0.0/0" };
	int j;

	for (j = 0; j < 5; j++)
		CSVX_OK(&self->s, csvx_route_new(&self->s, 0, vrfs[j],
				prefixes[j], "198.51.100.1", RMAC1));
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "green", 30, 5030,
				       "02:00:00:00:30:30"));
	expect_dump(_metadata, &self->s, NULL, vrfs, prefixes, 5);
	expect_dump(_metadata, &self->s, "red", vrfs, prefixes, 3);
	expect_dump(_metadata, &self->s, "blue", vrfs + 3, prefixes + 3, 2);
	expect_dump(_metadata, &self->s, "green", NULL, NULL, 0);
}

TEST_F(route, flush)
{
	static const char *const vrfs[] = { "red", "blue", "blue" };
	static const char *const prefixes[] = { "10.1.0.0/24", "10.1.0.0/16",
						"fd00::/8" };
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100", .vrf = "red",
				  .gw = "10.1.0.1/24", .gw_mac = "02:00:00:00:01:00" };
	struct csvx_params p;
	int j;

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	for (j = 0; j < 4; j++) {
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "10.%d.0.0/16", 10 + j);
		CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", prefix,
						 "198.51.100.1", RMAC1));
	}
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "fd00::/8",
					 "2001:db8::1", RMAC1));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "blue", "10.1.0.0/16",
					 "198.51.100.1", RMAC1));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "blue", "fd00::/8",
					 "2001:db8::1", RMAC1));
	CSVX_OK(&self->s, csvx_route_flush(&self->s, "red"));
	/* red keeps only its connected route; blue is untouched */
	expect_dump(_metadata, &self->s, NULL, vrfs, prefixes, 3);
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_GE(3, p.use[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_LE(2, p.use[CSVX_PARAM_MAX_ROUTES]);
	/* flushing an empty VRF is fine */
	CSVX_OK(&self->s, csvx_route_flush(&self->s, "red"));
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "green", 30, 5030,
				       "02:00:00:00:30:30"));
	CSVX_OK(&self->s, csvx_route_flush(&self->s, "green"));
}

TEST_HARNESS_MAIN
