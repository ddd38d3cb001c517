// SPDX-License-Identifier: GPL-2.0
/*
 * NEW/DEL/GET_SG and NEW/DEL/GET_SG_RULE: security groups and their
 * rules.  Every remote kind, what replies carry, refusals pointing at the
 * faulty attribute, EBUSY for groups in use, limits, batches of rules
 * compiled once, resumable rule dumps, notifications.
 */
#include "csvx_test.h"
#include "csvx_sg.h"

FIXTURE(sg) {
	struct csvx_sock s;
	struct csvx_sock mon;
};

FIXTURE_SETUP(sg)
{
	csvx_setup(_metadata, &self->s);
	csvx_setup_monitor(_metadata, &self->mon);
	CSVX_OK(&self->s, sg_group(&self->s, CSVX_CMD_NEW_SG, "web", NULL));
	CSVX_OK(&self->s, sg_group(&self->s, CSVX_CMD_NEW_SG, "db", NULL));
	CSVX_OK(&self->s, sg_set_new(&self->s, false, "admins",
				     CSVX_SET_HASH_NET, 0, 0));
	CSVX_OK(&self->s, sg_set_new(&self->s, false, "admins6",
				     CSVX_SET_HASH_NET, AF_INET6, 0));
	csvx_recv_pending(&self->mon, NULL);
}

FIXTURE_TEARDOWN(sg)
{
	csvx_close(&self->mon);
	csvx_close(&self->s);
}

static void expect_group(struct __test_metadata *_metadata,
			 struct csvx_sock *s, const char *name, uint32_t rules,
			 uint32_t refs, uint32_t ports)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_OK(s, sg_group(s, CSVX_CMD_GET_SG, name, &reply));
	ASSERT_EQ(0, sg_one(&reply, tb));
	EXPECT_ATTR_STR(tb, CSVX_A_SG, name);
	EXPECT_ATTR_U32(tb, CSVX_A_COUNT, rules);
	EXPECT_ATTR_U32(tb, CSVX_A_REFS, refs);
	EXPECT_ATTR_U32(tb, CSVX_A_NR_PORTS, ports);
	csvx_msgs_free(&reply);
}

static long rules_of(struct csvx_sock *s, const char *sg)
{
	return csvx_count(s, CSVX_CMD_GET_SG_RULE, 0, 0, sg ? CSVX_A_SG : 0,
			  sg);
}

TEST_F(sg, groups)
{
	struct csvx_sock *s = &self->s;

	expect_group(_metadata, s, "web", 0, 0, 0);
	EXPECT_EQ(2, csvx_count(s, CSVX_CMD_GET_SG, 0, 0, 0, NULL));
	CSVX_REFUSED(s, EEXIST, sg_group(s, CSVX_CMD_NEW_SG, "web", NULL));
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL));
	CSVX_REFUSED(s, ENOENT, sg_group(s, CSVX_CMD_DEL_SG, "nope", NULL));
	CSVX_REFUSED(s, ENOENT, sg_group(s, CSVX_CMD_GET_SG, "nope", NULL));
	CSVX_REFUSED(s, EINVAL, sg_group(s, CSVX_CMD_NEW_SG, "", NULL));
	CSVX_OK(s, sg_group(s, CSVX_CMD_DEL_SG, "db", NULL));
	EXPECT_EQ(1, sg_notified(&self->mon, CSVX_CMD_DEL_SG));
	EXPECT_EQ(1, csvx_count(s, CSVX_CMD_GET_SG, 0, 0, 0, NULL));
	CSVX_OK(s, csvx_param_set(s, CSVX_PARAM_MAX_SGS, 2));
	CSVX_OK(s, sg_group(s, CSVX_CMD_NEW_SG, "db", NULL));
	CSVX_REFUSED(s, ENOSPC, sg_group(s, CSVX_CMD_NEW_SG, "third", NULL));
	EXPECT_STREQ("too many groups (max-sgs)", s->msg);
}

/* Every kind of rule, and what its dump message says. */
TEST_F(sg, rules_of_every_kind)
{
	struct csvx_sock *s = &self->s;
	struct csvx_msgs out = {};
	char buf[256];
	size_t i;

	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "db", .proto = 6, .lo = 5432,
				   .group = "web")));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "db", .proto = 6, .lo = 22, .hi = 23,
				   .set = "admins")));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "db", .proto = 1, .type = 8,
				   .prefix = "0.0.0.0/0")));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "db", .proto = 58, .type = 128, .code = 0,
				   .set = "admins6")));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "db", .dir = CSVX_SG_EGRESS,
				   .prefix = "2001:db8::/32")));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "web", .proto = 17, .lo = 53,
				   .prefix = "10.0.0.1")));	/* a /32 */
	EXPECT_EQ(6, sg_notified(&self->mon, CSVX_CMD_NEW_SG_RULE));
	expect_group(_metadata, s, "db", 5, 0, 0);
	expect_group(_metadata, s, "web", 1, 1, 0);	/* named by db */
	EXPECT_EQ(6, rules_of(s, NULL));
	EXPECT_EQ(1, rules_of(s, "web"));
	EXPECT_EQ(-ENOENT, rules_of(s, "nope"));

	CSVX_OK(s, csvx_dump(s, csvx_req(s, buf, CSVX_CMD_GET_SG_RULE, 0),
			     &out));
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		CSVX_CHECK(tb[CSVX_A_SG] && tb[CSVX_A_DIR] && tb[CSVX_A_PROTO] &&
			   tb[CSVX_A_PACKETS], "rule %zu: a key attribute missing",
			   i);
		if (!tb[CSVX_A_PROTO])
			continue;
		switch (mnl_attr_get_u8(tb[CSVX_A_PROTO])) {
		case 6:
			CSVX_CHECK(tb[CSVX_A_DPORT_LO] && tb[CSVX_A_DPORT_HI],
				   "tcp rule without ports");
			if (tb[CSVX_A_REMOTE_SG]) {
				EXPECT_ATTR_STR(tb, CSVX_A_REMOTE_SG, "web");
				EXPECT_EQ(5432, mnl_attr_get_u16(tb[CSVX_A_DPORT_HI]));
			} else {
				EXPECT_ATTR_STR(tb, CSVX_A_SET, "admins");
				EXPECT_EQ(23, mnl_attr_get_u16(tb[CSVX_A_DPORT_HI]));
			}
			break;
		case 1:
			EXPECT_ATTR_U8(tb, CSVX_A_ICMP_TYPE, 8);
			EXPECT_EQ(NULL, tb[CSVX_A_ICMP_CODE]);
			EXPECT_ATTR_IP(tb, CSVX_A_PREFIX, "0.0.0.0");
			EXPECT_ATTR_U8(tb, CSVX_A_PLEN, 0);
			break;
		case 58:
			EXPECT_ATTR_U8(tb, CSVX_A_ICMP_CODE, 0);
			break;
		case 0:
			EXPECT_ATTR_U8(tb, CSVX_A_DIR, CSVX_SG_EGRESS);
			EXPECT_ATTR_U8(tb, CSVX_A_PLEN, 32);
			break;
		case 17:
			EXPECT_ATTR_STR(tb, CSVX_A_SG, "web");
			EXPECT_ATTR_U8(tb, CSVX_A_PLEN, 32);
			break;
		}
	}
	csvx_msgs_free(&out);

	/* the same rule again: EEXIST; with REPLACE: nothing, no news */
	CSVX_REFUSED(s, EEXIST, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
					SG_RULE(.sg = "web", .proto = 17, .lo = 53,
						.prefix = "10.0.0.1/32")));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "web", .proto = 17, .lo = 53, .hi = 53,
				   .prefix = "10.0.0.1", .replace = true)));
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL));
	/* deleted by what it says */
	CSVX_REFUSED(s, ENOENT, sg_rule(s, CSVX_CMD_DEL_SG_RULE,
					SG_RULE(.sg = "web", .proto = 17, .lo = 54,
						.prefix = "10.0.0.1")));
	EXPECT_STREQ("no such rule", s->msg);
	CSVX_OK(s, sg_rule(s, CSVX_CMD_DEL_SG_RULE,
			   SG_RULE(.sg = "web", .proto = 17, .lo = 53,
				   .prefix = "10.0.0.1")));
	EXPECT_EQ(1, sg_notified(&self->mon, CSVX_CMD_DEL_SG_RULE));
	EXPECT_EQ(5, rules_of(s, NULL));
}

/* A refused rule request: its errno, extack pointing into @at (if set). */
static void refused(struct __test_metadata *_metadata, struct csvx_sock *s,
		    struct csvx_sock *mon, uint8_t cmd, struct sg_rule r,
		    int at, const int *errs, const char *what)
{
	char buf[CSVX_REQ_SIZE];
	struct nlmsghdr *nlh = sg_rule_req(s, buf, cmd, &r);
	const struct nlattr *a;
	struct csvx_bad bad = {};

	if (at) {
		mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
			if (mnl_attr_get_type(a) != at)
				continue;
			bad.e[0].off = (const char *)a - (const char *)nlh;
			bad.e[0].len = a->nla_len;
			bad.n = 1;
		}
	}
	csvx_check_refused(_metadata, s, mon, NULL, csvx_do(s, nlh, NULL),
			   errs, at ? &bad : NULL, what);
}

TEST_F(sg, rule_refusals)
{
	static const int einval[] = { EINVAL, 0 };
	static const int enoent[] = { ENOENT, 0 };
	struct csvx_sock *s = &self->s;
	struct csvx_sock *m = &self->mon;

	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .dir = 2, .prefix = "10.0.0.0/8"),
		CSVX_A_DIR, csvx_errs_malformed, "DIR 2");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .dir = -1, .prefix = "10.0.0.0/8"),
		0, einval, "no DIR");
	EXPECT_EQ(CSVX_A_DIR, s->miss_type);
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .proto = 47, .prefix = "10.0.0.0/8"),
		CSVX_A_PROTO, einval, "PROTO 47");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .proto = 1, .lo = 80, .prefix = "10.0.0.0/8"),
		CSVX_A_DPORT_LO, einval, "icmp with a port");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .proto = 6, .hi = 80, .prefix = "10.0.0.0/8"),
		CSVX_A_DPORT_HI, einval, "DPORT_HI without DPORT_LO");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .proto = 6, .lo = 90, .hi = 80,
			.prefix = "10.0.0.0/8"),
		CSVX_A_DPORT_HI, einval, "DPORT_HI < DPORT_LO");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .proto = 1, .code = 3, .prefix = "10.0.0.0/8"),
		CSVX_A_ICMP_CODE, einval, "ICMP_CODE without ICMP_TYPE");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .proto = 6, .type = 3, .prefix = "10.0.0.0/8"),
		CSVX_A_ICMP_TYPE, einval, "tcp with an ICMP type");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .prefix = "10.0.0.0/8", .set = "admins"),
		CSVX_A_SET, einval, "two remotes");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web"), 0, einval, "no remote");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .prefix = "10.0.0.1/8"),
		CSVX_A_PREFIX, einval, "host bits");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .prefix = "10.0.0.0/40"),
		CSVX_A_PLEN, einval, "PLEN 40 for IPv4");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .prefix = "10.0.0.0/129"),
		CSVX_A_PLEN, csvx_errs_malformed, "PLEN 129");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .proto = 1, .prefix = "2001:db8::/32"),
		CSVX_A_PREFIX, einval, "icmp from IPv6");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .proto = 58, .set = "admins"),
		CSVX_A_SET, einval, "icmpv6 from an IPv4 set");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .set = "nope"), CSVX_A_SET, enoent,
		"unknown set");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "web", .group = "nope"), CSVX_A_REMOTE_SG, enoent,
		"unknown remote group");
	refused(_metadata, s, m, CSVX_CMD_NEW_SG_RULE,
		SG_RULE(.sg = "nope", .prefix = "10.0.0.0/8"), CSVX_A_SG, enoent,
		"unknown group");
	refused(_metadata, s, m, CSVX_CMD_DEL_SG_RULE,
		SG_RULE(.sg = "web", .prefix = "10.0.0.0/8"), 0, enoent,
		"deleting a rule that is not there");
	EXPECT_EQ(0, rules_of(s, NULL));
}

TEST_F(sg, busy_and_limits)
{
	struct csvx_sock *s = &self->s;
	int i;

	/* db admits web: web cannot go; itself naming itself is fine */
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "db", .group = "web")));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "web", .group = "web")));
	csvx_recv_pending(&self->mon, NULL);
	CSVX_REFUSED(s, EBUSY, sg_group(s, CSVX_CMD_DEL_SG, "web", NULL));
	EXPECT_STREQ("a rule of another group names this group", s->msg);
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL));
	CSVX_OK(s, sg_group(s, CSVX_CMD_DEL_SG, "db", NULL));
	CSVX_OK(s, sg_group(s, CSVX_CMD_DEL_SG, "web", NULL));

	CSVX_OK(s, csvx_param_set(s, CSVX_PARAM_MAX_RULES, 3));
	CSVX_OK(s, sg_group(s, CSVX_CMD_NEW_SG, "g", NULL));
	for (i = 0; i < 3; i++)
		CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
				   SG_RULE(.sg = "g", .proto = 6, .lo = 100 + i,
					   .prefix = "0.0.0.0/0")));
	CSVX_REFUSED(s, ENOSPC, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
					SG_RULE(.sg = "g", .proto = 6, .lo = 200,
						.prefix = "0.0.0.0/0")));
	EXPECT_STREQ("too many rules (max-rules)", s->msg);
	EXPECT_EQ(-EBUSY, csvx_param_set(s, CSVX_PARAM_MAX_RULES, 2));
	/* a group goes with its rules */
	CSVX_OK(s, sg_group(s, CSVX_CMD_DEL_SG, "g", NULL));
	EXPECT_EQ(0, rules_of(s, NULL));
	CSVX_OK(s, csvx_param_set(s, CSVX_PARAM_MAX_RULES, 2));
}

/*
 * 10k rules in batches: one compilation per sendmsg() buffer, not one
 * per rule (a rule request's GEN moves once per buffer); then a dump of
 * them in many small messages, each rule once.
 */
TEST_F_TIMEOUT(sg, batch_and_dump, 900)
{
	struct csvx_sock *s = &self->s;
	unsigned long n = csvx_scale(10000), i;
	struct csvx_dump_ops ops = {};
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply;
	struct csvx_batch b;
	struct nlmsghdr *nlh;
	char buf[256];
	uint32_t gen0, gen1;
	double t0;

	if (n > 20000)
		n = 20000;
	ASSERT_EQ(0, csvx_link_add("p1", "dummy"));
	CSVX_OK(s, csvx_vni_new(s, 0, &(struct csvx_vni_cfg){
		.vni = 100, .ifname = "vx100" }));
	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &(struct sg_port){
		.ifname = "p1", .vni = 100, .mac = "02:00:00:00:00:01",
		.ips = { "10.0.0.1" }, .sgs = { "web" } }, NULL));
	ASSERT_EQ(0, sg_port_get(s, "p1", &reply, tb));
	gen0 = sg_attr_u32(tb[CSVX_A_GEN]);
	csvx_msgs_free(&reply);

	t0 = csvx_now();
	ASSERT_EQ(0, csvx_batch_init(&b, s, 1 << 16));
	for (i = 0; i < n; i++) {
		struct sg_rule r = SG_RULE(.sg = "web", .proto = 6,
					   .lo = 1 + i % 60000,
					   .prefix = "10.0.0.0/8");
		char a[32];

		snprintf(a, sizeof(a), "10.%lu.%lu.0/24", i >> 8 & 255,
			 i & 255);
		r.prefix = a;
		nlh = csvx_batch_req(&b, CSVX_CMD_NEW_SG_RULE, 0);
		ASSERT_NE(NULL, nlh);
		sg_rule_put(nlh, &r);
	}
	ASSERT_EQ(0, csvx_batch_flush(&b));
	EXPECT_EQ(0, b.failed) TH_LOG("first refusal: %s", b.first_msg);
	ksft_print_msg("%lu rules in %lu sendmsg() calls: %.2f s\n", n,
		       b.sends, csvx_now() - t0);
	csvx_batch_free(&b);
	EXPECT_EQ(n, rules_of(s, "web"));
	/* compiled by the end of each batch: the port's generation moved */
	ASSERT_EQ(0, sg_port_get(s, "p1", &reply, tb));
	gen1 = sg_attr_u32(tb[CSVX_A_GEN]);
	csvx_msgs_free(&reply);
	EXPECT_NE(gen0, gen1);

	nlh = csvx_req(s, buf, CSVX_CMD_GET_SG_RULE, 0);
	mnl_attr_put_strz(nlh, CSVX_A_SG, "web");
	CSVX_OK(s, csvx_dump_ops(s, nlh, &ops));
	EXPECT_EQ(n, ops.msgs);
	/* about 250 rules fit a datagram: many, at any CSVX_TEST_SCALE */
	EXPECT_GT(ops.datagrams, n / 500);
	EXPECT_EQ(0, ops.nr_intr);
}

TEST_F(sg, notifications)
{
	struct csvx_sock *s = &self->s;
	struct csvx_msgs m = {};
	static const uint8_t want[] = {
		CSVX_CMD_NEW_SG, CSVX_CMD_NEW_SG_RULE, CSVX_CMD_DEL_SG_RULE,
		CSVX_CMD_DEL_SG,
	};
	size_t i;

	CSVX_OK(s, sg_group(s, CSVX_CMD_NEW_SG, "x", NULL));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "x", .proto = 17, .lo = 53,
				   .set = "admins")));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_DEL_SG_RULE,
			   SG_RULE(.sg = "x", .proto = 17, .lo = 53,
				   .set = "admins")));
	CSVX_OK(s, sg_group(s, CSVX_CMD_DEL_SG, "x", NULL));
	ASSERT_EQ(4, csvx_recv_pending(&self->mon, &m));
	for (i = 0; i < m.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		EXPECT_EQ(want[i], csvx_cmd(m.v[i]));
		ASSERT_EQ(0, csvx_attrs(m.v[i], tb, CSVX_A_MAX));
		EXPECT_ATTR_STR(tb, CSVX_A_SG, "x");
		if (i == 1 || i == 2) {
			EXPECT_ATTR_STR(tb, CSVX_A_SET, "admins");
			EXPECT_ATTR_U8(tb, CSVX_A_PROTO, 17);
		}
	}
	csvx_msgs_free(&m);
}

/* Mutations need CAP_NET_ADMIN; GETs and dumps do not. */
TEST_F(sg, unprivileged)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (!pid) {
		struct csvx_sock u;
		int ok = 1;

		if (setgid(65534) || setuid(65534) || csvx_open(&u))
			_exit(2);
		ok &= sg_group(&u, CSVX_CMD_NEW_SG, "x", NULL) == -EPERM;
		ok &= sg_set_new(&u, false, "s", CSVX_SET_HASH_IP, 0, 0) == -EPERM;
		ok &= sg_rule(&u, CSVX_CMD_NEW_SG_RULE,
			      SG_RULE(.sg = "web", .prefix = "0.0.0.0/0")) ==
		      -EPERM;
		ok &= sg_group(&u, CSVX_CMD_DEL_SG, "web", NULL) == -EPERM;
		ok &= sg_group(&u, CSVX_CMD_GET_SG, "web", NULL) == 0;
		ok &= csvx_count(&u, CSVX_CMD_GET_SG_RULE, 0, 0, 0, NULL) == 0;
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	expect_group(_metadata, &self->s, "web", 0, 0, 0);
}

TEST_HARNESS_MAIN
