// SPDX-License-Identifier: GPL-2.0
/*
 * NEW_VNI / DEL_VNI / GET_VNI and GET_STATS: the VTEP device that comes and
 * goes with the VNI, replies, EEXIST/REPLACE, VRF membership and the
 * gateway's connected route, ENOENT, and what a VNI takes with it.
 */
#include "csvx_test.h"

FIXTURE(vni) {
	struct csvx_sock s;
	struct csvx_snap snap;
};

FIXTURE_SETUP(vni)
{
	csvx_setup(_metadata, &self->s);
	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
}

FIXTURE_TEARDOWN(vni)
{
	csvx_snap_free(&self->snap);
	csvx_close(&self->s);
}

static int get_vni(struct csvx_sock *s, uint8_t cmd, uint32_t vni,
		   struct csvx_msgs *reply, const struct nlattr **tb)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);
	int ret;

	mnl_attr_put_u32(nlh, CSVX_A_VNI, vni);
	ret = csvx_do(s, nlh, reply);
	if (ret)
		return ret;
	if (reply->nr != 1)
		return -EBADMSG;
	return csvx_attrs(reply->v[0], tb, CSVX_A_MAX);
}

/* The VNI's reply and device match @c. */
static void expect_vni(struct __test_metadata *_metadata, struct csvx_sock *s,
		       const struct csvx_vni_cfg *c)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};
	unsigned int idx = if_nametoindex(c->ifname);

	CSVX_CHECK(idx, "no device %s for VNI %u", c->ifname, c->vni);
	CSVX_OK(s, get_vni(s, CSVX_CMD_GET_VNI, c->vni, &reply, tb));
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, c->vni);
	EXPECT_ATTR_STR(tb, CSVX_A_IFNAME, c->ifname);
	EXPECT_ATTR_U32(tb, CSVX_A_IFINDEX, idx);
	if (c->vrf)
		EXPECT_ATTR_STR(tb, CSVX_A_VRF, c->vrf);
	else
		CSVX_CHECK(!tb[CSVX_A_VRF], "VNI %u: a VRF in the reply", c->vni);
	if (c->local)
		EXPECT_ATTR_IP(tb, CSVX_A_LOCAL, c->local);
	if (c->gw) {
		int plen;
		struct csvx_ip gw = csvx_prefix(c->gw, &plen);

		CSVX_CHECK(tb[CSVX_A_GW] &&
			   mnl_attr_get_payload_len(tb[CSVX_A_GW]) == gw.len &&
			   !memcmp(mnl_attr_get_payload(tb[CSVX_A_GW]), gw.a, gw.len),
			   "GW is not %s", c->gw);
		EXPECT_ATTR_U8(tb, CSVX_A_GW_PLEN, plen);
		EXPECT_ATTR_MAC(tb, CSVX_A_GW_MAC, c->gw_mac);
	} else {
		CSVX_CHECK(!tb[CSVX_A_GW], "VNI %u: a gateway in the reply", c->vni);
	}
	if (c->mtu) {
		EXPECT_ATTR_U32(tb, CSVX_A_MTU, c->mtu);
		EXPECT_EQ((int)c->mtu, csvx_link_mtu(c->ifname));
	}
	csvx_msgs_free(&reply);
}

TEST_F(vni, new_get_l2)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100",
				  .local = "192.0.2.1", .mtu = 1400 };

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	expect_vni(_metadata, &self->s, &c);
}

TEST_F(vni, new_get_ipv6)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100",
				  .local = "2001:db8::100", .mtu = 1380 };

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	expect_vni(_metadata, &self->s, &c);
}

TEST_F(vni, edges)
{
	struct csvx_vni_cfg lo = { .vni = 1, .ifname = "vx1", .mtu = 68 };
	struct csvx_vni_cfg hi = { .vni = CSVX_VNI_MAX, .ifname = "abcdefghijklmno",
				   .mtu = 9000 };

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &lo));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &hi));
	expect_vni(_metadata, &self->s, &lo);
	expect_vni(_metadata, &self->s, &hi);
}

/* The gateway of a VNI in a VRF is a connected route of the VRF. */
static void expect_connected(struct __test_metadata *_metadata,
			     struct csvx_sock *s, const char *vrf,
			     const char *const *prefixes, int nr)
{
	char buf[256];
	struct csvx_msgs out = {};
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_GET_ROUTE, 0);
	bool seen[4] = {};
	size_t i;
	int j;

	mnl_attr_put_strz(nlh, CSVX_A_VRF, vrf);
	CSVX_OK(s, csvx_dump(s, nlh, &out));
	EXPECT_EQ(nr, out.nr);
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		EXPECT_ATTR_STR(tb, CSVX_A_VRF, vrf);
		CSVX_CHECK(tb[CSVX_A_FLAGS] &&
			   mnl_attr_get_payload_len(tb[CSVX_A_FLAGS]) == 4 &&
			   (mnl_attr_get_u32(tb[CSVX_A_FLAGS]) & CSVX_F_CONNECTED),
			   "route %zu: not flagged CSVX_F_CONNECTED", i);
		for (j = 0; j < nr; j++) {
			int plen;
			struct csvx_ip p = csvx_prefix(prefixes[j], &plen);

			if (tb[CSVX_A_PREFIX] && tb[CSVX_A_PLEN] &&
			    mnl_attr_get_payload_len(tb[CSVX_A_PREFIX]) == p.len &&
			    !memcmp(mnl_attr_get_payload(tb[CSVX_A_PREFIX]), p.a, p.len) &&
			    mnl_attr_get_u8(tb[CSVX_A_PLEN]) == plen) {
				CSVX_CHECK(!seen[j], "%s twice", prefixes[j]);
				seen[j] = true;
			}
		}
	}
	for (j = 0; j < nr; j++)
		CSVX_CHECK(seen[j], "no connected route %s in %s", prefixes[j], vrf);
	csvx_msgs_free(&out);
}

TEST_F(vni, vrf_and_gateway)
{
	static const char *const connected[] = { "10.1.0.0/24", "2001:db8:1::/64" };
	struct csvx_vni_cfg v4 = { .vni = 100, .ifname = "vx100", .vrf = "red",
				   .local = "192.0.2.1", .gw = "10.1.0.1/24",
				   .gw_mac = "02:00:00:00:01:00", .mtu = 1450 };
	struct csvx_vni_cfg v6 = { .vni = 101, .ifname = "vx101", .vrf = "red",
				   .gw = "2001:db8:1::1/64",
				   .gw_mac = "02:00:00:00:01:01" };

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v4));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v6));
	expect_vni(_metadata, &self->s, &v4);
	expect_vni(_metadata, &self->s, &v6);
	expect_connected(_metadata, &self->s, "red", connected, 2);
	/* the connected route goes with its VNI */
	CSVX_OK(&self->s, csvx_vni_del(&self->s, 100));
	expect_connected(_metadata, &self->s, "red", connected + 1, 1);
}

TEST_F(vni, missing_vrf)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100", .vrf = "blue" };
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, ENOENT, csvx_vni_new(&self->s, 0, &c));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "VRF missing");
	EXPECT_EQ(0, if_nametoindex("vx100"));
	CSVX_REFUSED(&self->s, ENOENT, get_vni(&self->s, CSVX_CMD_GET_VNI, 100,
					       &reply, tb));
	csvx_msgs_free(&reply);
}

TEST_F(vni, exists)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100" };
	struct csvx_vni_cfg other = { .vni = 100, .ifname = "vx100b" };
	struct csvx_vni_cfg same_dev = { .vni = 101, .ifname = "vx100" };

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, EEXIST, csvx_vni_new(&self->s, 0, &c));
	CSVX_REFUSED(&self->s, EEXIST, csvx_vni_new(&self->s, 0, &c));
	CSVX_REFUSED(&self->s, EEXIST, csvx_vni_new(&self->s, 0, &other));
	/* a device name is one device */
	CSVX_REFUSED(&self->s, EEXIST, csvx_vni_new(&self->s, 0, &same_dev));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "after EEXIST");
	EXPECT_EQ(0, if_nametoindex("vx100b"));
}

TEST_F(vni, device_name_taken)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "lo" };
	int ret;

	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	ret = csvx_vni_new(&self->s, 0, &c);
	EXPECT_NE(0, ret) TH_LOG("a VNI with the device \"lo\"");
	EXPECT_NE(0, self->s.msg[0]) TH_LOG("no extack message");
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "device lo");
}

TEST_F(vni, replace)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100", .mtu = 1450 };
	unsigned int idx;

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	idx = if_nametoindex("vx100");
	ASSERT_NE(0, idx);

	/* the same device gets the new MTU */
	c.mtu = 1300;
	CSVX_OK(&self->s, csvx_vni_new(&self->s, CSVX_REPLACE, &c));
	expect_vni(_metadata, &self->s, &c);
	EXPECT_EQ(idx, if_nametoindex("vx100"));

	/* into a VRF, with a gateway: the VRF is then in use */
	c.vrf = "red";
	c.gw = "10.1.0.1/24";
	c.gw_mac = "02:00:00:00:01:00";
	c.local = "192.0.2.1";
	CSVX_OK(&self->s, csvx_vni_new(&self->s, CSVX_REPLACE, &c));
	expect_vni(_metadata, &self->s, &c);
	CSVX_REFUSED(&self->s, EBUSY, csvx_vrf_del(&self->s, "red"));

	/* and out of it again: REPLACE says what the object is */
	c.vrf = NULL;
	c.gw = NULL;
	c.gw_mac = NULL;
	CSVX_OK(&self->s, csvx_vni_new(&self->s, CSVX_REPLACE, &c));
	expect_vni(_metadata, &self->s, &c);
	EXPECT_EQ(0, csvx_count(&self->s, CSVX_CMD_GET_ROUTE, 0, 0,
				CSVX_A_VRF, "red"));
	CSVX_OK(&self->s, csvx_vrf_del(&self->s, "red"));
	EXPECT_EQ(idx, if_nametoindex("vx100"));
}

TEST_F(vni, replace_creates)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100", .vrf = "red" };

	CSVX_OK(&self->s, csvx_vni_new(&self->s, CSVX_REPLACE, &c));
	expect_vni(_metadata, &self->s, &c);
}

TEST_F(vni, del)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100" };
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	CSVX_OK(&self->s, csvx_vni_del(&self->s, 100));
	EXPECT_EQ(0, if_nametoindex("vx100")) TH_LOG("the device stayed");
	CSVX_REFUSED(&self->s, ENOENT, get_vni(&self->s, CSVX_CMD_GET_VNI, 100,
					       &reply, tb));
	CSVX_REFUSED(&self->s, ENOENT, csvx_vni_del(&self->s, 100));
	CSVX_REFUSED(&self->s, ENOENT, csvx_vni_del(&self->s, 101));
	/* again, with the same device name */
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	expect_vni(_metadata, &self->s, &c);
	csvx_msgs_free(&reply);
}

TEST_F(vni, del_takes_flood_and_fdb)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100" };
	struct csvx_vni_cfg keep = { .vni = 200, .ifname = "vx200" };
	struct csvx_fdb_cfg f = { .vni = 100, .remote = "198.51.100.1" };
	struct csvx_params p;
	char mac[32];
	int i;

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &keep));
	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "198.51.100.1"));
	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "2001:db8::1"));
	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 200, "198.51.100.1"));
	f.mac = mac;
	for (i = 0; i < 3; i++) {
		snprintf(mac, sizeof(mac), "02:00:00:00:00:%02x", i + 1);
		f.vni = 100;
		CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &f));
		f.vni = 200;
		CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &f));
	}
	CSVX_OK(&self->s, csvx_vni_del(&self->s, 100));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(1, p.use[CSVX_PARAM_MAX_VNIS]);
	EXPECT_EQ(1, p.use[CSVX_PARAM_MAX_FLOOD]);
	EXPECT_EQ(3, p.use[CSVX_PARAM_MAX_FDB]);
	EXPECT_EQ(1, csvx_count(&self->s, CSVX_CMD_GET_FLOOD, 0, 0, 0, NULL));
	EXPECT_EQ(3, csvx_count(&self->s, CSVX_CMD_GET_FDB, 0, 0, 0, NULL));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	EXPECT_EQ(0, csvx_count(&self->s, CSVX_CMD_GET_FDB, CSVX_A_VNI, 100,
				0, NULL));
	EXPECT_EQ(0, csvx_count(&self->s, CSVX_CMD_GET_FLOOD, CSVX_A_VNI, 100,
				0, NULL));
}

/*
 * The device deleted behind the VNI's back (ip link del).  The uapi allows
 * two outcomes: the VNI stays with IFINDEX 0 ("0 = gone"), or the VNI goes
 * with its device, flood list and FDB included, and that change is
 * announced like any other (DEL_VNI).
 */
TEST_F(vni, device_deleted)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100" };
	struct csvx_fdb_cfg f = { .vni = 100, .mac = "02:00:00:00:00:01",
				  .remote = "198.51.100.1" };
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {}, notes = {};
	struct csvx_sock mon;
	struct csvx_params p;
	bool announced = false;
	size_t i;
	int ret;

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "198.51.100.1"));
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &f));
	csvx_setup_monitor(_metadata, &mon);
	ret = csvx_link_del("vx100");
	if (ret == -EOPNOTSUPP)
		SKIP(return, "the VTEP device cannot be deleted through rtnetlink");
	ASSERT_EQ(0, ret) TH_LOG("RTM_DELLINK vx100: %s", strerror(-ret));
	ret = get_vni(&self->s, CSVX_CMD_GET_VNI, 100, &reply, tb);
	if (!ret) {
		EXPECT_ATTR_U32(tb, CSVX_A_IFINDEX, 0);
		CSVX_OK(&self->s, csvx_vni_del(&self->s, 100));
	} else {
		EXPECT_EQ(-ENOENT, ret);
		CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
		EXPECT_EQ(0, p.use[CSVX_PARAM_MAX_VNIS]);
		EXPECT_EQ(0, p.use[CSVX_PARAM_MAX_FLOOD]);
		EXPECT_EQ(0, p.use[CSVX_PARAM_MAX_FDB]);
		ASSERT_LE(0, csvx_recv_pending(&mon, &notes));
		for (i = 0; i < notes.nr; i++) {
			const struct nlattr *t2[CSVX_A_MAX + 1] = {};

			if (csvx_cmd(notes.v[i]) != CSVX_CMD_DEL_VNI ||
			    csvx_attrs(notes.v[i], t2, CSVX_A_MAX) ||
			    !t2[CSVX_A_VNI] || mnl_attr_get_u32(t2[CSVX_A_VNI]) != 100)
				continue;
			announced = true;
		}
		EXPECT_TRUE(announced) TH_LOG("VNI 100 went with its device, unannounced (%zu notifications)",
					      notes.nr);
	}
	/* either way the VNI and its device can be made again */
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	expect_vni(_metadata, &self->s, &c);
	csvx_msgs_free(&reply);
	csvx_msgs_free(&notes);
	csvx_close(&mon);
}

/*
 * The uapi's MTU range ends at 65535: a VTEP device may not support that
 * much, but then the request must be refused, not half applied.
 */
TEST_F(vni, mtu_top_of_range)
{
	struct csvx_vni_cfg c = { .vni = 100, .ifname = "vx100", .mtu = 65535 };
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};
	int ret;

	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	ret = csvx_vni_new(&self->s, 0, &c);
	if (ret) {
		EXPECT_NE(0, self->s.msg[0]) TH_LOG("MTU 65535 refused without a message");
		csvx_expect_unchanged(_metadata, &self->s, &self->snap, "MTU 65535");
		return;
	}
	CSVX_OK(&self->s, get_vni(&self->s, CSVX_CMD_GET_VNI, 100, &reply, tb));
	ASSERT_NE(NULL, tb[CSVX_A_MTU]);
	EXPECT_EQ((int)mnl_attr_get_u32(tb[CSVX_A_MTU]), csvx_link_mtu("vx100"))
		TH_LOG("the VNI says MTU %u, its device has another",
		       mnl_attr_get_u32(tb[CSVX_A_MTU]));
	csvx_msgs_free(&reply);

	/* and the same through a replace */
	c.mtu = 1500;
	CSVX_OK(&self->s, csvx_vni_new(&self->s, CSVX_REPLACE, &c));
	c.mtu = 65535;
	ret = csvx_vni_new(&self->s, CSVX_REPLACE, &c);
	memset(tb, 0, sizeof(tb));
	CSVX_OK(&self->s, get_vni(&self->s, CSVX_CMD_GET_VNI, 100, &reply, tb));
	ASSERT_NE(NULL, tb[CSVX_A_MTU]);
	EXPECT_EQ((int)mnl_attr_get_u32(tb[CSVX_A_MTU]), csvx_link_mtu("vx100"))
		TH_LOG("replace to MTU 65535 (%s): the VNI says MTU %u, its device has another",
		       ret ? "refused" : "accepted", mnl_attr_get_u32(tb[CSVX_A_MTU]));
	csvx_msgs_free(&reply);
}

TEST_F(vni, dump)
{
	static const uint32_t vnis[] = { 100, 200, 300, 4000, CSVX_VNI_MAX };
	bool seen[5] = {};
	struct csvx_msgs out = {};
	char buf[256], name[16];
	size_t i;
	int j;

	for (j = 0; j < 5; j++) {
		struct csvx_vni_cfg c = { .vni = vnis[j], .ifname = name,
					  .vrf = j % 2 ? "red" : NULL };

		snprintf(name, sizeof(name), "vx%d", j);
		CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &c));
	}
	CSVX_OK(&self->s, csvx_dump(&self->s, csvx_req(&self->s, buf,
			CSVX_CMD_GET_VNI, 0), &out));
	EXPECT_EQ(5, out.nr);
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		ASSERT_NE(NULL, tb[CSVX_A_VNI]);
		for (j = 0; j < 5; j++) {
			if (mnl_attr_get_u32(tb[CSVX_A_VNI]) != vnis[j])
				continue;
			CSVX_CHECK(!seen[j], "VNI %u twice", vnis[j]);
			seen[j] = true;
			snprintf(name, sizeof(name), "vx%d", j);
			EXPECT_ATTR_STR(tb, CSVX_A_IFNAME, name);
			EXPECT_ATTR_U32(tb, CSVX_A_IFINDEX, if_nametoindex(name));
			if (j % 2)
				EXPECT_ATTR_STR(tb, CSVX_A_VRF, "red");
		}
	}
	for (j = 0; j < 5; j++)
		CSVX_CHECK(seen[j], "VNI %u not dumped", vnis[j]);
	csvx_msgs_free(&out);
}

static void expect_u64_nest(struct __test_metadata *_metadata,
			    const struct nlattr *nest, int max, bool all,
			    const char *what)
{
	const struct nlattr *a;
	bool seen[32] = {};
	int t, n = 0;

	CSVX_CHECK(nest, "%s missing", what);
	if (!nest)
		return;
	mnl_attr_for_each_nested(a, nest) {
		t = mnl_attr_get_type(a);
		if (!t)
			continue;	/* alignment padding of the u64s */
		CSVX_CHECK(t <= max, "%s: unknown counter %d", what, t);
		CSVX_CHECK(mnl_attr_get_payload_len(a) == 8,
			   "%s %d: %u bytes, not a u64", what, t,
			   mnl_attr_get_payload_len(a));
		if (t > 0 && t <= max && t < 32)
			seen[t] = true;
		n++;
	}
	CSVX_CHECK(n > 0, "%s: empty", what);
	for (t = 1; all && t <= max; t++)
		CSVX_CHECK(seen[t], "%s lacks counter %d", what, t);
}

TEST_F(vni, stats)
{
	struct csvx_vni_cfg a = { .vni = 100, .ifname = "vx100", .vrf = "red" };
	struct csvx_vni_cfg b = { .vni = 200, .ifname = "vx200" };
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {}, out = {};
	char buf[256];
	bool seen100 = false, seen200 = false;
	size_t i;

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &a));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &b));
	CSVX_OK(&self->s, get_vni(&self->s, CSVX_CMD_GET_STATS, 100, &reply, tb));
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	expect_u64_nest(_metadata, tb[CSVX_A_STATS], CSVX_STAT_MAX, true, "STATS");
	expect_u64_nest(_metadata, tb[CSVX_A_DROPS], CSVX_DROP_MAX, false, "DROPS");
	csvx_msgs_free(&reply);

	CSVX_REFUSED(&self->s, ENOENT, get_vni(&self->s, CSVX_CMD_GET_STATS,
					       300, &reply, tb));
	csvx_msgs_free(&reply);

	/* without a VNI: the namespace's drops that belong to no VNI */
	CSVX_OK(&self->s, csvx_do(&self->s, csvx_req(&self->s, buf,
			CSVX_CMD_GET_STATS, 0), &reply));
	ASSERT_EQ(1, reply.nr);
	memset(tb, 0, sizeof(tb));
	ASSERT_EQ(0, csvx_attrs(reply.v[0], tb, CSVX_A_MAX));
	CSVX_CHECK(!tb[CSVX_A_VNI], "namespace counters with a VNI");
	expect_u64_nest(_metadata, tb[CSVX_A_DROPS], CSVX_DROP_MAX, false, "DROPS");
	csvx_msgs_free(&reply);

	/* the dump: one message per VNI */
	CSVX_OK(&self->s, csvx_dump(&self->s, csvx_req(&self->s, buf,
			CSVX_CMD_GET_STATS, 0), &out));
	EXPECT_EQ(2, out.nr);
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *t2[CSVX_A_MAX + 1] = {};

		ASSERT_EQ(0, csvx_attrs(out.v[i], t2, CSVX_A_MAX));
		ASSERT_NE(NULL, t2[CSVX_A_VNI]);
		if (mnl_attr_get_u32(t2[CSVX_A_VNI]) == 100) {
			CSVX_CHECK(!seen100, "VNI 100 twice");
			seen100 = true;
		} else if (mnl_attr_get_u32(t2[CSVX_A_VNI]) == 200) {
			CSVX_CHECK(!seen200, "VNI 200 twice");
			seen200 = true;
		}
		expect_u64_nest(_metadata, t2[CSVX_A_STATS], CSVX_STAT_MAX,
				true, "STATS");
	}
	EXPECT_TRUE(seen100 && seen200);
	csvx_msgs_free(&out);
}

TEST_F(vni, get_missing)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_REFUSED(&self->s, ENOENT, get_vni(&self->s, CSVX_CMD_GET_VNI, 100,
					       &reply, tb));
	EXPECT_EQ(0, reply.nr);
	csvx_msgs_free(&reply);
}

TEST_HARNESS_MAIN
