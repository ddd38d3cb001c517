// SPDX-License-Identifier: GPL-2.0
/*
 * NEW_VRF / DEL_VRF / GET_VRF: replies, EEXIST/CSVX_A_REPLACE, unique ids and
 * L3VNIs, the L3VNI / L2 VNI conflict both ways, EBUSY while a VNI is in
 * the VRF, ENOENT, and the VRF's routes going with it.
 */
#include "csvx_test.h"

FIXTURE(vrf) {
	struct csvx_sock s;
	struct csvx_snap snap;
};

FIXTURE_SETUP(vrf)
{
	csvx_setup(_metadata, &self->s);
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
}

FIXTURE_TEARDOWN(vrf)
{
	csvx_snap_free(&self->snap);
	csvx_close(&self->s);
}

/* GET_VRF @name: 0 and the reply's attributes, or -errno. */
static int get_vrf(struct csvx_sock *s, const char *name,
		   struct csvx_msgs *reply, const struct nlattr **tb)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_GET_VRF, 0);
	int ret;

	mnl_attr_put_strz(nlh, CSVX_A_VRF, name);
	ret = csvx_do(s, nlh, reply);
	if (ret)
		return ret;
	if (reply->nr != 1)
		return -EBADMSG;
	return csvx_attrs(reply->v[0], tb, CSVX_A_MAX);
}

static void expect_vrf(struct __test_metadata *_metadata, struct csvx_sock *s,
		       const char *name, uint32_t id, uint32_t l3vni,
		       const char *rmac)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_OK(s, get_vrf(s, name, &reply, tb));
	EXPECT_ATTR_STR(tb, CSVX_A_VRF, name);
	EXPECT_ATTR_U32(tb, CSVX_A_VRF_ID, id);
	EXPECT_ATTR_U32(tb, CSVX_A_L3VNI, l3vni);
	EXPECT_ATTR_MAC(tb, CSVX_A_RMAC, rmac);
	csvx_msgs_free(&reply);
}

TEST_F(vrf, new_get)
{
	expect_vrf(_metadata, &self->s, "red", 10, 5010, "02:00:00:00:10:10");
}

TEST_F(vrf, edges)
{
	/* longest name, largest id, largest L3VNI */
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "abcdefghijklmno",
				       0xffffffffU, CSVX_VNI_MAX,
				       "02:ff:ff:ff:ff:ff"));
	expect_vrf(_metadata, &self->s, "abcdefghijklmno", 0xffffffffU,
		   CSVX_VNI_MAX, "02:ff:ff:ff:ff:ff");
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "b", 1, 1,
				       "00:00:00:00:00:01"));
	expect_vrf(_metadata, &self->s, "b", 1, 1, "00:00:00:00:00:01");
}

TEST_F(vrf, get_missing)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_REFUSED(&self->s, ENOENT, get_vrf(&self->s, "blue", &reply, tb));
	EXPECT_EQ(0, reply.nr);
	csvx_msgs_free(&reply);
}

TEST_F(vrf, exists)
{
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	/* without CSVX_A_REPLACE: EEXIST, whatever else differs */
	CSVX_REFUSED(&self->s, EEXIST, csvx_vrf_new(&self->s, 0, "red", 10,
			5010, "02:00:00:00:10:10"));
	CSVX_REFUSED(&self->s, EEXIST, csvx_vrf_new(&self->s, 0,
			"red", 10, 5010, "02:00:00:00:10:10"));
	CSVX_REFUSED(&self->s, EEXIST, csvx_vrf_new(&self->s, 0,
			"red", 10, 5010, "02:00:00:00:10:11"));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "after EEXIST");
}

TEST_F(vrf, replace)
{
	/* REPLACE of an existing VRF: the router MAC changes */
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, CSVX_REPLACE, "red", 10,
				       5010, "02:00:00:00:10:99"));
	expect_vrf(_metadata, &self->s, "red", 10, 5010, "02:00:00:00:10:99");
	/* REPLACE of a missing one creates it */
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, CSVX_REPLACE, "blue", 20,
				       5020, "02:00:00:00:20:20"));
	expect_vrf(_metadata, &self->s, "blue", 20, 5020, "02:00:00:00:20:20");
	EXPECT_EQ(2, csvx_count(&self->s, CSVX_CMD_GET_VRF, 0, 0, 0, NULL));
}

TEST_F(vrf, unique_id_and_l3vni)
{
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, EEXIST, csvx_vrf_new(&self->s, 0, "blue", 10,
			5020, "02:00:00:00:20:20"));
	CSVX_REFUSED(&self->s, EEXIST, csvx_vrf_new(&self->s, 0, "blue", 20,
			5010, "02:00:00:00:20:20"));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap,
			      "after duplicate id / L3VNI");
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "blue", 20, 5020,
				       "02:00:00:00:10:10"));
}

TEST_F(vrf, l3vni_vs_l2vni)
{
	struct csvx_vni_cfg l2 = { .vni = 100, .ifname = "vx100" };
	struct csvx_vni_cfg l3 = { .vni = 5010, .ifname = "vx5010" };

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &l2));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	/* an L2 VNI cannot become a VRF's L3VNI ... */
	CSVX_REFUSED(&self->s, EEXIST, csvx_vrf_new(&self->s, 0, "blue", 20,
			100, "02:00:00:00:20:20"));
	/* ... nor an L3VNI an L2 VNI (and no device is left behind) */
	CSVX_REFUSED(&self->s, EEXIST, csvx_vni_new(&self->s, 0, &l3));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap,
			      "after the L3VNI conflicts");
	EXPECT_EQ(0, if_nametoindex("vx5010"));
}

TEST_F(vrf, dump)
{
	static const char *const names[] = { "red", "blue", "green", "black" };
	bool seen[4] = {};
	struct csvx_msgs out = {};
	char buf[256];
	size_t i;
	int j;

	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "blue", 20, 5020,
				       "02:00:00:00:20:20"));
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "green", 30, 5030,
				       "02:00:00:00:30:30"));
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "black", 40, 5040,
				       "02:00:00:00:40:40"));
	CSVX_OK(&self->s, csvx_dump(&self->s, csvx_req(&self->s, buf,
			CSVX_CMD_GET_VRF, 0), &out));
	EXPECT_EQ(4, out.nr);
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		ASSERT_NE(NULL, tb[CSVX_A_VRF]);
		for (j = 0; j < 4; j++) {
			if (strcmp(mnl_attr_get_str(tb[CSVX_A_VRF]), names[j]))
				continue;
			CSVX_CHECK(!seen[j], "VRF %s twice", names[j]);
			seen[j] = true;
			EXPECT_ATTR_U32(tb, CSVX_A_VRF_ID, (j + 1) * 10);
			EXPECT_ATTR_U32(tb, CSVX_A_L3VNI, 5000 + (j + 1) * 10);
		}
	}
	for (j = 0; j < 4; j++)
		CSVX_CHECK(seen[j], "VRF %s not dumped", names[j]);
	csvx_msgs_free(&out);
}

TEST_F(vrf, del)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_OK(&self->s, csvx_vrf_del(&self->s, "red"));
	CSVX_REFUSED(&self->s, ENOENT, get_vrf(&self->s, "red", &reply, tb));
	CSVX_REFUSED(&self->s, ENOENT, csvx_vrf_del(&self->s, "red"));
	CSVX_REFUSED(&self->s, ENOENT, csvx_vrf_del(&self->s, "nope"));
	EXPECT_EQ(0, csvx_count(&self->s, CSVX_CMD_GET_VRF, 0, 0, 0, NULL));
	/* its id and L3VNI are free again */
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "blue", 10, 5010,
				       "02:00:00:00:10:10"));
	csvx_msgs_free(&reply);
}

TEST_F(vrf, del_busy)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100", .vrf = "red" };

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, EBUSY, csvx_vrf_del(&self->s, "red"));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "VRF in use");
	CSVX_OK(&self->s, csvx_vni_del(&self->s, 100));
	CSVX_OK(&self->s, csvx_vrf_del(&self->s, "red"));
}

TEST_F(vrf, del_takes_routes)
{
	struct csvx_params p;

	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "blue", 20, 5020,
				       "02:00:00:00:20:20"));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "10.1.0.0/16",
			"198.51.100.1", "02:00:00:00:99:99"));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "fd00::/8",
			"2001:db8::1", "02:00:00:00:99:99"));
	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "blue", "10.1.0.0/16",
			"198.51.100.1", "02:00:00:00:99:99"));
	CSVX_OK(&self->s, csvx_vrf_del(&self->s, "red"));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(1, p.use[CSVX_PARAM_MAX_ROUTES]);
	EXPECT_EQ(1, p.use[CSVX_PARAM_MAX_VRFS]);
	EXPECT_EQ(1, csvx_count(&self->s, CSVX_CMD_GET_ROUTE, 0, 0, 0, NULL));
	/* a new VRF of the same name starts empty */
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	EXPECT_EQ(0, csvx_count(&self->s, CSVX_CMD_GET_ROUTE, 0, 0,
				CSVX_A_VRF, "red"));
}

TEST_HARNESS_MAIN
