// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces are independent hypervisors: objects, devices, limits
 * and notifications of one are invisible to another, a socket acts on the
 * namespace it was created in (not on the one its process is in now), and
 * namespaces die with their state (and with dumps half read) cleanly.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>

#include "csvx_test.h"

FIXTURE(netns) {
	struct csvx_sock a, b, mon;
	struct csvx_snap snap;
	int nsa;		/* namespace A, the fixture's */
};

FIXTURE_SETUP(netns)
{
	self->nsa = -1;
	csvx_setup(_metadata, &self->a);
	self->nsa = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->nsa);
	csvx_base_state(_metadata, &self->a);
	csvx_take_snapshot(_metadata, &self->a, &self->snap);
}

FIXTURE_TEARDOWN(netns)
{
	csvx_snap_free(&self->snap);
	csvx_close(&self->a);
	csvx_close(&self->b);
	csvx_close(&self->mon);
	if (self->nsa >= 0)
		close(self->nsa);
}

/* Move the process into a new namespace B and open self->b there. */
static void enter_b(struct __test_metadata *_metadata,
		    FIXTURE_DATA(netns) *self)
{
	ASSERT_EQ(0, csvx_unshare_netns());
	ASSERT_EQ(0, csvx_open(&self->b));
}

static void back_to_a(struct __test_metadata *_metadata,
		      FIXTURE_DATA(netns) *self)
{
	ASSERT_EQ(0, setns(self->nsa, CLONE_NEWNET));
}

static void expect_empty(struct __test_metadata *_metadata,
			 struct csvx_sock *s)
{
	static const uint8_t dumps[] = { CSVX_CMD_GET_VRF, CSVX_CMD_GET_VNI,
		CSVX_CMD_GET_FLOOD, CSVX_CMD_GET_FDB, CSVX_CMD_GET_ROUTE,
		CSVX_CMD_GET_STATS };
	struct csvx_params p;
	size_t i;
	int t;

	for (i = 0; i < ARRAY_SIZE(dumps); i++) {
		EXPECT_EQ(0, csvx_count(s, dumps[i], 0, 0, 0, NULL))
			TH_LOG("dump of command %u", dumps[i]);
	}
	CSVX_OK(s, csvx_params_get(s, &p));
	for (t = CSVX_PARAM_MAX_VRFS; t <= CSVX_PARAM_MAX_ROUTES; t++) {
		EXPECT_EQ(0, p.use[t]) TH_LOG("usage of %d", t);
	}
}

TEST_F(netns, objects_apart)
{
	struct csvx_msgs reply = {};

	enter_b(_metadata, self);
	/* nothing of A is in B */
	expect_empty(_metadata, &self->b);
	EXPECT_EQ(0, if_nametoindex("vx100"));
	CSVX_REFUSED(&self->b, ENOENT, csvx_fdb_get(&self->b, 100,
			"02:00:00:01:00:01", &reply));
	CSVX_REFUSED(&self->b, ENOENT, csvx_vrf_del(&self->b, "red"));
	CSVX_REFUSED(&self->b, ENOENT, csvx_vni_del(&self->b, 100));

	/* B can have the very same objects (names, ids, VNIs, devices) */
	csvx_base_state(_metadata, &self->b);
	EXPECT_NE(0, if_nametoindex("vx100"));
	/* and do what it likes with them */
	CSVX_OK(&self->b, csvx_fdb_flush(&self->b, 100));
	CSVX_OK(&self->b, csvx_route_flush(&self->b, "red"));
	CSVX_OK(&self->b, csvx_vni_del(&self->b, 100));
	CSVX_OK(&self->b, csvx_vrf_del(&self->b, "red"));
	CSVX_OK(&self->b, csvx_vrf_del(&self->b, "blue"));

	/* A saw none of it */
	back_to_a(_metadata, self);
	csvx_expect_unchanged(_metadata, &self->a, &self->snap, "namespace A");
	csvx_msgs_free(&reply);
}

TEST_F(netns, params_apart)
{
	struct csvx_params pa, pb;

	CSVX_OK(&self->a, csvx_params_get(&self->a, &pa));
	enter_b(_metadata, self);
	CSVX_OK(&self->b, csvx_param_set(&self->b, CSVX_PARAM_UDP_PORT, 4790));
	CSVX_OK(&self->b, csvx_param_set(&self->b, CSVX_PARAM_MAX_FDB, 1));
	CSVX_OK(&self->b, csvx_params_get(&self->b, &pb));
	EXPECT_EQ(4790, pb.val[CSVX_PARAM_UDP_PORT]);
	EXPECT_EQ(1, pb.val[CSVX_PARAM_MAX_FDB]);
	back_to_a(_metadata, self);
	csvx_expect_unchanged(_metadata, &self->a, &self->snap, "namespace A");
	/* A's limit is A's: B's limit of 1 does not apply */
	{
		struct csvx_fdb_cfg c = { .vni = 200, .mac = "02:00:00:02:00:09" };

		CSVX_OK(&self->a, csvx_fdb_new(&self->a, 0, &c));
	}
}

/* A socket acts on the namespace it was created in. */
TEST_F(netns, socket_keeps_its_namespace)
{
	struct csvx_vni_cfg v = { .vni = 300, .ifname = "vx300" };
	struct csvx_msgs reply = {};
	char buf[256];
	struct nlmsghdr *nlh;

	enter_b(_metadata, self);
	/* the process is in B; self->a still programs A */
	CSVX_OK(&self->a, csvx_vrf_new(&self->a, 0, "green", 30, 5030,
				       "02:00:00:00:30:30"));
	CSVX_OK(&self->a, csvx_vni_new(&self->a, 0, &v));
	EXPECT_EQ(0, if_nametoindex("vx300")) TH_LOG("device made in the process's namespace");
	EXPECT_EQ(0, csvx_count(&self->b, CSVX_CMD_GET_VRF, 0, 0, 0, NULL));
	EXPECT_EQ(0, csvx_count(&self->b, CSVX_CMD_GET_VNI, 0, 0, 0, NULL));
	nlh = csvx_req(&self->a, buf, CSVX_CMD_GET_VRF, 0);
	mnl_attr_put_strz(nlh, CSVX_A_VRF, "green");
	CSVX_OK(&self->a, csvx_do(&self->a, nlh, &reply));
	back_to_a(_metadata, self);
	EXPECT_NE(0, if_nametoindex("vx300")) TH_LOG("no device in the socket's namespace");
	EXPECT_EQ(3, csvx_count(&self->a, CSVX_CMD_GET_VRF, 0, 0, 0, NULL));
	csvx_msgs_free(&reply);
}

TEST_F(netns, notifications_apart)
{
	struct csvx_sock mb;

	csvx_setup_monitor(_metadata, &self->mon);	/* in A */
	enter_b(_metadata, self);
	csvx_setup_monitor(_metadata, &mb);		/* in B */
	csvx_base_state(_metadata, &self->b);
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL)) TH_LOG("A heard B");
	EXPECT_LT(0, csvx_recv_pending(&mb, NULL)) TH_LOG("B heard nothing");
	CSVX_OK(&self->a, csvx_vrf_del(&self->a, "blue"));
	EXPECT_EQ(1, csvx_recv_pending(&self->mon, NULL)) TH_LOG("A's own change");
	EXPECT_EQ(0, csvx_recv_pending(&mb, NULL)) TH_LOG("B heard A");
	csvx_close(&mb);
}

/*
 * Namespaces that go away with all kinds of state, one with a dump half
 * read: the namespace A and a new namespace are unaffected (the kernel log
 * is checked by the runner for the rest).
 */
TEST_F(netns, teardown_with_state)
{
	int i, status;

	for (i = 0; i < 8; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			struct csvx_sock s;
			struct csvx_fdb_cfg f = { .vni = 200, .remote = "198.51.100.7" };
			char mac[32], buf[256];
			int j;

			if (csvx_unshare_netns() || csvx_open(&s))
				_exit(1);
			csvx_base_state(_metadata, &s);
			f.mac = mac;
			for (j = 0; j < 300; j++) {
				snprintf(mac, sizeof(mac), "02:00:00:03:%02x:%02x",
					 j >> 8, j & 0xff);
				if (csvx_fdb_new(&s, 0, &f))
					_exit(2);
			}
			if (i % 2) {
				/* a dump left half read */
				struct nlmsghdr *nlh = csvx_req(&s, buf,
						CSVX_CMD_GET_FDB, NLM_F_DUMP);

				if (send(csvx_fd(&s), nlh, nlh->nlmsg_len, 0) < 0 ||
				    recv(csvx_fd(&s), s.rbuf, 4096, 0) <= 0)
					_exit(3);
			}
			_exit(_metadata->exit_code ? 4 : 0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("namespace %d", i);
	}
	csvx_expect_unchanged(_metadata, &self->a, &self->snap, "namespace A");
	enter_b(_metadata, self);
	expect_empty(_metadata, &self->b);
}

TEST_HARNESS_MAIN
