// SPDX-License-Identifier: GPL-2.0
/*
 * Permissions: mutations need CAP_NET_ADMIN in the user namespace that
 * owns the network namespace; GETs and dumps need nothing.  Checked with
 * the ops' flags as the genl controller reports them, as nobody (setuid),
 * as root without CAP_NET_ADMIN (capset), as root of a user namespace that
 * does not own the network namespace, and as an unprivileged user in a
 * user + network namespace of its own.
 */
#include <grp.h>
#include <sched.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "csvx_test.h"

FIXTURE(perm) {
	struct csvx_sock s;
	struct csvx_snap snap;
};

FIXTURE_SETUP(perm)
{
	csvx_setup(_metadata, &self->s);
	csvx_base_state(_metadata, &self->s);
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
}

FIXTURE_TEARDOWN(perm)
{
	csvx_snap_free(&self->snap);
	csvx_close(&self->s);
}

static bool is_mutation(uint8_t cmd)
{
	switch (cmd) {
	case CSVX_CMD_GET_PARAMS:
	case CSVX_CMD_GET_VRF:
	case CSVX_CMD_GET_VNI:
	case CSVX_CMD_GET_FLOOD:
	case CSVX_CMD_GET_FDB:
	case CSVX_CMD_GET_ROUTE:
	case CSVX_CMD_GET_STATS:
	case CSVX_CMD_GET_SET:
	case CSVX_CMD_GET_SET_MEMBER:
	case CSVX_CMD_GET_SG:
	case CSVX_CMD_GET_SG_RULE:
	case CSVX_CMD_GET_PORT:
		return false;
	}
	return true;
}

/* GETs that are dumps only, and the one without a dump. */
static bool dump_only(uint8_t cmd)
{
	return cmd == CSVX_CMD_GET_FLOOD || cmd == CSVX_CMD_GET_SG_RULE;
}

TEST_F(perm, op_flags)
{
	struct csvx_msgs reply = {};
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	const struct nlattr *op;
	uint32_t flags[CSVX_CMD_MAX + 1] = {};
	bool seen[CSVX_CMD_MAX + 1] = {};
	int cmd;

	CSVX_OK(&self->s, csvx_ctrl_family(&self->s, &reply));
	ASSERT_EQ(1, reply.nr);
	ASSERT_EQ(0, csvx_attrs(reply.v[0], tb, CTRL_ATTR_MAX));
	ASSERT_NE(NULL, tb[CTRL_ATTR_OPS]);
	mnl_attr_for_each_nested(op, tb[CTRL_ATTR_OPS]) {
		const struct nlattr *o[CTRL_ATTR_OP_MAX + 1] = {};

		ASSERT_EQ(0, csvx_nest_attrs(op, o, CTRL_ATTR_OP_MAX));
		ASSERT_NE(NULL, o[CTRL_ATTR_OP_ID]);
		cmd = mnl_attr_get_u32(o[CTRL_ATTR_OP_ID]);
		CSVX_CHECK(cmd > 0 && cmd <= CSVX_CMD_MAX, "unknown op %d", cmd);
		if (cmd <= 0 || cmd > CSVX_CMD_MAX)
			continue;
		seen[cmd] = true;
		if (o[CTRL_ATTR_OP_FLAGS])
			flags[cmd] = mnl_attr_get_u32(o[CTRL_ATTR_OP_FLAGS]);
	}
	for (cmd = 1; cmd <= CSVX_CMD_MAX; cmd++) {
		CSVX_CHECK(seen[cmd], "op %d not registered", cmd);
		CSVX_CHECK(!(flags[cmd] & GENL_ADMIN_PERM),
			   "op %d: GENL_ADMIN_PERM (init namespace only)", cmd);
		if (is_mutation(cmd)) {
			CSVX_CHECK(flags[cmd] & GENL_UNS_ADMIN_PERM,
				   "op %d: no GENL_UNS_ADMIN_PERM", cmd);
			CSVX_CHECK(flags[cmd] & GENL_CMD_CAP_DO,
				   "op %d: no do", cmd);
		} else {
			CSVX_CHECK(!(flags[cmd] & GENL_UNS_ADMIN_PERM),
				   "GET op %d needs CAP_NET_ADMIN", cmd);
			CSVX_CHECK(cmd == CSVX_CMD_GET_PARAMS ||
				   (flags[cmd] & GENL_CMD_CAP_DUMP),
				   "GET op %d: no dump", cmd);
			CSVX_CHECK(dump_only(cmd) || (flags[cmd] & GENL_CMD_CAP_DO),
				   "GET op %d: no do", cmd);
		}
	}
	csvx_msgs_free(&reply);
}

/* Every mutation of csvx_cases[] is refused with EPERM and changes nothing. */
static void mutations_refused(struct __test_metadata *_metadata,
			      struct csvx_sock *s, const struct csvx_snap *snap)
{
	char buf[CSVX_REQ_SIZE];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(csvx_cases); i++) {
		const struct csvx_case *c = &csvx_cases[i];

		if (!c->mutates)
			continue;
		ret = csvx_case_send(s, c, csvx_case_req(s, buf, c));
		EXPECT_EQ(-EPERM, ret) TH_LOG("%s unprivileged: %s (extack \"%s\")",
					      c->name, strerror(-ret), s->msg);
	}
	/* REPLACE goes through the same check */
	ret = csvx_vrf_new(s, CSVX_REPLACE, "red", 10, 5010, "02:00:00:00:10:11");
	EXPECT_EQ(-EPERM, ret) TH_LOG("NEW_VRF REPLACE unprivileged: %s",
				      strerror(-ret));
	if (snap)
		csvx_expect_unchanged(_metadata, s, snap, "unprivileged mutations");
}

/* Every GET and dump of csvx_cases[] works and returns something. */
static void gets_work(struct __test_metadata *_metadata, struct csvx_sock *s)
{
	char buf[CSVX_REQ_SIZE];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(csvx_cases); i++) {
		const struct csvx_case *c = &csvx_cases[i];
		struct csvx_dump_ops ops = {};
		struct csvx_msgs reply = {};
		struct nlmsghdr *nlh;

		if (c->mutates)
			continue;
		nlh = csvx_case_req(s, buf, c);
		if (c->dump) {
			ret = csvx_dump_ops(s, nlh, &ops);
			EXPECT_LT(0, ops.msgs) TH_LOG("%s: empty", c->name);
		} else {
			ret = csvx_do(s, nlh, &reply);
			EXPECT_EQ(1, reply.nr) TH_LOG("%s: no reply", c->name);
		}
		EXPECT_EQ(0, ret) TH_LOG("%s unprivileged: %s (extack \"%s\")",
					 c->name, strerror(-ret), s->msg);
		csvx_msgs_free(&reply);
	}
}

static void become_nobody(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, setgroups(0, NULL));
	ASSERT_EQ(0, setgid(65534));
	ASSERT_EQ(0, setuid(65534));
	ASSERT_NE(0, geteuid());
}

TEST_F(perm, nobody)
{
	struct csvx_sock s2;

	become_nobody(_metadata);
	/* the socket root opened */
	mutations_refused(_metadata, &self->s, &self->snap);
	gets_work(_metadata, &self->s);
	/* and one of its own */
	ASSERT_EQ(0, csvx_open(&s2));
	mutations_refused(_metadata, &s2, &self->snap);
	gets_work(_metadata, &s2);
	csvx_close(&s2);
}

TEST_F(perm, root_without_cap_net_admin)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int idx = CAP_TO_INDEX(CAP_NET_ADMIN);
	uint32_t mask = CAP_TO_MASK(CAP_NET_ADMIN);

	ASSERT_EQ(0, syscall(SYS_capget, &hdr, data));
	data[idx].effective &= ~mask;
	data[idx].permitted &= ~mask;
	data[idx].inheritable &= ~mask;
	ASSERT_EQ(0, syscall(SYS_capset, &hdr, data));
	ASSERT_EQ(0, geteuid());
	mutations_refused(_metadata, &self->s, &self->snap);
	gets_work(_metadata, &self->s);
}

/* Root of a new user namespace is nobody to a namespace it does not own. */
TEST_F(perm, foreign_user_namespace)
{
	struct csvx_sock s2;

	if (unshare(CLONE_NEWUSER))
		SKIP(return, "unshare(CLONE_NEWUSER): %s", strerror(errno));
	mutations_refused(_metadata, &self->s, &self->snap);
	gets_work(_metadata, &self->s);
	ASSERT_EQ(0, csvx_open(&s2));
	mutations_refused(_metadata, &s2, &self->snap);
	csvx_close(&s2);
}

/* An unprivileged user with user + network namespaces of its own. */
TEST_F(perm, own_user_namespace)
{
	struct csvx_sock s2;
	struct csvx_params p;

	become_nobody(_metadata);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		SKIP(return, "unprivileged unshare(CLONE_NEWUSER|CLONE_NEWNET): %s",
		     strerror(errno));
	ASSERT_EQ(0, csvx_open(&s2));
	/* a new namespace: empty, and its owner may program it */
	CSVX_OK(&s2, csvx_params_get(&s2, &p));
	EXPECT_EQ(0, p.use[CSVX_PARAM_MAX_VRFS]);
	csvx_base_state(_metadata, &s2);
	CSVX_OK(&s2, csvx_param_set(&s2, CSVX_PARAM_MAX_FDB, 5000));
	gets_work(_metadata, &s2);
	CSVX_OK(&s2, csvx_vni_del(&s2, 100));
	CSVX_OK(&s2, csvx_vrf_del(&s2, "red"));
	csvx_close(&s2);
	/* while the namespace it came from still refuses it */
	mutations_refused(_metadata, &self->s, NULL);
}

TEST_HARNESS_MAIN
