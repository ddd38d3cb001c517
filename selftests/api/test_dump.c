// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps and batches at scale: a million FDB entries programmed with many
 * requests per sendmsg() and dumped back (every entry exactly once), dumps
 * of every kind resuming across many datagrams, filtered dumps, dumps
 * interrupted by changes flagged NLM_F_DUMP_INTR, and a batch with a
 * refused request in the middle.
 *
 * CSVX_TEST_SCALE (percent) shrinks the large FDB (default 1000000); the
 * timings go to the TAP log.
 */
#include "csvx_test.h"

FIXTURE(dump) {
	struct csvx_sock s;
	struct csvx_sock small;	/* receives 8 KiB at a time: small dump steps */
};

FIXTURE_SETUP(dump)
{
	csvx_setup(_metadata, &self->s);
	ASSERT_EQ(0, csvx_open(&self->small));
	self->small.rcvlen = CSVX_RECV_SMALL;
}

FIXTURE_TEARDOWN(dump)
{
	csvx_close(&self->small);
	csvx_close(&self->s);
}

static void make_vnis(struct __test_metadata *_metadata, struct csvx_sock *s,
		      uint32_t first, int nr)
{
	char name[16];
	int i;

	for (i = 0; i < nr; i++) {
		struct csvx_vni_cfg c = { .vni = first + i, .ifname = name };

		snprintf(name, sizeof(name), "vx%u", first + i);
		CSVX_OK(s, csvx_vni_new(s, 0, &c));
	}
}

/* ------------------------------------------------------- the big FDB */

/* Entry i: VNI 1001 + i % 4, MAC 02:10:<i>, remote 10.<i>. */
#define BIG_VNI(i)	(1001 + ((i) & 3))

static void big_remote(uint32_t i, uint8_t ip[4])
{
	ip[0] = 10;
	ip[1] = i >> 16;
	ip[2] = i >> 8;
	ip[3] = i;
}

struct big_check {
	uint8_t *seen;		/* bitmap */
	unsigned long n, count, dups, bad;
	uint32_t only_vni;	/* filtered dump: 0 for all */
	char first_bad[128];
};

static int big_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct big_check *c = arg;
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	const uint8_t *mac;
	uint8_t ip[4];
	uint32_t i;

	c->count++;
	if (csvx_attrs(nlh, tb, CSVX_A_MAX) || !tb[CSVX_A_VNI] ||
	    !tb[CSVX_A_MAC] || mnl_attr_get_payload_len(tb[CSVX_A_MAC]) != 6 ||
	    !tb[CSVX_A_REMOTE]) {
		if (!c->bad++)
			snprintf(c->first_bad, sizeof(c->first_bad),
				 "message %lu lacks VNI, MAC or REMOTE", c->count);
		return 0;
	}
	mac = mnl_attr_get_payload(tb[CSVX_A_MAC]);
	i = (uint32_t)mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5];
	big_remote(i, ip);
	if (mac[0] != 0x02 || mac[1] != 0x10 || i >= c->n ||
	    mnl_attr_get_u32(tb[CSVX_A_VNI]) != BIG_VNI(i) ||
	    (c->only_vni && c->only_vni != BIG_VNI(i)) ||
	    mnl_attr_get_payload_len(tb[CSVX_A_REMOTE]) != 4 ||
	    memcmp(mnl_attr_get_payload(tb[CSVX_A_REMOTE]), ip, 4)) {
		if (!c->bad++)
			snprintf(c->first_bad, sizeof(c->first_bad),
				 "message %lu: entry %u is not as programmed",
				 c->count, i);
		return 0;
	}
	if (c->seen[i / 8] & (1 << (i % 8)))
		c->dups++;
	c->seen[i / 8] |= 1 << (i % 8);
	return 0;
}

TEST_F_TIMEOUT(dump, fdb_scale, 3600)
{
	unsigned long n = csvx_scale(1000000), i, missing = 0, want;
	struct csvx_dump_ops ops = { .cb = big_cb };
	struct big_check chk = {};
	struct csvx_params p;
	struct csvx_batch b;
	char buf[256];
	double t0, t_insert, t_dump, t_filter;

	make_vnis(_metadata, &self->s, 1001, 4);
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	if (p.val[CSVX_PARAM_MAX_FDB] < n)
		CSVX_OK(&self->s, csvx_param_set(&self->s, CSVX_PARAM_MAX_FDB, n));

	ASSERT_EQ(0, csvx_batch_init(&b, &self->s, 1 << 17));
	t0 = csvx_now();
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_FDB, 0);
		struct csvx_mac mac = csvx_mac_idx(0x10, i);
		uint8_t ip[4];

		big_remote(i, ip);
		mnl_attr_put_u32(nlh, CSVX_A_VNI, BIG_VNI(i));
		mnl_attr_put(nlh, CSVX_A_MAC, 6, mac.a);
		mnl_attr_put(nlh, CSVX_A_REMOTE, 4, ip);
		if (b.failed)
			break;
	}
	ASSERT_EQ(0, csvx_batch_flush(&b));
	t_insert = csvx_now() - t0;
	ASSERT_EQ(0, b.failed) TH_LOG("%lu of %lu refused, first: %s (%s)",
				      b.failed, b.sent, strerror(b.first_err),
				      b.first_msg);
	EXPECT_EQ(n, b.sent);
	ksft_print_msg("fdb_scale: %lu entries inserted in %.2f s (%.0f/s), %lu sendmsg calls\n",
		       n, t_insert, n / t_insert, b.sends);
	csvx_batch_free(&b);

	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(n, p.use[CSVX_PARAM_MAX_FDB]);

	/* the whole table, every entry exactly once */
	chk.n = n;
	chk.seen = calloc(n / 8 + 1, 1);
	ASSERT_NE(NULL, chk.seen);
	ops.arg = &chk;
	t0 = csvx_now();
	CSVX_OK(&self->s, csvx_dump_ops(&self->s, csvx_req(&self->s, buf,
			CSVX_CMD_GET_FDB, 0), &ops));
	t_dump = csvx_now() - t0;
	for (i = 0; i < n; i++)
		if (!(chk.seen[i / 8] & (1 << (i % 8))))
			missing++;
	ksft_print_msg("fdb_scale: dumped %lu messages in %.2f s (%.0f/s), %u datagrams\n",
		       chk.count, t_dump, chk.count / t_dump, ops.datagrams);
	EXPECT_EQ(n, chk.count);
	EXPECT_EQ(0, chk.bad) TH_LOG("%s", chk.first_bad);
	EXPECT_EQ(0, chk.dups) TH_LOG("entries dumped twice");
	EXPECT_EQ(0, missing) TH_LOG("entries not dumped");
	EXPECT_EQ(0, ops.nr_intr) TH_LOG("NLM_F_DUMP_INTR without a change");
	EXPECT_LT(1, ops.datagrams);

	/* one VNI of the four */
	memset(chk.seen, 0, n / 8 + 1);
	chk.count = chk.bad = chk.dups = 0;
	chk.only_vni = BIG_VNI(2);
	t0 = csvx_now();
	{
		struct nlmsghdr *nlh = csvx_req(&self->s, buf, CSVX_CMD_GET_FDB, 0);

		mnl_attr_put_u32(nlh, CSVX_A_VNI, BIG_VNI(2));
		CSVX_OK(&self->s, csvx_dump_ops(&self->s, nlh, &ops));
	}
	t_filter = csvx_now() - t0;
	want = n / 4 + (n % 4 > 2);
	missing = 0;
	for (i = 2; i < n; i += 4)
		if (!(chk.seen[i / 8] & (1 << (i % 8))))
			missing++;
	ksft_print_msg("fdb_scale: filtered dump of VNI %u: %lu messages in %.2f s\n",
		       BIG_VNI(2), chk.count, t_filter);
	EXPECT_EQ(want, chk.count);
	EXPECT_EQ(0, chk.bad) TH_LOG("%s", chk.first_bad);
	EXPECT_EQ(0, chk.dups);
	EXPECT_EQ(0, missing);
	free(chk.seen);
}

/* ------------------------------------------- every kind, many datagrams */

/*
 * Dump @cmd (filtered by a u32 or string attribute if given) on the small
 * socket; check the count, that it took several datagrams, and that every
 * message's @key attribute is unique.
 */
struct uniq {
	uint16_t key;
	size_t nr, cap;
	char (*keys)[40];
	unsigned long dups;
};

static int uniq_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct uniq *u = arg;
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	char k[40] = {};
	size_t i;

	if (csvx_attrs(nlh, tb, CSVX_A_MAX))
		return -EBADMSG;
	/* the key: the named attribute, and VNI/VRF/PLEN for context */
	if (tb[u->key])
		memcpy(k, mnl_attr_get_payload(tb[u->key]),
		       mnl_attr_get_payload_len(tb[u->key]) < 16 ?
		       mnl_attr_get_payload_len(tb[u->key]) : 16);
	if (tb[CSVX_A_VNI] && u->key != CSVX_A_VNI)
		memcpy(k + 16, mnl_attr_get_payload(tb[CSVX_A_VNI]), 4);
	if (tb[CSVX_A_PLEN])
		k[20] = mnl_attr_get_u8(tb[CSVX_A_PLEN]);
	if (tb[CSVX_A_VRF] && u->key != CSVX_A_VRF)
		strncpy(k + 21, mnl_attr_get_str(tb[CSVX_A_VRF]), 18);
	for (i = 0; i < u->nr; i++)
		if (!memcmp(u->keys[i], k, sizeof(k))) {
			u->dups++;
			return 0;
		}
	if (u->nr == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 256;
		u->keys = realloc(u->keys, u->cap * sizeof(*u->keys));
		if (!u->keys)
			return -ENOMEM;
	}
	memcpy(u->keys[u->nr++], k, sizeof(k));
	return 0;
}

static void dump_unique(struct __test_metadata *_metadata, struct csvx_sock *s,
			uint8_t cmd, uint16_t key, uint16_t fu32, uint32_t vu32,
			const char *vrf, unsigned long want, const char *what)
{
	struct uniq u = { .key = key };
	struct csvx_dump_ops ops = { .cb = uniq_cb, .arg = &u };
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, cmd, 0);

	if (fu32)
		mnl_attr_put_u32(nlh, fu32, vu32);
	if (vrf)
		mnl_attr_put_strz(nlh, CSVX_A_VRF, vrf);
	CSVX_OK(s, csvx_dump_ops(s, nlh, &ops));
	EXPECT_EQ(want, ops.msgs) TH_LOG("%s", what);
	EXPECT_EQ(want, u.nr) TH_LOG("%s: distinct entries", what);
	EXPECT_EQ(0, u.dups) TH_LOG("%s: entries dumped twice", what);
	EXPECT_LT(1, ops.datagrams) TH_LOG("%s: did not resume", what);
	EXPECT_EQ(0, ops.nr_intr) TH_LOG("%s: NLM_F_DUMP_INTR", what);
	ksft_print_msg("%s: %lu entries in %u datagrams\n", what, ops.msgs,
		       ops.datagrams);
	free(u.keys);
}

static void fill_batch(struct __test_metadata *_metadata, struct csvx_batch *b)
{
	ASSERT_EQ(0, csvx_batch_flush(b));
	ASSERT_EQ(0, b->failed) TH_LOG("%lu refused, first: %s (%s)", b->failed,
				       strerror(b->first_err), b->first_msg);
}

TEST_F_TIMEOUT(dump, resume_every_kind, 900)
{
	static const char *const vrfs[] = { "red", "blue", "green" };
	struct csvx_batch b;
	char name[16];
	int i;

	ASSERT_EQ(0, csvx_batch_init(&b, &self->s, 1 << 16));
	/* 400 VRFs */
	for (i = 0; i < 400; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_VRF, 0);
		struct csvx_mac m = csvx_mac_idx(0x20, i);

		if (i < 3)
			snprintf(name, sizeof(name), "%s", vrfs[i]);
		else
			snprintf(name, sizeof(name), "vrf%d", i);
		mnl_attr_put_strz(nlh, CSVX_A_VRF, name);
		mnl_attr_put_u32(nlh, CSVX_A_VRF_ID, 1000 + i);
		mnl_attr_put_u32(nlh, CSVX_A_L3VNI, 100000 + i);
		mnl_attr_put(nlh, CSVX_A_RMAC, 6, m.a);
	}
	fill_batch(_metadata, &b);
	/* 160 VNIs, each with its device */
	for (i = 0; i < 160; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_VNI, 0);

		snprintf(name, sizeof(name), "vx%d", 200 + i);
		mnl_attr_put_u32(nlh, CSVX_A_VNI, 200 + i);
		mnl_attr_put_strz(nlh, CSVX_A_IFNAME, name);
		if (i % 2)
			mnl_attr_put_strz(nlh, CSVX_A_VRF, vrfs[i % 3]);
	}
	fill_batch(_metadata, &b);
	/* 1500 flood entries on three VNIs */
	for (i = 0; i < 1500; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_FLOOD, 0);
		uint8_t ip[16] = { 0x20, 0x01, 0x0d, 0xb8 };

		ip[14] = i >> 8;
		ip[15] = i;
		mnl_attr_put_u32(nlh, CSVX_A_VNI, 200 + i % 3);
		mnl_attr_put(nlh, CSVX_A_REMOTE, 16, ip);
	}
	fill_batch(_metadata, &b);
	/* 6000 FDB entries on three VNIs */
	for (i = 0; i < 6000; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_FDB, 0);
		struct csvx_mac m = csvx_mac_idx(0x30, i);

		mnl_attr_put_u32(nlh, CSVX_A_VNI, 200 + i % 3);
		mnl_attr_put(nlh, CSVX_A_MAC, 6, m.a);
		csvx_put_ip(nlh, CSVX_A_REMOTE, "198.51.100.1");
	}
	fill_batch(_metadata, &b);
	/* 6000 routes, IPv4 and IPv6, in three VRFs */
	for (i = 0; i < 6000; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_ROUTE, 0);
		uint8_t p4[4] = { 10, i >> 8, i & 0xff, 0 };
		uint8_t p6[16] = { 0xfd, 0, i >> 8, i & 0xff };

		mnl_attr_put_strz(nlh, CSVX_A_VRF, vrfs[i % 3]);
		if (i % 2) {
			mnl_attr_put(nlh, CSVX_A_PREFIX, 16, p6);
			mnl_attr_put_u8(nlh, CSVX_A_PLEN, 32);
		} else {
			mnl_attr_put(nlh, CSVX_A_PREFIX, 4, p4);
			mnl_attr_put_u8(nlh, CSVX_A_PLEN, 24);
		}
		csvx_put_ip(nlh, CSVX_A_REMOTE, "198.51.100.1");
		csvx_put_mac(nlh, CSVX_A_RMAC, "02:00:00:00:99:99");
	}
	fill_batch(_metadata, &b);
	csvx_batch_free(&b);

	dump_unique(_metadata, &self->small, CSVX_CMD_GET_VRF, CSVX_A_VRF,
		    0, 0, NULL, 400, "VRF dump");
	dump_unique(_metadata, &self->small, CSVX_CMD_GET_VNI, CSVX_A_VNI,
		    0, 0, NULL, 160, "VNI dump");
	dump_unique(_metadata, &self->small, CSVX_CMD_GET_STATS, CSVX_A_VNI,
		    0, 0, NULL, 160, "stats dump");
	dump_unique(_metadata, &self->small, CSVX_CMD_GET_FLOOD, CSVX_A_REMOTE,
		    0, 0, NULL, 1500, "flood dump");
	dump_unique(_metadata, &self->small, CSVX_CMD_GET_FLOOD, CSVX_A_REMOTE,
		    CSVX_A_VNI, 201, NULL, 500, "flood dump of VNI 201");
	dump_unique(_metadata, &self->small, CSVX_CMD_GET_FDB, CSVX_A_MAC,
		    0, 0, NULL, 6000, "FDB dump");
	dump_unique(_metadata, &self->small, CSVX_CMD_GET_FDB, CSVX_A_MAC,
		    CSVX_A_VNI, 202, NULL, 2000, "FDB dump of VNI 202");
	dump_unique(_metadata, &self->small, CSVX_CMD_GET_ROUTE, CSVX_A_PREFIX,
		    0, 0, NULL, 6000, "route dump");
	dump_unique(_metadata, &self->small, CSVX_CMD_GET_ROUTE, CSVX_A_PREFIX,
		    0, 0, "blue", 2000, "route dump of VRF blue");
}

/* ------------------------------------------------------ NLM_F_DUMP_INTR */

struct mutator {
	struct csvx_sock *s;
	int step, first;
	int (*change)(struct csvx_sock *s, int step);
	int errors;
};

static void mutate_between(void *arg)
{
	struct mutator *m = arg;

	if (m->change(m->s, m->step++))
		m->errors++;
}

static int intr_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return 0;
}

static int add_fdb(struct csvx_sock *s, int step)
{
	struct csvx_fdb_cfg c = { .vni = 100, .remote = "198.51.100.2" };
	char mac[32];

	snprintf(mac, sizeof(mac), "02:00:00:ff:%02x:%02x", step >> 8, step & 0xff);
	c.mac = mac;
	return csvx_fdb_new(s, 0, &c);
}

static int del_route(struct csvx_sock *s, int step)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "10.%d.%d.0/24", step >> 8, step & 0xff);
	return csvx_route_del(s, "red", prefix);
}

/* The dump on the small socket, @m changing the table between datagrams. */
static void intr_dump(struct __test_metadata *_metadata,
		      FIXTURE_DATA(dump) *self, uint8_t cmd,
		      struct mutator *m, const char *what)
{
	struct csvx_dump_ops ops = { .cb = intr_cb, .arg = m };
	char buf[256];
	int ret;

	/* without changes: not flagged */
	ret = csvx_dump_ops(&self->small, csvx_req(&self->small, buf, cmd, 0),
			    &ops);
	ASSERT_EQ(0, ret);
	ASSERT_LT(3, ops.datagrams) TH_LOG("%s: too few datagrams", what);
	EXPECT_EQ(0, ops.nr_intr) TH_LOG("%s: flagged without a change", what);

	/* a change after every datagram: flagged */
	ops.between = mutate_between;
	ret = csvx_dump_ops(&self->small, csvx_req(&self->small, buf, cmd, 0),
			    &ops);
	EXPECT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	EXPECT_EQ(0, m->errors) TH_LOG("%s: changes refused", what);
	EXPECT_LT(m->first, m->step);
	EXPECT_LT(0, ops.nr_intr) TH_LOG("%s: %d changes during the dump, no NLM_F_DUMP_INTR",
					 what, m->step - m->first);
	ksft_print_msg("%s: %u datagrams, %d changes, %u flagged NLM_F_DUMP_INTR\n",
		       what, ops.datagrams, m->step - m->first, ops.nr_intr);

	/* and a dump after it is clean again */
	ops.between = NULL;
	ret = csvx_dump_ops(&self->small, csvx_req(&self->small, buf, cmd, 0),
			    &ops);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, ops.nr_intr) TH_LOG("%s: flagged after the changes", what);
}

TEST_F(dump, interrupted_fdb)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100" };
	struct mutator m = { .s = &self->s, .change = add_fdb };
	struct csvx_batch b;
	int i;

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	ASSERT_EQ(0, csvx_batch_init(&b, &self->s, 1 << 16));
	for (i = 0; i < 3000; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_FDB, 0);
		struct csvx_mac mac = csvx_mac_idx(0x50, i);

		mnl_attr_put_u32(nlh, CSVX_A_VNI, 100);
		mnl_attr_put(nlh, CSVX_A_MAC, 6, mac.a);
		csvx_put_ip(nlh, CSVX_A_REMOTE, "198.51.100.1");
	}
	fill_batch(_metadata, &b);
	csvx_batch_free(&b);
	intr_dump(_metadata, self, CSVX_CMD_GET_FDB, &m, "FDB dump");
}

TEST_F(dump, interrupted_route)
{
	struct mutator m = { .s = &self->s, .change = del_route };
	struct csvx_batch b;
	int i;

	CSVX_OK(&self->s, csvx_vrf_new(&self->s, 0, "red", 10, 5010,
				       "02:00:00:00:10:10"));
	ASSERT_EQ(0, csvx_batch_init(&b, &self->s, 1 << 16));
	for (i = 0; i < 3000; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_ROUTE, 0);
		uint8_t p[4] = { 10, i >> 8, i & 0xff, 0 };

		mnl_attr_put_strz(nlh, CSVX_A_VRF, "red");
		mnl_attr_put(nlh, CSVX_A_PREFIX, 4, p);
		mnl_attr_put_u8(nlh, CSVX_A_PLEN, 24);
		csvx_put_ip(nlh, CSVX_A_REMOTE, "198.51.100.1");
		csvx_put_mac(nlh, CSVX_A_RMAC, "02:00:00:00:99:99");
	}
	fill_batch(_metadata, &b);
	csvx_batch_free(&b);
	/* deletions of routes the dump has not reached yet */
	m.step = m.first = 1500;
	intr_dump(_metadata, self, CSVX_CMD_GET_ROUTE, &m, "route dump");
}

/* ------------------------------------------------------------- batches */

/* A refused request in a batch is refused alone; the others are applied. */
TEST_F(dump, batch_with_a_refusal)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100" };
	struct csvx_batch b;
	int i;

	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &v));
	ASSERT_EQ(0, csvx_batch_init(&b, &self->s, 1 << 16));
	for (i = 0; i < 100; i++) {
		struct nlmsghdr *nlh = csvx_batch_req(&b, CSVX_CMD_NEW_FDB, 0);
		struct csvx_mac mac = csvx_mac_idx(0x60, i);

		mnl_attr_put_u32(nlh, CSVX_A_VNI, i == 50 ? 999 : 100);
		mnl_attr_put(nlh, CSVX_A_MAC, 6, mac.a);
		csvx_put_ip(nlh, CSVX_A_REMOTE, "198.51.100.1");
	}
	ASSERT_EQ(0, csvx_batch_flush(&b));
	EXPECT_EQ(1, b.sends);
	EXPECT_EQ(100, b.sent);
	EXPECT_EQ(1, b.failed);
	EXPECT_EQ(ENOENT, b.first_err);
	EXPECT_NE(0, b.first_msg[0]) TH_LOG("no extack message in the batch");
	EXPECT_EQ(99, csvx_count(&self->s, CSVX_CMD_GET_FDB, 0, 0, 0, NULL));
	csvx_batch_free(&b);
}

/* Dumps of empty tables: no message, a clean NLMSG_DONE. */
TEST_F(dump, empty)
{
	static const uint8_t cmds[] = { CSVX_CMD_GET_VRF, CSVX_CMD_GET_VNI,
		CSVX_CMD_GET_FLOOD, CSVX_CMD_GET_FDB, CSVX_CMD_GET_ROUTE,
		CSVX_CMD_GET_STATS };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(0, csvx_count(&self->s, cmds[i], 0, 0, 0, NULL))
			TH_LOG("command %u: %s", cmds[i], self->s.msg);
	}
}

TEST_HARNESS_MAIN
