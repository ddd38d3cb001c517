// SPDX-License-Identifier: GPL-2.0
/*
 * NEW/SET/DEL/GET_PORT: local VM interfaces.  A port is bound to its
 * device (by ifindex, found by name in the request's namespace) and goes
 * with it; its MAC and IPs are a local FDB entry of its VNI; its groups
 * are counted in them.  Refusals, limits and notifications.
 */
#include "csvx_test.h"
#include "csvx_sg.h"

FIXTURE(port) {
	struct csvx_sock s;
	struct csvx_sock mon;
};

FIXTURE_SETUP(port)
{
	struct csvx_vni_cfg v100 = { .vni = 100, .ifname = "vx100" };
	struct csvx_vni_cfg v200 = { .vni = 200, .ifname = "vx200" };

	csvx_setup(_metadata, &self->s);
	csvx_setup_monitor(_metadata, &self->mon);
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v100));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v200));
	CSVX_OK(&self->s, sg_group(&self->s, CSVX_CMD_NEW_SG, "web", NULL));
	CSVX_OK(&self->s, sg_group(&self->s, CSVX_CMD_NEW_SG, "db", NULL));
	ASSERT_EQ(0, csvx_link_add("tap1", "dummy"));
	ASSERT_EQ(0, csvx_link_add("tap2", "dummy"));
	csvx_recv_pending(&self->mon, NULL);
}

FIXTURE_TEARDOWN(port)
{
	csvx_close(&self->mon);
	csvx_close(&self->s);
}

static const struct sg_port tap1 = {
	.ifname = "tap1", .vni = 100, .mac = "02:00:00:00:01:01",
	.ips = { "10.0.0.11", "2001:db8::11" }, .sgs = { "web", "db" },
};

/* The port's FDB entry in its VNI: local, with exactly these IPs. */
static void expect_fdb(struct __test_metadata *_metadata, struct csvx_sock *s,
		       uint32_t vni, const char *mac, const char *const *ips)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};
	const struct nlattr *a;
	int n = 0, want = 0;

	CSVX_OK(s, csvx_fdb_get(s, vni, mac, &reply));
	ASSERT_EQ(0, sg_one(&reply, tb));
	EXPECT_EQ(NULL, tb[CSVX_A_REMOTE]);
	while (ips[want])
		want++;
	if (tb[CSVX_A_IPS]) {
		mnl_attr_for_each_nested(a, tb[CSVX_A_IPS]) {
			bool found = false;
			int i;

			for (i = 0; ips[i]; i++)
				found |= csvx_attr_is_ip(a, ips[i]);
			CSVX_CHECK(found, "FDB IP %d not expected", n);
			n++;
		}
	}
	EXPECT_EQ(want, n);
	csvx_msgs_free(&reply);
}

TEST_F(port, add_get_fdb_del)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {}, *a;
	static const char *const ips[] = { "10.0.0.11", "2001:db8::11", NULL };
	struct csvx_sock *s = &self->s;
	struct csvx_msgs reply;
	int n;

	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &tap1, NULL));
	EXPECT_EQ(1, sg_notified(&self->mon, CSVX_CMD_NEW_PORT));
	ASSERT_EQ(0, sg_port_get(s, "tap1", &reply, tb));
	EXPECT_ATTR_STR(tb, CSVX_A_IFNAME, "tap1");
	EXPECT_ATTR_U32(tb, CSVX_A_IFINDEX, if_nametoindex("tap1"));
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	EXPECT_ATTR_MAC(tb, CSVX_A_MAC, "02:00:00:00:01:01");
	EXPECT_NE(0, sg_attr_u32(tb[CSVX_A_GEN]));
	ASSERT_NE(NULL, tb[CSVX_A_IPS]);
	n = 0;
	mnl_attr_for_each_nested(a, tb[CSVX_A_IPS])
		n++;
	EXPECT_EQ(2, n);
	ASSERT_NE(NULL, tb[CSVX_A_SGS]);
	n = 0;
	mnl_attr_for_each_nested(a, tb[CSVX_A_SGS])
		n++;
	EXPECT_EQ(2, n);
	EXPECT_NE(NULL, tb[CSVX_A_STATS]);
	EXPECT_NE(NULL, tb[CSVX_A_DROPS]);
	csvx_msgs_free(&reply);
	EXPECT_EQ(0, sg_port_counter(s, "tap1", CSVX_A_DROPS,
				     CSVX_DROP_SG_NO_RULE));

	/* its MAC and IPs are known to the VNI, locally */
	expect_fdb(_metadata, s, 100, "02:00:00:00:01:01", ips);
	EXPECT_EQ(1, csvx_count(s, CSVX_CMD_GET_PORT, 0, 0, 0, NULL));

	CSVX_OK(s, sg_port(s, CSVX_CMD_DEL_PORT, &(struct sg_port){
		.ifname = "tap1" }, NULL));
	EXPECT_EQ(1, sg_notified(&self->mon, CSVX_CMD_DEL_PORT));
	CSVX_REFUSED(s, ENOENT, csvx_fdb_get(s, 100, "02:00:00:00:01:01", NULL));
	CSVX_REFUSED(s, ENOENT, sg_port(s, CSVX_CMD_GET_PORT, &(struct sg_port){
		.ifname = "tap1" }, NULL));
	EXPECT_EQ(0, csvx_count(s, CSVX_CMD_GET_PORT, 0, 0, 0, NULL));
}

TEST_F(port, set_and_replace)
{
	static const char *const ips2[] = { "10.0.0.12", NULL };
	const struct nlattr *tb[CSVX_A_MAX + 1] = {}, *a;
	struct csvx_sock *s = &self->s;
	struct csvx_msgs reply;
	uint32_t gen;
	int n;

	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &tap1, NULL));
	ASSERT_EQ(0, sg_port_get(s, "tap1", &reply, tb));
	gen = sg_attr_u32(tb[CSVX_A_GEN]);
	csvx_msgs_free(&reply);

	/* SET_PORT with IPS only: the groups stay, the FDB follows */
	CSVX_OK(s, sg_port(s, CSVX_CMD_SET_PORT, &(struct sg_port){
		.ifname = "tap1", .ips = { "10.0.0.12" } }, NULL));
	EXPECT_EQ(1, sg_notified(&self->mon, CSVX_CMD_SET_PORT));
	expect_fdb(_metadata, s, 100, "02:00:00:00:01:01", ips2);
	ASSERT_EQ(0, sg_port_get(s, "tap1", &reply, tb));
	EXPECT_EQ(gen, sg_attr_u32(tb[CSVX_A_GEN]));	/* same rules */
	n = 0;
	mnl_attr_for_each_nested(a, tb[CSVX_A_SGS])
		n++;
	EXPECT_EQ(2, n);
	csvx_msgs_free(&reply);

	/* sg none: an empty SGS; the port is not filtered any more */
	CSVX_OK(s, sg_port(s, CSVX_CMD_SET_PORT, &(struct sg_port){
		.ifname = "tap1", .has_sgs = true }, NULL));
	ASSERT_EQ(0, sg_port_get(s, "tap1", &reply, tb));
	ASSERT_NE(NULL, tb[CSVX_A_SGS]);
	EXPECT_EQ(0, mnl_attr_get_payload_len(tb[CSVX_A_SGS]));
	EXPECT_EQ(0, sg_attr_u32(tb[CSVX_A_GEN]));
	csvx_msgs_free(&reply);
	CSVX_OK(s, sg_group(s, CSVX_CMD_DEL_SG, "web", NULL));	/* free now */

	/* NEW_PORT again: EEXIST; with REPLACE it moves VNI and MAC */
	CSVX_REFUSED(s, EEXIST, sg_port(s, CSVX_CMD_NEW_PORT, &tap1, NULL));
	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &(struct sg_port){
		.ifname = "tap1", .vni = 200, .mac = "02:00:00:00:02:01",
		.ips = { "10.0.0.13" }, .sgs = { "db" }, .replace = true },
		NULL));
	CSVX_REFUSED(s, ENOENT, csvx_fdb_get(s, 100, "02:00:00:00:01:01", NULL));
	expect_fdb(_metadata, s, 200, "02:00:00:00:02:01",
		   (const char *const []){ "10.0.0.13", NULL });
	ASSERT_EQ(0, sg_port_get(s, "tap1", &reply, tb));
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 200);
	EXPECT_NE(0, sg_attr_u32(tb[CSVX_A_GEN]));
	csvx_msgs_free(&reply);
}

TEST_F(port, refusals)
{
	struct csvx_sock *s = &self->s;
	struct sg_port p;
	int i;

	p = tap1;
	p.ifname = "nodev";
	CSVX_REFUSED(s, ENODEV, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	EXPECT_STREQ("no such device", s->msg);
	p = tap1;
	p.vni = 300;
	CSVX_REFUSED(s, ENOENT, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	EXPECT_STREQ("no such VNI", s->msg);
	p = tap1;
	p.sgs[1] = "nope";
	CSVX_REFUSED(s, ENOENT, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	p = tap1;
	p.sgs[1] = "web";
	CSVX_REFUSED(s, EINVAL, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	EXPECT_STREQ("group listed twice", s->msg);
	p = tap1;
	p.mac = "01:00:5e:00:00:01";
	CSVX_REFUSED(s, EINVAL, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	p = tap1;
	p.ips[1] = "224.0.0.1";
	CSVX_REFUSED(s, EINVAL, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	p = tap1;
	for (i = 0; i <= CSVX_PORT_MAX_IPS; i++) {
		static char a[CSVX_PORT_MAX_IPS + 1][16];

		snprintf(a[i], sizeof(a[i]), "10.9.0.%d", i + 1);
		p.ips[i] = a[i];
	}
	p.ips[i] = NULL;
	CSVX_REFUSED(s, E2BIG, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	/* no VNI, no MAC */
	p = tap1;
	p.vni = 0;
	CSVX_REFUSED(s, EINVAL, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	EXPECT_EQ(CSVX_A_VNI, s->miss_type);
	p = tap1;
	p.mac = NULL;
	CSVX_REFUSED(s, EINVAL, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	EXPECT_EQ(CSVX_A_MAC, s->miss_type);
	/* SET_PORT of a port that is not there */
	CSVX_REFUSED(s, ENOENT, sg_port(s, CSVX_CMD_SET_PORT, &(struct sg_port){
		.ifname = "tap1", .has_sgs = true }, NULL));
	CSVX_REFUSED(s, ENOENT, sg_port(s, CSVX_CMD_DEL_PORT, &(struct sg_port){
		.ifname = "tap1" }, NULL));
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL));
	EXPECT_EQ(0, csvx_count(s, CSVX_CMD_GET_PORT, 0, 0, 0, NULL));
	CSVX_REFUSED(s, ENOENT, csvx_fdb_get(s, 100, "02:00:00:00:01:01", NULL));

	/* A second port with the first's MAC in the VNI; an IP of another
	 * MAC of the VNI (the FDB refuses it): nothing is left behind.
	 */
	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &tap1, NULL));
	p = tap1;
	p.ifname = "tap2";
	p.ips[0] = "10.0.0.21";
	p.ips[1] = NULL;
	CSVX_REFUSED(s, EEXIST, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	EXPECT_STREQ("another port of the VNI has this MAC", s->msg);
	p.mac = "02:00:00:00:01:02";
	p.ips[0] = "10.0.0.11";			/* tap1's */
	CSVX_REFUSED(s, EEXIST, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	CSVX_REFUSED(s, ENOENT, csvx_fdb_get(s, 100, "02:00:00:00:01:02", NULL));
	EXPECT_EQ(1, csvx_count(s, CSVX_CMD_GET_PORT, 0, 0, 0, NULL));
	/* in use by a port: the group stays */
	CSVX_REFUSED(s, EBUSY, sg_group(s, CSVX_CMD_DEL_SG, "web", NULL));
	EXPECT_STREQ("group has ports", s->msg);
}

TEST_F(port, limit)
{
	struct csvx_sock *s = &self->s;
	struct sg_port p = tap1;

	CSVX_OK(s, csvx_param_set(s, CSVX_PARAM_MAX_PORTS, 1));
	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &tap1, NULL));
	p.ifname = "tap2";
	p.mac = "02:00:00:00:01:02";
	p.ips[0] = p.ips[1] = NULL;
	CSVX_REFUSED(s, ENOSPC, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	EXPECT_STREQ("too many ports (max-ports)", s->msg);
}

/* The device goes: the port and its FDB entry go too, announced. */
TEST_F(port, follows_its_device)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_sock *s = &self->s;
	struct csvx_msgs reply;

	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &tap1, NULL));
	csvx_recv_pending(&self->mon, NULL);
	ASSERT_EQ(0, sg_sh("ip link set tap1 name vnet7"));
	ASSERT_EQ(0, sg_port_get(s, "vnet7", &reply, tb));
	EXPECT_ATTR_STR(tb, CSVX_A_IFNAME, "vnet7");
	csvx_msgs_free(&reply);
	ASSERT_EQ(0, csvx_link_del("vnet7"));
	EXPECT_EQ(1, sg_notified(&self->mon, CSVX_CMD_DEL_PORT));
	EXPECT_EQ(0, csvx_count(s, CSVX_CMD_GET_PORT, 0, 0, 0, NULL));
	CSVX_REFUSED(s, ENOENT, csvx_fdb_get(s, 100, "02:00:00:00:01:01", NULL));
	/* and its groups are free again */
	CSVX_OK(s, sg_group(s, CSVX_CMD_DEL_SG, "web", NULL));
}

/* A group's rules naming another group follow that group's ports. */
TEST_F(port, group_members_and_counts)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_sock *s = &self->s;
	struct csvx_msgs reply = {};
	struct sg_port p = tap1;

	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &tap1, NULL));
	p.ifname = "tap2";
	p.mac = "02:00:00:00:01:02";
	p.ips[0] = "10.0.0.12";
	p.ips[1] = NULL;
	p.sgs[0] = "web";
	p.sgs[1] = NULL;
	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &p, NULL));
	CSVX_OK(s, sg_group(s, CSVX_CMD_GET_SG, "web", &reply));
	ASSERT_EQ(0, sg_one(&reply, tb));
	EXPECT_ATTR_U32(tb, CSVX_A_NR_PORTS, 2);
	csvx_msgs_free(&reply);
	CSVX_OK(s, sg_group(s, CSVX_CMD_GET_SG, "db", &reply));
	ASSERT_EQ(0, sg_one(&reply, tb));
	EXPECT_ATTR_U32(tb, CSVX_A_NR_PORTS, 1);
	csvx_msgs_free(&reply);
}

TEST_HARNESS_MAIN
