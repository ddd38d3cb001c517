// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications on CSVX_MCGRP_NOTIFY: one per change, in order, with the
 * command that caused it and the layout of a GET reply; none for a refused
 * request.  A notification is sent before the request is acked, so after
 * the ack everything is already queued on the listener.
 */
#include "csvx_test.h"

FIXTURE(notify) {
	struct csvx_sock s, mon;
};

FIXTURE_SETUP(notify)
{
	csvx_setup(_metadata, &self->s);
	csvx_setup_monitor(_metadata, &self->mon);
}

FIXTURE_TEARDOWN(notify)
{
	csvx_close(&self->mon);
	csvx_close(&self->s);
}

/*
 * Exactly one notification is pending, of command @cmd: its attributes
 * into @tb (valid until @out is freed).
 */
static void one_note(struct __test_metadata *_metadata, struct csvx_sock *mon,
		     uint8_t cmd, struct csvx_msgs *out, const struct nlattr **tb)
{
	csvx_msgs_free(out);
	ASSERT_LE(0, csvx_recv_pending(mon, out));
	ASSERT_EQ(1, out->nr) TH_LOG("notifications for command %u", cmd);
	EXPECT_EQ(cmd, csvx_cmd(out->v[0]));
	memset(tb, 0, sizeof(*tb) * (CSVX_A_MAX + 1));
	ASSERT_EQ(0, csvx_attrs(out->v[0], tb, CSVX_A_MAX));
}

TEST_F(notify, sequence)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100", .vrf = "red",
				  .local = "192.0.2.1" };
	struct csvx_fdb_cfg f = { .vni = 100, .mac = "02:00:00:00:00:01",
				  .remote = "198.51.100.1", .ips = { "10.0.0.1" },
				  .has_seq = true, .seq = 1 };
	const struct nlattr *tb[CSVX_A_MAX + 1];
	struct csvx_msgs out = {};
	struct csvx_params p;
	const struct nlattr *a;
	bool found = false;

	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	one_note(_metadata, &self->mon, CSVX_CMD_NEW_VRF, &out, tb);
	EXPECT_ATTR_STR(tb, CSVX_A_VRF, "red");
	EXPECT_ATTR_U32(tb, CSVX_A_VRF_ID, 10);
	EXPECT_ATTR_U32(tb, CSVX_A_L3VNI, 5010);
	EXPECT_ATTR_MAC(tb, CSVX_A_RMAC, "02:00:00:00:10:10");

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	one_note(_metadata, &self->mon, CSVX_CMD_NEW_VNI, &out, tb);
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	EXPECT_ATTR_STR(tb, CSVX_A_IFNAME, "vx100");
	EXPECT_ATTR_U32(tb, CSVX_A_IFINDEX, if_nametoindex("vx100"));
	EXPECT_ATTR_STR(tb, CSVX_A_VRF, "red");
	EXPECT_ATTR_IP(tb, CSVX_A_LOCAL, "192.0.2.1");

	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "2001:db8::1"));
	one_note(_metadata, &self->mon, CSVX_CMD_NEW_FLOOD, &out, tb);
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, "2001:db8::1");

	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &f));
	one_note(_metadata, &self->mon, CSVX_CMD_NEW_FDB, &out, tb);
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	EXPECT_ATTR_MAC(tb, CSVX_A_MAC, f.mac);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, "198.51.100.1");
	EXPECT_ATTR_U32(tb, CSVX_A_SEQ, 1);
	ASSERT_NE(NULL, tb[CSVX_A_IPS]);
	mnl_attr_for_each_nested(a, tb[CSVX_A_IPS])
		found |= csvx_attr_is_ip(a, "10.0.0.1");
	EXPECT_TRUE(found) TH_LOG("IPS lacks 10.0.0.1");

	/* a move is announced as NEW_FDB with the new remote */
	f.remote = "198.51.100.2";
	f.seq = 2;
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &f));
	one_note(_metadata, &self->mon, CSVX_CMD_NEW_FDB, &out, tb);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, "198.51.100.2");
	EXPECT_ATTR_U32(tb, CSVX_A_SEQ, 2);

	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "10.9.0.0/16",
					 "198.51.100.9", "02:00:00:00:99:99"));
	one_note(_metadata, &self->mon, CSVX_CMD_NEW_ROUTE, &out, tb);
	EXPECT_ATTR_STR(tb, CSVX_A_VRF, "red");
	EXPECT_ATTR_IP(tb, CSVX_A_PREFIX, "10.9.0.0");
	EXPECT_ATTR_U8(tb, CSVX_A_PLEN, 16);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, "198.51.100.9");
	EXPECT_ATTR_MAC(tb, CSVX_A_RMAC, "02:00:00:00:99:99");

	CSVX_OK(&self->s, csvx_route_new(&self->s, CSVX_REPLACE, "red",
			"10.9.0.0/16", "198.51.100.8", "02:00:00:00:88:88"));
	one_note(_metadata, &self->mon, CSVX_CMD_NEW_ROUTE, &out, tb);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, "198.51.100.8");
	EXPECT_ATTR_MAC(tb, CSVX_A_RMAC, "02:00:00:00:88:88");

	/* deletions carry the object as it was */
	CSVX_OK(&self->s, csvx_route_del(&self->s, "red", "10.9.0.0/16"));
	one_note(_metadata, &self->mon, CSVX_CMD_DEL_ROUTE, &out, tb);
	EXPECT_ATTR_STR(tb, CSVX_A_VRF, "red");
	EXPECT_ATTR_IP(tb, CSVX_A_PREFIX, "10.9.0.0");
	EXPECT_ATTR_U8(tb, CSVX_A_PLEN, 16);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, "198.51.100.8");

	CSVX_OK(&self->s, csvx_fdb_del(&self->s, 100, f.mac));
	one_note(_metadata, &self->mon, CSVX_CMD_DEL_FDB, &out, tb);
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	EXPECT_ATTR_MAC(tb, CSVX_A_MAC, f.mac);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, "198.51.100.2");

	CSVX_OK(&self->s, csvx_flood_del(&self->s, 100, "2001:db8::1"));
	one_note(_metadata, &self->mon, CSVX_CMD_DEL_FLOOD, &out, tb);
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, "2001:db8::1");

	CSVX_OK(&self->s, csvx_vni_del(&self->s, 100));
	one_note(_metadata, &self->mon, CSVX_CMD_DEL_VNI, &out, tb);
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	EXPECT_ATTR_STR(tb, CSVX_A_IFNAME, "vx100");

	CSVX_OK(&self->s, csvx_vrf_del(&self->s, "red"));
	one_note(_metadata, &self->mon, CSVX_CMD_DEL_VRF, &out, tb);
	EXPECT_ATTR_STR(tb, CSVX_A_VRF, "red");
	EXPECT_ATTR_U32(tb, CSVX_A_VRF_ID, 10);
	EXPECT_ATTR_U32(tb, CSVX_A_L3VNI, 5010);

	CSVX_OK(&self->s, csvx_param_set(&self->s, CSVX_PARAM_MAX_FDB, 4321));
	one_note(_metadata, &self->mon, CSVX_CMD_SET_PARAMS, &out, tb);
	ASSERT_NE(NULL, tb[CSVX_A_PARAMS]);
	found = false;
	mnl_attr_for_each_nested(a, tb[CSVX_A_PARAMS])
		if (mnl_attr_get_type(a) == CSVX_PARAM_MAX_FDB &&
		    mnl_attr_get_payload_len(a) == 4)
			found = mnl_attr_get_u32(a) == 4321;
	EXPECT_TRUE(found) TH_LOG("PARAMS lacks MAX_FDB 4321");
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(4321, p.val[CSVX_PARAM_MAX_FDB]);
	csvx_msgs_free(&out);
}

/* The attributes of a notification equal those of the GET reply. */
static void same_as_get(struct __test_metadata *_metadata,
			struct csvx_sock *s, struct csvx_sock *mon,
			uint8_t new_cmd, struct nlmsghdr *get, const char *what)
{
	struct csvx_msgs note = {}, reply = {};
	const size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	ASSERT_LE(0, csvx_recv_pending(mon, &note));
	ASSERT_EQ(1, note.nr) TH_LOG("%s: notifications", what);
	EXPECT_EQ(new_cmd, csvx_cmd(note.v[0]));
	if (get->nlmsg_flags & NLM_F_DUMP) {
		CSVX_OK(s, csvx_dump(s, get, &reply));
	} else {
		CSVX_OK(s, csvx_do(s, get, &reply));
	}
	ASSERT_EQ(1, reply.nr) TH_LOG("%s: GET replies", what);
	EXPECT_EQ(reply.v[0]->nlmsg_len, note.v[0]->nlmsg_len)
		TH_LOG("%s: notification and GET reply differ in length", what);
	if (reply.v[0]->nlmsg_len == note.v[0]->nlmsg_len) {
		EXPECT_EQ(0, memcmp((char *)reply.v[0] + hdr, (char *)note.v[0] + hdr,
				    reply.v[0]->nlmsg_len - hdr))
			TH_LOG("%s: notification and GET reply differ", what);
	}
	csvx_msgs_free(&note);
	csvx_msgs_free(&reply);
}

TEST_F(notify, layout_of_get)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100", .vrf = "red",
				  .local = "2001:db8::100", .gw = "10.1.0.1/24",
				  .gw_mac = "02:00:00:00:01:00", .mtu = 1450 };
	struct csvx_fdb_cfg f = { .vni = 100, .mac = "02:00:00:00:00:01",
				  .remote = "198.51.100.1",
				  .ips = { "10.1.0.5", "2001:db8:1::5" },
				  .has_seq = true, .seq = 3,
				  .has_flags = true, .flags = CSVX_F_STICKY };
	char buf[512];
	struct nlmsghdr *nlh;

	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	nlh = csvx_req(&self->s, buf, CSVX_CMD_GET_VRF, 0);
	mnl_attr_put_strz(nlh, CSVX_A_VRF, "red");
	same_as_get(_metadata, &self->s, &self->mon, CSVX_CMD_NEW_VRF, nlh, "VRF");

	/* without the gateway: a connected route may be announced too */
	v.gw = NULL;
	v.gw_mac = NULL;
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	nlh = csvx_req(&self->s, buf, CSVX_CMD_GET_VNI, 0);
	mnl_attr_put_u32(nlh, CSVX_A_VNI, 100);
	same_as_get(_metadata, &self->s, &self->mon, CSVX_CMD_NEW_VNI, nlh, "VNI");

	CSVX_OK(&self->s, csvx_flood_new(&self->s, 0, 100, "198.51.100.7"));
	nlh = csvx_req(&self->s, buf, CSVX_CMD_GET_FLOOD, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, CSVX_A_VNI, 100);
	same_as_get(_metadata, &self->s, &self->mon, CSVX_CMD_NEW_FLOOD, nlh,
		    "flood");

	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &f));
	nlh = csvx_req(&self->s, buf, CSVX_CMD_GET_FDB, 0);
	mnl_attr_put_u32(nlh, CSVX_A_VNI, 100);
	csvx_put_mac(nlh, CSVX_A_MAC, f.mac);
	same_as_get(_metadata, &self->s, &self->mon, CSVX_CMD_NEW_FDB, nlh, "FDB");

	CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", "2001:db8:9::/48",
					 "198.51.100.9", "02:00:00:00:99:99"));
	nlh = csvx_req(&self->s, buf, CSVX_CMD_GET_ROUTE, 0);
	mnl_attr_put_strz(nlh, CSVX_A_VRF, "red");
	csvx_put_ip(nlh, CSVX_A_PREFIX, "2001:db8:9::");
	mnl_attr_put_u8(nlh, CSVX_A_PLEN, 48);
	same_as_get(_metadata, &self->s, &self->mon, CSVX_CMD_NEW_ROUTE, nlh,
		    "route");
}

TEST_F(notify, refused_are_silent)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100", .vrf = "red" };
	struct csvx_vni_cfg dup = { .vni = 100, .ifname = "vx101" };
	struct csvx_vni_cfg novrf = { .vni = 102, .ifname = "vx102", .vrf = "x" };
	struct csvx_fdb_cfg f = { .vni = 100, .mac = "02:00:00:00:00:01",
				  .remote = "198.51.100.1", .has_seq = true,
				  .seq = 5, .has_flags = true,
				  .flags = CSVX_F_STICKY };

	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &f));
	EXPECT_EQ(3, csvx_recv_pending(&self->mon, NULL));

	EXPECT_NE(0, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				  "02:00:00:00:10:10"));
	EXPECT_NE(0, csvx_vrf_del(&self->s, "red"));
	EXPECT_NE(0, csvx_vrf_del(&self->s, "nope"));
	EXPECT_NE(0, csvx_vni_new(&self->s, 0, &dup));
	EXPECT_NE(0, csvx_vni_new(&self->s, 0, &novrf));
	EXPECT_NE(0, csvx_vni_del(&self->s, 101));
	EXPECT_NE(0, csvx_fdb_new(&self->s, 0, &f));	/* same seq */
	f.seq = 4;
	EXPECT_NE(0, csvx_fdb_new(&self->s, 0, &f));	/* lower seq */
	f.seq = 6;
	f.remote = "198.51.100.2";
	EXPECT_NE(0, csvx_fdb_new(&self->s, 0, &f));	/* sticky */
	EXPECT_NE(0, csvx_fdb_del(&self->s, 100, "02:00:00:00:00:02"));
	EXPECT_NE(0, csvx_flood_del(&self->s, 100, "198.51.100.1"));
	EXPECT_NE(0, csvx_route_del(&self->s, "red", "10.0.0.0/8"));
	EXPECT_NE(0, csvx_route_new(&self->s, 0, "x", "10.0.0.0/8",
				    "198.51.100.1", "02:00:00:00:99:99"));
	EXPECT_NE(0, csvx_param_set(&self->s, CSVX_PARAM_MAX_FDB, 0));
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL))
		TH_LOG("notifications for refused requests");
}

/* Many changes in one sendmsg: one notification each, in order. */
TEST_F(notify, batch_in_order)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100" };
	struct csvx_batch b;
	struct csvx_msgs out = {};
	size_t i;

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	ASSERT_EQ(1, csvx_recv_pending(&self->mon, NULL));
	ASSERT_EQ(0, csvx_batch_init(&b, &self->s, 1 << 16));
	for (i = 0; i < 100; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_FDB, 0);
		struct csvx_mac mac = csvx_mac_idx(7, i);

		mnl_attr_put_u32(nlh, CSVX_A_VNI, 100);
		mnl_attr_put(nlh, CSVX_A_MAC, 6, mac.a);
		csvx_put_ip(nlh, CSVX_A_REMOTE, "198.51.100.1");
	}
	ASSERT_EQ(0, csvx_batch_flush(&b));
	EXPECT_EQ(1, b.sends);
	EXPECT_EQ(0, b.failed) TH_LOG("%s", b.first_msg);
	ASSERT_LE(0, csvx_recv_pending(&self->mon, &out));
	ASSERT_EQ(100, out.nr);
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};
		struct csvx_mac mac = csvx_mac_idx(7, i);

		EXPECT_EQ(CSVX_CMD_NEW_FDB, csvx_cmd(out.v[i]));
		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		ASSERT_NE(NULL, tb[CSVX_A_MAC]);
		EXPECT_EQ(0, memcmp(mnl_attr_get_payload(tb[CSVX_A_MAC]), mac.a, 6))
			TH_LOG("notification %zu out of order", i);
	}
	csvx_batch_free(&b);
	csvx_msgs_free(&out);
}

/* A flush is announced with FLUSH_x and the VNI / VRF it flushed. */
TEST_F(notify, flush)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100" };
	struct csvx_fdb_cfg f = { .vni = 100, .remote = "198.51.100.1" };
	struct csvx_msgs out = {};
	char mac[32];
	size_t i;

	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	f.mac = mac;
	for (i = 0; i < 3; i++) {
		char prefix[32];

		snprintf(mac, sizeof(mac), "02:00:00:00:00:%02zx", i + 1);
		CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &f));
		snprintf(prefix, sizeof(prefix), "10.%zu.0.0/16", i);
		CSVX_OK(&self->s, csvx_route_new(&self->s, 0, "red", prefix,
				"198.51.100.1", "02:00:00:00:99:99"));
	}
	EXPECT_EQ(8, csvx_recv_pending(&self->mon, NULL));

	CSVX_OK(&self->s, csvx_fdb_flush(&self->s, 100));
	ASSERT_LE(0, csvx_recv_pending(&self->mon, &out));
	EXPECT_LE(1, out.nr) TH_LOG("FLUSH_FDB not announced");
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		EXPECT_EQ(CSVX_CMD_FLUSH_FDB, csvx_cmd(out.v[i]));
		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
	}
	csvx_msgs_free(&out);

	CSVX_OK(&self->s, csvx_route_flush(&self->s, "red"));
	ASSERT_LE(0, csvx_recv_pending(&self->mon, &out));
	EXPECT_LE(1, out.nr) TH_LOG("FLUSH_ROUTE not announced");
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		EXPECT_EQ(CSVX_CMD_FLUSH_ROUTE, csvx_cmd(out.v[i]));
		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		EXPECT_ATTR_STR(tb, CSVX_A_VRF, "red");
	}
	csvx_msgs_free(&out);
}

TEST_HARNESS_MAIN
