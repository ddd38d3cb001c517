// SPDX-License-Identifier: GPL-2.0
/*
 * NEW/DEL/GET/FLUSH/SWAP_SET and NEW/DEL/GET_SET_MEMBER: ipset-style
 * hash:ip and hash:net sets.  Success paths and what replies carry,
 * refusals with their extack, limits, EBUSY while a rule names a set,
 * resumable member dumps, and notifications.
 */
#include "csvx_test.h"
#include "csvx_sg.h"

FIXTURE(set) {
	struct csvx_sock s;
	struct csvx_sock mon;
};

FIXTURE_SETUP(set)
{
	csvx_setup(_metadata, &self->s);
	csvx_setup_monitor(_metadata, &self->mon);
}

FIXTURE_TEARDOWN(set)
{
	csvx_close(&self->mon);
	csvx_close(&self->s);
}

/* GET_SET of @name: type, family, maxelem, count, refs. */
static void expect_set(struct __test_metadata *_metadata, struct csvx_sock *s,
		       const char *name, uint8_t type, uint8_t family,
		       uint32_t maxelem, uint32_t count, uint32_t refs)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};

	CSVX_OK(s, sg_set_cmd(s, CSVX_CMD_GET_SET, name, &reply));
	ASSERT_EQ(0, sg_one(&reply, tb));
	EXPECT_EQ(CSVX_CMD_GET_SET, csvx_cmd(reply.v[0]));
	EXPECT_ATTR_STR(tb, CSVX_A_SET, name);
	EXPECT_ATTR_U8(tb, CSVX_A_SET_TYPE, type);
	EXPECT_ATTR_U8(tb, CSVX_A_FAMILY, family);
	EXPECT_ATTR_U32(tb, CSVX_A_MAXELEM, maxelem);
	EXPECT_ATTR_U32(tb, CSVX_A_COUNT, count);
	EXPECT_ATTR_U32(tb, CSVX_A_REFS, refs);
	csvx_msgs_free(&reply);
}

static bool member_of(struct csvx_sock *s, const char *set, const char *addr)
{
	return !sg_member(s, CSVX_CMD_GET_SET_MEMBER, false, set, addr, NULL);
}

TEST_F(set, new_get_dump_del)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs out = {}, reply = {};
	struct csvx_sock *s = &self->s;
	struct csvx_params p;
	struct nlmsghdr *nlh;
	char buf[256];
	size_t i;

	CSVX_OK(s, sg_set_new(s, false, "ip4", CSVX_SET_HASH_IP, 0, 0));
	CSVX_OK(s, sg_set_new(s, false, "net6", CSVX_SET_HASH_NET, AF_INET6,
			      500));
	expect_set(_metadata, s, "ip4", CSVX_SET_HASH_IP, AF_INET, 65536, 0, 0);
	expect_set(_metadata, s, "net6", CSVX_SET_HASH_NET, AF_INET6, 500, 0,
		   0);
	EXPECT_EQ(2, sg_notified(&self->mon, CSVX_CMD_NEW_SET));

	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "ip4",
			     "10.0.0.1", NULL));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "ip4",
			     "10.0.0.2/32", NULL));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "net6",
			     "2001:db8::/32", NULL));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "net6",
			     "2001:db8:1::/48", NULL));
	expect_set(_metadata, s, "ip4", CSVX_SET_HASH_IP, AF_INET, 65536, 2, 0);
	EXPECT_TRUE(member_of(s, "ip4", "10.0.0.1"));
	EXPECT_FALSE(member_of(s, "ip4", "10.0.0.3"));
	/* hash:net: the longest member matching an address */
	CSVX_OK(s, sg_member(s, CSVX_CMD_GET_SET_MEMBER, false, "net6",
			     "2001:db8:1::77", &reply));
	ASSERT_EQ(0, sg_one(&reply, tb));
	EXPECT_ATTR_IP(tb, CSVX_A_PREFIX, "2001:db8:1::");
	EXPECT_ATTR_U8(tb, CSVX_A_PLEN, 48);
	csvx_msgs_free(&reply);
	EXPECT_TRUE(member_of(s, "net6", "2001:db8:ffff::1"));
	EXPECT_FALSE(member_of(s, "net6", "2001:db9::1"));
	/* with PLEN: that exact member */
	EXPECT_TRUE(member_of(s, "net6", "2001:db8::/32"));
	EXPECT_FALSE(member_of(s, "net6", "2001:db8::/33"));

	/* dumps: every set; every member, or those of one set */
	EXPECT_EQ(2, csvx_count(s, CSVX_CMD_GET_SET, 0, 0, 0, NULL));
	EXPECT_EQ(4, csvx_count(s, CSVX_CMD_GET_SET_MEMBER, 0, 0, 0, NULL));
	EXPECT_EQ(2, csvx_count(s, CSVX_CMD_GET_SET_MEMBER, 0, 0, CSVX_A_SET,
				"net6"));
	EXPECT_EQ(-ENOENT, csvx_count(s, CSVX_CMD_GET_SET_MEMBER, 0, 0,
				      CSVX_A_SET, "nope"));
	nlh = csvx_req(s, buf, CSVX_CMD_GET_SET_MEMBER, 0);
	mnl_attr_put_strz(nlh, CSVX_A_SET, "ip4");
	CSVX_OK(s, csvx_dump(s, nlh, &out));
	ASSERT_EQ(2, out.nr);
	for (i = 0; i < out.nr; i++) {
		memset(tb, 0, sizeof(tb));
		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		EXPECT_ATTR_STR(tb, CSVX_A_SET, "ip4");
		EXPECT_ATTR_U8(tb, CSVX_A_PLEN, 32);
		CSVX_CHECK(csvx_attr_is_ip(tb[CSVX_A_PREFIX], "10.0.0.1") ||
			   csvx_attr_is_ip(tb[CSVX_A_PREFIX], "10.0.0.2"),
			   "member %zu", i);
	}
	csvx_msgs_free(&out);

	CSVX_OK(s, sg_member(s, CSVX_CMD_DEL_SET_MEMBER, false, "ip4",
			     "10.0.0.1", NULL));
	EXPECT_FALSE(member_of(s, "ip4", "10.0.0.1"));
	CSVX_OK(s, sg_set_cmd(s, CSVX_CMD_DEL_SET, "ip4", NULL));
	CSVX_REFUSED(s, ENOENT, sg_set_cmd(s, CSVX_CMD_GET_SET, "ip4", NULL));
	EXPECT_EQ(1, csvx_count(s, CSVX_CMD_GET_SET, 0, 0, 0, NULL));
	CSVX_OK(s, csvx_params_get(s, &p));
	EXPECT_EQ(1, p.use[CSVX_PARAM_MAX_SETS]);
	EXPECT_EQ(2, p.use[CSVX_PARAM_MAX_SET_MEMBERS]);
}

TEST_F(set, exists_and_replace)
{
	struct csvx_sock *s = &self->s;

	CSVX_OK(s, sg_set_new(s, false, "x", CSVX_SET_HASH_IP, 0, 10));
	csvx_recv_pending(&self->mon, NULL);
	CSVX_REFUSED(s, EEXIST, sg_set_new(s, false, "x", CSVX_SET_HASH_IP, 0,
					   10));
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL));
	CSVX_REFUSED(s, EINVAL, sg_set_new(s, true, "x", CSVX_SET_HASH_NET, 0,
					   10));
	CSVX_OK(s, sg_set_new(s, true, "x", CSVX_SET_HASH_IP, 0, 20));
	expect_set(_metadata, s, "x", CSVX_SET_HASH_IP, AF_INET, 20, 0, 0);

	/* a member twice: EEXIST, or nothing with REPLACE (ipset -exist) */
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "x", "10.1.1.1",
			     NULL));
	csvx_recv_pending(&self->mon, NULL);
	CSVX_REFUSED(s, EEXIST, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false,
					  "x", "10.1.1.1", NULL));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, true, "x", "10.1.1.1",
			     NULL));
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL));
	CSVX_REFUSED(s, ENOENT, sg_member(s, CSVX_CMD_DEL_SET_MEMBER, false,
					  "x", "10.1.1.2", NULL));
}

TEST_F(set, refusals)
{
	struct csvx_sock *s = &self->s;
	char buf[CSVX_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct csvx_bad bad;

	CSVX_OK(s, sg_set_new(s, false, "v4", CSVX_SET_HASH_IP, 0, 0));
	CSVX_OK(s, sg_set_new(s, false, "n4", CSVX_SET_HASH_NET, 0, 0));
	csvx_recv_pending(&self->mon, NULL);

	/* names: empty, 32 bytes (31 is the most) */
	CSVX_REFUSED(s, EINVAL, sg_set_new(s, false, "", CSVX_SET_HASH_IP, 0,
					   0));
	csvx_check_refused(_metadata, s, &self->mon, NULL,
			   sg_set_new(s, false,
				      "0123456789abcdef0123456789abcdef",
				      CSVX_SET_HASH_IP, 0, 0),
			   csvx_errs_malformed, NULL, "32-byte name");
	CSVX_OK(s, sg_set_new(s, false, "0123456789abcdef0123456789abcde",
			      CSVX_SET_HASH_IP, 0, 0));
	csvx_recv_pending(&self->mon, NULL);
	/* type 0 and 3, family 7, maxelem 0: with the attribute pointed at */
	nlh = csvx_req(s, buf, CSVX_CMD_NEW_SET, 0);
	mnl_attr_put_strz(nlh, CSVX_A_SET, "t");
	bad.n = 1;
	bad.e[0].off = csvx_off(nlh);
	mnl_attr_put_u8(nlh, CSVX_A_SET_TYPE, 3);
	bad.e[0].len = csvx_off(nlh) - bad.e[0].off;
	csvx_check_refused(_metadata, s, &self->mon, NULL, csvx_do(s, nlh, NULL),
			   csvx_errs_malformed, &bad, "SET_TYPE 3");
	nlh = csvx_req(s, buf, CSVX_CMD_NEW_SET, 0);
	mnl_attr_put_strz(nlh, CSVX_A_SET, "t");
	mnl_attr_put_u8(nlh, CSVX_A_SET_TYPE, CSVX_SET_HASH_IP);
	bad.e[0].off = csvx_off(nlh);
	mnl_attr_put_u8(nlh, CSVX_A_FAMILY, 7);
	bad.e[0].len = csvx_off(nlh) - bad.e[0].off;
	csvx_check_refused(_metadata, s, &self->mon, NULL, csvx_do(s, nlh, NULL),
			   csvx_errs_malformed, &bad, "FAMILY 7");
	nlh = csvx_req(s, buf, CSVX_CMD_NEW_SET, 0);
	mnl_attr_put_strz(nlh, CSVX_A_SET, "t");
	mnl_attr_put_u8(nlh, CSVX_A_SET_TYPE, CSVX_SET_HASH_IP);
	bad.e[0].off = csvx_off(nlh);
	mnl_attr_put_u32(nlh, CSVX_A_MAXELEM, 0);
	bad.e[0].len = csvx_off(nlh) - bad.e[0].off;
	csvx_check_refused(_metadata, s, &self->mon, NULL, csvx_do(s, nlh, NULL),
			   csvx_errs_malformed, &bad, "MAXELEM 0");
	/* missing type */
	nlh = csvx_req(s, buf, CSVX_CMD_NEW_SET, 0);
	mnl_attr_put_strz(nlh, CSVX_A_SET, "t");
	csvx_check_refused(_metadata, s, &self->mon, NULL, csvx_do(s, nlh, NULL),
			   csvx_errs_malformed, NULL, "no SET_TYPE");
	EXPECT_EQ(CSVX_A_SET_TYPE, s->miss_type);

	/* members: family, prefix, host bits, hash:ip with a length */
	CSVX_REFUSED(s, EINVAL, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false,
					  "v4", "2001:db8::1", NULL));
	CSVX_REFUSED(s, EINVAL, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false,
					  "v4", "10.0.0.0/24", NULL));
	CSVX_REFUSED(s, EINVAL, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false,
					  "n4", "10.0.0.1/24", NULL));
	CSVX_REFUSED(s, EINVAL, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false,
					  "n4", "10.0.0.0/33", NULL));
	CSVX_REFUSED(s, ENOENT, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false,
					  "nope", "10.0.0.1", NULL));
	/* an address of 5 bytes */
	nlh = csvx_req(s, buf, CSVX_CMD_NEW_SET_MEMBER, 0);
	mnl_attr_put_strz(nlh, CSVX_A_SET, "n4");
	bad.e[0].off = csvx_off(nlh);
	mnl_attr_put(nlh, CSVX_A_PREFIX, 5, "\x0a\0\0\0\0");
	bad.e[0].len = csvx_off(nlh) - bad.e[0].off;
	csvx_check_refused(_metadata, s, &self->mon, NULL, csvx_do(s, nlh, NULL),
			   csvx_errs_addr, &bad, "5-byte PREFIX");
	/* swap: unknown, itself, different type */
	CSVX_REFUSED(s, ENOENT, sg_set_swap(s, "v4", "nope"));
	CSVX_REFUSED(s, EINVAL, sg_set_swap(s, "v4", "v4"));
	CSVX_REFUSED(s, EINVAL, sg_set_swap(s, "v4", "n4"));
	CSVX_REFUSED(s, ENOENT, sg_set_cmd(s, CSVX_CMD_FLUSH_SET, "nope", NULL));
	CSVX_REFUSED(s, ENOENT, sg_set_cmd(s, CSVX_CMD_DEL_SET, "nope", NULL));
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL));
	EXPECT_EQ(3, csvx_count(s, CSVX_CMD_GET_SET, 0, 0, 0, NULL));
	EXPECT_EQ(0, csvx_count(s, CSVX_CMD_GET_SET_MEMBER, 0, 0, 0, NULL));
}

TEST_F(set, limits)
{
	struct csvx_sock *s = &self->s;
	char a[32];
	int i;

	CSVX_OK(s, sg_set_new(s, false, "small", CSVX_SET_HASH_IP, 0, 3));
	for (i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), "10.0.0.%d", i + 1);
		CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "small",
				     a, NULL));
	}
	CSVX_REFUSED(s, ENOSPC, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false,
					  "small", "10.0.0.9", NULL));
	EXPECT_STREQ("set is full (maxelem)", s->msg);
	/* maxelem below the members: refused */
	CSVX_REFUSED(s, EBUSY, sg_set_new(s, true, "small", CSVX_SET_HASH_IP, 0,
					  2));

	CSVX_OK(s, csvx_param_set(s, CSVX_PARAM_MAX_SET_MEMBERS, 4));
	CSVX_OK(s, sg_set_new(s, false, "other", CSVX_SET_HASH_IP, 0, 0));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "other",
			     "10.0.1.1", NULL));
	CSVX_REFUSED(s, ENOSPC, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false,
					  "other", "10.0.1.2", NULL));
	EXPECT_STREQ("too many set members (max-set-members)", s->msg);
	/* a limit below what is in use: refused */
	EXPECT_EQ(-EBUSY, csvx_param_set(s, CSVX_PARAM_MAX_SET_MEMBERS, 3));
	CSVX_OK(s, csvx_param_set(s, CSVX_PARAM_MAX_SETS, 2));
	CSVX_REFUSED(s, ENOSPC, sg_set_new(s, false, "third", CSVX_SET_HASH_IP,
					   0, 0));
	EXPECT_STREQ("too many sets (max-sets)", s->msg);
}

TEST_F(set, busy_while_a_rule_names_it)
{
	struct csvx_sock *s = &self->s;

	CSVX_OK(s, sg_set_new(s, false, "admins", CSVX_SET_HASH_NET, 0, 0));
	CSVX_OK(s, sg_group(s, CSVX_CMD_NEW_SG, "g", NULL));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "g", .proto = 6, .lo = 22,
				   .set = "admins")));
	expect_set(_metadata, s, "admins", CSVX_SET_HASH_NET, AF_INET, 65536,
		   0, 1);
	csvx_recv_pending(&self->mon, NULL);
	CSVX_REFUSED(s, EBUSY, sg_set_cmd(s, CSVX_CMD_DEL_SET, "admins", NULL));
	EXPECT_STREQ("set is in use by a rule", s->msg);
	EXPECT_EQ(0, csvx_recv_pending(&self->mon, NULL));
	/* its contents can change all the same */
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "admins",
			     "192.0.2.0/24", NULL));
	CSVX_OK(s, sg_set_cmd(s, CSVX_CMD_FLUSH_SET, "admins", NULL));
	CSVX_OK(s, sg_rule(s, CSVX_CMD_DEL_SG_RULE,
			   SG_RULE(.sg = "g", .proto = 6, .lo = 22,
				   .set = "admins")));
	CSVX_OK(s, sg_set_cmd(s, CSVX_CMD_DEL_SET, "admins", NULL));
}

TEST_F(set, swap_and_flush)
{
	struct csvx_sock *s = &self->s;
	struct csvx_msgs m = {};
	size_t i;
	int swaps = 0, flushes = 0;

	CSVX_OK(s, sg_set_new(s, false, "a", CSVX_SET_HASH_IP, AF_INET6, 10));
	CSVX_OK(s, sg_set_new(s, false, "b", CSVX_SET_HASH_IP, AF_INET6, 20));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "a", "2001:db8::a",
			     NULL));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "b", "2001:db8::b",
			     NULL));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "b", "2001:db8::c",
			     NULL));
	CSVX_OK(s, sg_set_swap(s, "a", "b"));
	EXPECT_TRUE(member_of(s, "a", "2001:db8::b"));
	EXPECT_FALSE(member_of(s, "a", "2001:db8::a"));
	EXPECT_TRUE(member_of(s, "b", "2001:db8::a"));
	/* the contents move with their maxelem, as with ipset */
	expect_set(_metadata, s, "a", CSVX_SET_HASH_IP, AF_INET6, 20, 2, 0);
	expect_set(_metadata, s, "b", CSVX_SET_HASH_IP, AF_INET6, 10, 1, 0);
	CSVX_OK(s, sg_set_cmd(s, CSVX_CMD_FLUSH_SET, "a", NULL));
	expect_set(_metadata, s, "a", CSVX_SET_HASH_IP, AF_INET6, 20, 0, 0);
	/* flushing an empty set changes nothing: no notification */
	CSVX_OK(s, sg_set_cmd(s, CSVX_CMD_FLUSH_SET, "a", NULL));

	ASSERT_LE(0, csvx_recv_pending(&self->mon, &m));
	for (i = 0; i < m.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		ASSERT_EQ(0, csvx_attrs(m.v[i], tb, CSVX_A_MAX));
		if (csvx_cmd(m.v[i]) == CSVX_CMD_SWAP_SET) {
			swaps++;
			EXPECT_ATTR_STR(tb, CSVX_A_SET, "a");
			EXPECT_ATTR_STR(tb, CSVX_A_SET2, "b");
		}
		if (csvx_cmd(m.v[i]) == CSVX_CMD_FLUSH_SET) {
			flushes++;
			EXPECT_ATTR_STR(tb, CSVX_A_SET, "a");
		}
	}
	EXPECT_EQ(1, swaps);
	EXPECT_EQ(1, flushes);
	csvx_msgs_free(&m);
}

TEST_F(set, notifications)
{
	struct csvx_sock *s = &self->s;
	struct csvx_msgs m = {};
	static const uint8_t want[] = {
		CSVX_CMD_NEW_SET, CSVX_CMD_NEW_SET_MEMBER,
		CSVX_CMD_DEL_SET_MEMBER, CSVX_CMD_DEL_SET,
	};
	size_t i;

	CSVX_OK(s, sg_set_new(s, false, "n", CSVX_SET_HASH_NET, 0, 0));
	CSVX_OK(s, sg_member(s, CSVX_CMD_NEW_SET_MEMBER, false, "n",
			     "198.51.100.0/24", NULL));
	CSVX_OK(s, sg_member(s, CSVX_CMD_DEL_SET_MEMBER, false, "n",
			     "198.51.100.0/24", NULL));
	CSVX_OK(s, sg_set_cmd(s, CSVX_CMD_DEL_SET, "n", NULL));
	ASSERT_EQ(4, csvx_recv_pending(&self->mon, &m));
	for (i = 0; i < m.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};

		EXPECT_EQ(want[i], csvx_cmd(m.v[i]));
		ASSERT_EQ(0, csvx_attrs(m.v[i], tb, CSVX_A_MAX));
		EXPECT_ATTR_STR(tb, CSVX_A_SET, "n");
		if (i == 1 || i == 2) {
			EXPECT_ATTR_IP(tb, CSVX_A_PREFIX, "198.51.100.0");
			EXPECT_ATTR_U8(tb, CSVX_A_PLEN, 24);
		}
	}
	csvx_msgs_free(&m);
}

/*
 * A 100k-member set, filled in batches; its member dump resumes across
 * many messages, each member once.
 */
TEST_F_TIMEOUT(set, member_dump_resumes, 900)
{
	struct csvx_sock *s = &self->s;
	unsigned long n = csvx_scale(100000), i;
	struct csvx_batch b;
	struct nlmsghdr *nlh;
	struct csvx_dump_ops ops = {};
	char a[32], buf[256];

	CSVX_OK(s, sg_set_new(s, false, "big", CSVX_SET_HASH_IP, 0, n));
	ASSERT_EQ(0, csvx_batch_init(&b, s, 1 << 16));
	for (i = 0; i < n; i++) {
		nlh = csvx_batch_req(&b, CSVX_CMD_NEW_SET_MEMBER, 0);
		ASSERT_NE(NULL, nlh);
		snprintf(a, sizeof(a), "10.%lu.%lu.%lu", i >> 16,
			 (i >> 8) & 255, i & 255);
		mnl_attr_put_strz(nlh, CSVX_A_SET, "big");
		csvx_put_ip(nlh, CSVX_A_PREFIX, a);
	}
	ASSERT_EQ(0, csvx_batch_flush(&b));
	EXPECT_EQ(0, b.failed) TH_LOG("first refusal: %s", b.first_msg);
	csvx_batch_free(&b);
	nlh = csvx_req(s, buf, CSVX_CMD_GET_SET_MEMBER, 0);
	mnl_attr_put_strz(nlh, CSVX_A_SET, "big");
	CSVX_OK(s, csvx_dump_ops(s, nlh, &ops));
	EXPECT_EQ(n, ops.msgs);
	EXPECT_GT(ops.datagrams, 5);
	EXPECT_EQ(0, ops.nr_intr);
}

TEST_HARNESS_MAIN
