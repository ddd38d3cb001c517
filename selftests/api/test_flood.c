// SPDX-License-Identifier: GPL-2.0
/*
 * NEW_FLOOD / DEL_FLOOD / GET_FLOOD (dump only, filter [VNI]): the
 * head-end replication list of a VNI.
 */
#include "csvx_test.h"

FIXTURE(flood) {
	struct csvx_sock s;
	struct csvx_snap snap;
};

FIXTURE_SETUP(flood)
{
	struct csvx_vni_cfg a = { .vni = 100, .ifname = "vx100" };
	struct csvx_vni_cfg b = { .vni = 200, .ifname = "vx200" };
	struct csvx_vni_cfg c = { .vni = 300, .ifname = "vx300" };

	csvx_setup(_metadata, &self->s);
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &a));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &b));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
}

FIXTURE_TEARDOWN(flood)
{
	csvx_snap_free(&self->snap);
	csvx_close(&self->s);
}

/*
 * Dump the flood list (of @vni, 0: all) and check it is exactly
 * @remotes[i] in @vnis[i], each once.
 */
static void expect_flood(struct __test_metadata *_metadata, struct csvx_sock *s,
			 uint32_t vni, const uint32_t *vnis,
			 const char *const *remotes, int nr)
{
	char buf[256];
	struct csvx_msgs out = {};
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_GET_FLOOD, 0);
	bool seen[16] = {};
	size_t i;
	int j;

	if (vni)
		mnl_attr_put_u32(nlh, CSVX_A_VNI, vni);
	CSVX_OK(s, csvx_dump(s, nlh, &out));
	EXPECT_EQ(nr, out.nr) TH_LOG("flood entries of VNI %u", vni);
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};
		bool found = false;

		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		ASSERT_NE(NULL, tb[CSVX_A_VNI]);
		ASSERT_EQ(4, mnl_attr_get_payload_len(tb[CSVX_A_VNI]));
		for (j = 0; j < nr; j++) {
			if (mnl_attr_get_u32(tb[CSVX_A_VNI]) != vnis[j] ||
			    !csvx_attr_is_ip(tb[CSVX_A_REMOTE], remotes[j]))
				continue;
			CSVX_CHECK(!seen[j], "%u %s twice", vnis[j], remotes[j]);
			seen[j] = found = true;
		}
		CSVX_CHECK(found, "entry %zu (VNI %u) not expected", i,
			   mnl_attr_get_u32(tb[CSVX_A_VNI]));
	}
	for (j = 0; j < nr; j++)
		CSVX_CHECK(seen[j], "%u %s not dumped", vnis[j], remotes[j]);
	csvx_msgs_free(&out);
}

TEST_F(flood, add_dump)
{
	static const uint32_t vnis[] = { 100, 100, 200 };
	static const char *const remotes[] = { "198.51.100.1", "2001:db8::1",
					       "198.51.100.1" };

	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, remotes[0]));
	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, remotes[1]));
	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 200, remotes[2]));
	expect_flood(_metadata, &self->s, 0, vnis, remotes, 3);
	/* the filter */
	expect_flood(_metadata, &self->s, 100, vnis, remotes, 2);
	expect_flood(_metadata, &self->s, 200, vnis + 2, remotes + 2, 1);
	expect_flood(_metadata, &self->s, 300, NULL, NULL, 0);
}

TEST_F(flood, exists)
{
	static const uint32_t vnis[] = { 100 };
	static const char *const remotes[] = { "198.51.100.1" };

	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "198.51.100.1"));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, EEXIST, csvx_flood_new(&self->s, 0, 100,
						      "198.51.100.1"));
	CSVX_REFUSED(&self->s, EEXIST, csvx_flood_new(&self->s, 0,
						      100, "198.51.100.1"));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "after EEXIST");
	expect_flood(_metadata, &self->s, 0, vnis, remotes, 1);
}

TEST_F(flood, del)
{
	static const uint32_t vnis[] = { 100 };
	static const char *const remotes[] = { "2001:db8::1" };

	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "198.51.100.1"));
	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "2001:db8::1"));
	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 200, "198.51.100.1"));
	CSVX_OK(&self->s, csvx_flood_del(&self->s, 100, "198.51.100.1"));
	expect_flood(_metadata, &self->s, 100, vnis, remotes, 1);
	EXPECT_EQ(1, csvx_count(&self->s, CSVX_CMD_GET_FLOOD, CSVX_A_VNI, 200,
				0, NULL));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, ENOENT, csvx_flood_del(&self->s, 100,
						      "198.51.100.1"));
	CSVX_REFUSED(&self->s, ENOENT, csvx_flood_del(&self->s, 300,
						      "198.51.100.1"));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "after ENOENT");
}

TEST_F(flood, missing_vni)
{
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, ENOENT, csvx_flood_new(&self->s, 0, 999,
						      "198.51.100.1"));
	CSVX_REFUSED(&self->s, ENOENT, csvx_flood_del(&self->s, 999,
						      "198.51.100.1"));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "VNI missing");
}

/* GET_FLOOD is dump only: a do request is refused, and changes nothing. */
TEST_F(flood, get_is_dump_only)
{
	char buf[256];
	struct nlmsghdr *nlh;
	int ret;

	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "198.51.100.1"));
	nlh = csvx_req(&self->s, buf, CSVX_CMD_GET_FLOOD, 0);
	mnl_attr_put_u32(nlh, CSVX_A_VNI, 100);
	csvx_put_ip(nlh, CSVX_A_REMOTE, "198.51.100.1");
	ret = csvx_do(&self->s, nlh, NULL);
	EXPECT_NE(0, ret) TH_LOG("GET_FLOOD without NLM_F_DUMP accepted");
	EXPECT_TRUE(ret == -EOPNOTSUPP || ret == -EINVAL)
		TH_LOG("GET_FLOOD do: %s", strerror(-ret));
}

/* Many remotes on one VNI (the list is replaced as a whole on a change). */
TEST_F(flood, many)
{
	struct csvx_params p;
	char ip[64];
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(ip, sizeof(ip), "2001:db8::%x", i + 1);
		CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, ip));
	}
	EXPECT_EQ(200, csvx_count(&self->s, CSVX_CMD_GET_FLOOD, CSVX_A_VNI, 100,
				  0, NULL));
	for (i = 0; i < 200; i += 2) {
		snprintf(ip, sizeof(ip), "2001:db8::%x", i + 1);
		CSVX_OK(&self->s, csvx_flood_del(&self->s, 100, ip));
	}
	EXPECT_EQ(100, csvx_count(&self->s, CSVX_CMD_GET_FLOOD, CSVX_A_VNI, 100,
				  0, NULL));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(100, p.use[CSVX_PARAM_MAX_FLOOD]);
}

TEST_HARNESS_MAIN
