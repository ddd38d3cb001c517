// SPDX-License-Identifier: GPL-2.0
/*
 * NEW_FDB / DEL_FDB / GET_FDB / FLUSH_FDB: remote MACs with their IPs and
 * EVPN MAC mobility (a lower sequence number is refused unless
 * CSVX_REPLACE, an equal one is EEXIST, a higher one moves the MAC, a
 * sticky MAC never moves: EPERM), filtered dumps and flushing by VNI.
 */
#include "csvx_test.h"

FIXTURE(fdb) {
	struct csvx_sock s;
	struct csvx_snap snap;
};

FIXTURE_SETUP(fdb)
{
	struct csvx_vni_cfg a = { .vni = 100, .ifname = "vx100" };
	struct csvx_vni_cfg b = { .vni = 200, .ifname = "vx200" };

	csvx_setup(_metadata, &self->s);
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &a));
	CSVX_OK(&self->s, csvx_vni_new(&self->s, 0, &b));
}

FIXTURE_TEARDOWN(fdb)
{
	csvx_snap_free(&self->snap);
	csvx_close(&self->s);
}

#define MAC1 "02:00:00:00:00:01"
#define MAC2 "02:00:00:00:00:02"
#define A "198.51.100.1"
#define B "198.51.100.2"
#define C "2001:db8::3"

/*
 * GET_FDB and compare with what was programmed: remote (NULL: none), seq,
 * flags, and exactly the IPs in @ips (NULL-terminated).
 */
static void expect_fdb(struct __test_metadata *_metadata, struct csvx_sock *s,
		       uint32_t vni, const char *mac, const char *remote,
		       uint32_t seq, uint32_t flags, const char *const *ips)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply = {};
	const struct nlattr *a;
	bool seen[CSVX_FDB_MAX_IPS + 2] = {};
	int nr = 0, got = 0, i;

	CSVX_OK(s, csvx_fdb_get(s, vni, mac, &reply));
	ASSERT_EQ(1, reply.nr);
	ASSERT_EQ(0, csvx_attrs(reply.v[0], tb, CSVX_A_MAX));
	EXPECT_ATTR_U32(tb, CSVX_A_VNI, vni);
	EXPECT_ATTR_MAC(tb, CSVX_A_MAC, mac);
	if (remote)
		EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, remote);
	else
		CSVX_CHECK(!tb[CSVX_A_REMOTE], "%s: a local MAC with a REMOTE", mac);
	/* a zero seq / no flags may be left out */
	if (seq || tb[CSVX_A_SEQ])
		EXPECT_ATTR_U32(tb, CSVX_A_SEQ, seq);
	if (flags || tb[CSVX_A_FLAGS])
		EXPECT_ATTR_U32(tb, CSVX_A_FLAGS, flags);

	while (ips && ips[nr])
		nr++;
	if (!nr) {
		CSVX_CHECK(!tb[CSVX_A_IPS] || !mnl_attr_get_payload_len(tb[CSVX_A_IPS]),
			   "%s: IPs in the reply", mac);
		goto out;
	}
	CSVX_CHECK(tb[CSVX_A_IPS], "%s: no IPS", mac);
	if (!tb[CSVX_A_IPS])
		goto out;
	mnl_attr_for_each_nested(a, tb[CSVX_A_IPS]) {
		bool found = false;

		got++;
		CSVX_CHECK(mnl_attr_get_type(a) == CSVX_IPS_A_ADDR,
			   "IPS: attribute %u", mnl_attr_get_type(a));
		for (i = 0; i < nr; i++)
			if (csvx_attr_is_ip(a, ips[i])) {
				CSVX_CHECK(!seen[i], "IP %s twice", ips[i]);
				seen[i] = found = true;
			}
		CSVX_CHECK(found, "IPS entry %d not programmed", got);
	}
	EXPECT_EQ(nr, got);
	for (i = 0; i < nr; i++)
		CSVX_CHECK(seen[i], "IP %s missing", ips[i]);
out:
	csvx_msgs_free(&reply);
}

static int fdb(struct csvx_sock *s, uint16_t nlflags, uint32_t vni,
	       const char *mac, const char *remote, uint32_t seq, uint32_t flags)
{
	struct csvx_fdb_cfg c = { .vni = vni, .mac = mac, .remote = remote,
				  .has_seq = true, .seq = seq,
				  .has_flags = !!flags, .flags = flags };

	return csvx_fdb_new(s, nlflags, &c);
}

TEST_F(fdb, add_get)
{
	struct csvx_fdb_cfg c = { .vni = 100, .mac = MAC1, .remote = A,
				  .ips = { "10.0.0.1", "2001:db8:100::1" },
				  .has_seq = true, .seq = 7 };
	struct csvx_fdb_cfg v6 = { .vni = 200, .mac = MAC1, .remote = C };

	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &c));
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &v6));
	expect_fdb(_metadata, &self->s, 100, MAC1, A, 7, 0, c.ips);
	/* the same MAC in another VNI is another entry */
	expect_fdb(_metadata, &self->s, 200, MAC1, C, 0, 0, NULL);
}

TEST_F(fdb, local_mac)
{
	struct csvx_fdb_cfg c = { .vni = 100, .mac = MAC1,
				  .ips = { "10.0.0.1" } };

	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &c));
	expect_fdb(_metadata, &self->s, 100, MAC1, NULL, 0, 0, c.ips);
}

TEST_F(fdb, max_ips)
{
	struct csvx_fdb_cfg c = { .vni = 100, .mac = MAC1, .remote = A,
		.ips = { "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4",
			 "2001:db8::1", "2001:db8::2", "2001:db8::3",
			 "2001:db8::4" } };

	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &c));
	expect_fdb(_metadata, &self->s, 100, MAC1, A, 0, 0, c.ips);
}

TEST_F(fdb, mobility)
{
	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC1, A, 5, 0));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);

	/* equal seq: EEXIST, whatever the remote */
	CSVX_REFUSED(&self->s, EEXIST, fdb(&self->s, 0, 100, MAC1, B, 5, 0));
	CSVX_REFUSED(&self->s, EEXIST, fdb(&self->s, 0, 100, MAC1, A, 5, 0));
	/* lower seq: refused without CSVX_REPLACE */
	CSVX_REFUSED(&self->s, ESTALE, fdb(&self->s, 0, 100, MAC1, B, 4, 0));
	CSVX_REFUSED(&self->s, ESTALE, fdb(&self->s, 0, 100, MAC1, B, 0, 0));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "stale moves");
	expect_fdb(_metadata, &self->s, 100, MAC1, A, 5, 0, NULL);

	/* higher seq: the MAC moves */
	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC1, B, 6, 0));
	expect_fdb(_metadata, &self->s, 100, MAC1, B, 6, 0, NULL);
	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC1, C, 0xffffffffU, 0));
	expect_fdb(_metadata, &self->s, 100, MAC1, C, 0xffffffffU, 0, NULL);

	/* CSVX_REPLACE writes whatever the seq */
	CSVX_OK(&self->s, fdb(&self->s, CSVX_REPLACE, 100, MAC1, A, 2, 0));
	expect_fdb(_metadata, &self->s, 100, MAC1, A, 2, 0, NULL);
	CSVX_OK(&self->s, fdb(&self->s, CSVX_REPLACE, 100, MAC1, B, 2, 0));
	expect_fdb(_metadata, &self->s, 100, MAC1, B, 2, 0, NULL);

	/* still one entry */
	EXPECT_EQ(1, csvx_count(&self->s, CSVX_CMD_GET_FDB, 0, 0, 0, NULL));
}

TEST_F(fdb, sticky)
{
	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC1, A, 1, CSVX_F_STICKY));
	expect_fdb(_metadata, &self->s, 100, MAC1, A, 1, CSVX_F_STICKY, NULL);
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, EPERM, fdb(&self->s, 0, 100, MAC1, B, 10, 0));
	CSVX_REFUSED(&self->s, EPERM, fdb(&self->s, 0, 100, MAC1, B, 10,
					  CSVX_F_STICKY));
	CSVX_REFUSED(&self->s, EPERM, fdb(&self->s, CSVX_REPLACE, 100, MAC1,
					  B, 10, CSVX_F_STICKY));
	CSVX_REFUSED(&self->s, EPERM, fdb(&self->s, CSVX_REPLACE, 100, MAC1,
					  B, 0, 0));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "sticky moves");
	/* a higher seq at the same remote is no move */
	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC1, A, 10, CSVX_F_STICKY));
	expect_fdb(_metadata, &self->s, 100, MAC1, A, 10, CSVX_F_STICKY, NULL);
	/* and it can be deleted */
	CSVX_OK(&self->s, csvx_fdb_del(&self->s, 100, MAC1));
}

TEST_F(fdb, del)
{
	struct csvx_msgs reply = {};

	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC1, A, 0, 0));
	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC2, A, 0, 0));
	CSVX_OK(&self->s, csvx_fdb_del(&self->s, 100, MAC1));
	CSVX_REFUSED(&self->s, ENOENT, csvx_fdb_get(&self->s, 100, MAC1, &reply));
	EXPECT_EQ(0, reply.nr);
	expect_fdb(_metadata, &self->s, 100, MAC2, A, 0, 0, NULL);
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, ENOENT, csvx_fdb_del(&self->s, 100, MAC1));
	CSVX_REFUSED(&self->s, ENOENT, csvx_fdb_del(&self->s, 200, MAC2));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "after ENOENT");
	/* and it comes back, with any seq */
	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC1, B, 0, 0));
	csvx_msgs_free(&reply);
}

TEST_F(fdb, missing_vni)
{
	struct csvx_msgs reply = {};

	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, ENOENT, fdb(&self->s, 0, 999, MAC1, A, 0, 0));
	CSVX_REFUSED(&self->s, ENOENT, fdb(&self->s, CSVX_REPLACE, 999, MAC1,
					   A, 0, 0));
	CSVX_REFUSED(&self->s, ENOENT, csvx_fdb_del(&self->s, 999, MAC1));
	CSVX_REFUSED(&self->s, ENOENT, csvx_fdb_get(&self->s, 999, MAC1, &reply));
	CSVX_REFUSED(&self->s, ENOENT, csvx_fdb_flush(&self->s, 999));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "VNI missing");
	csvx_msgs_free(&reply);
}

/* An IP belongs to one MAC of a VNI. */
TEST_F(fdb, ip_conflict)
{
	struct csvx_fdb_cfg one = { .vni = 100, .mac = MAC1, .remote = A,
				    .ips = { "10.0.0.5", "2001:db8::5" } };
	struct csvx_fdb_cfg two = { .vni = 100, .mac = MAC2, .remote = B,
				    .ips = { "10.0.0.6", "2001:db8::5" } };

	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &one));
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
	CSVX_REFUSED(&self->s, EEXIST, csvx_fdb_new(&self->s, 0, &two));
	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "IP conflict");
	/* in another VNI it is another IP */
	two.vni = 200;
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &two));
	/* the owner may keep it when it moves */
	one.has_seq = true;
	one.seq = 3;
	one.remote = B;
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &one));
	/* and once the owner lets it go, it is free */
	one.ips[1] = NULL;
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, CSVX_REPLACE, &one));
	expect_fdb(_metadata, &self->s, 100, MAC1, B, 3, 0, one.ips);
	two.vni = 100;
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &two));
	expect_fdb(_metadata, &self->s, 100, MAC2, B, 0, 0, two.ips);
}

TEST_F(fdb, replace_ips)
{
	struct csvx_fdb_cfg c = { .vni = 100, .mac = MAC1, .remote = A,
				  .ips = { "10.0.0.1", "10.0.0.2" } };
	struct csvx_fdb_cfg d = { .vni = 100, .mac = MAC1, .remote = A,
				  .ips = { "10.0.0.3" } };

	CSVX_OK(&self->s, csvx_fdb_new(&self->s, 0, &c));
	CSVX_OK(&self->s, csvx_fdb_new(&self->s, CSVX_REPLACE, &d));
	expect_fdb(_metadata, &self->s, 100, MAC1, A, 0, 0, d.ips);
}

static long count_vni(struct csvx_sock *s, uint32_t vni)
{
	return csvx_count(s, CSVX_CMD_GET_FDB, vni ? CSVX_A_VNI : 0, vni, 0,
			  NULL);
}

TEST_F(fdb, dump_filter)
{
	struct csvx_msgs out = {};
	char buf[256], mac[32];
	struct nlmsghdr *nlh;
	bool seen[5] = {};
	size_t i;
	int j;

	for (j = 0; j < 5; j++) {
		snprintf(mac, sizeof(mac), "02:00:00:00:01:%02x", j);
		CSVX_OK(&self->s, fdb(&self->s, 0, 100, mac, A, j, 0));
	}
	for (j = 0; j < 3; j++) {
		snprintf(mac, sizeof(mac), "02:00:00:00:02:%02x", j);
		CSVX_OK(&self->s, fdb(&self->s, 0, 200, mac, B, 0, 0));
	}
	EXPECT_EQ(8, count_vni(&self->s, 0));
	EXPECT_EQ(3, count_vni(&self->s, 200));

	nlh = csvx_req(&self->s, buf, CSVX_CMD_GET_FDB, 0);
	mnl_attr_put_u32(nlh, CSVX_A_VNI, 100);
	CSVX_OK(&self->s, csvx_dump(&self->s, nlh, &out));
	EXPECT_EQ(5, out.nr);
	for (i = 0; i < out.nr; i++) {
		const struct nlattr *tb[CSVX_A_MAX + 1] = {};
		const uint8_t *m;

		ASSERT_EQ(0, csvx_attrs(out.v[i], tb, CSVX_A_MAX));
		EXPECT_ATTR_U32(tb, CSVX_A_VNI, 100);
		EXPECT_ATTR_IP(tb, CSVX_A_REMOTE, A);
		ASSERT_NE(NULL, tb[CSVX_A_MAC]);
		ASSERT_EQ(6, mnl_attr_get_payload_len(tb[CSVX_A_MAC]));
		m = mnl_attr_get_payload(tb[CSVX_A_MAC]);
		ASSERT_EQ(1, m[4]);
		ASSERT_GT(5, m[5]);
		CSVX_CHECK(!seen[m[5]], "MAC %d twice", m[5]);
		seen[m[5]] = true;
		if (m[5])
			EXPECT_ATTR_U32(tb, CSVX_A_SEQ, m[5]);
	}
	csvx_msgs_free(&out);
}

TEST_F(fdb, flush)
{
	struct csvx_params p;
	char mac[32];
	int j;

	for (j = 0; j < 4; j++) {
		snprintf(mac, sizeof(mac), "02:00:00:00:01:%02x", j);
		CSVX_OK(&self->s, fdb(&self->s, 0, 100, mac, A, 0,
				      j ? 0 : CSVX_F_STICKY));
		CSVX_OK(&self->s, fdb(&self->s, 0, 200, mac, B, 0, 0));
	}
	CSVX_OK(&self->s, csvx_fdb_flush(&self->s, 100));
	EXPECT_EQ(0, count_vni(&self->s, 100)) TH_LOG("sticky ones too");
	EXPECT_EQ(4, count_vni(&self->s, 200));
	CSVX_OK(&self->s, csvx_params_get(&self->s, &p));
	EXPECT_EQ(4, p.use[CSVX_PARAM_MAX_FDB]);
	/* an empty VNI flushes fine */
	CSVX_OK(&self->s, csvx_fdb_flush(&self->s, 100));
	/* the VNI itself stays */
	CSVX_OK(&self->s, fdb(&self->s, 0, 100, MAC1, A, 0, 0));
}

/*
 * CSVX_A_ENTRIES: many entries per request, applied in order up to the
 * first refused one, which the extack points into.
 */
struct bulk {
	char *buf;
	struct nlmsghdr *nlh;
	struct nlattr *entries;
	uint32_t off[CSVX_BULK_MAX + 2];	/* of each entry's nest */
	unsigned int n;
};

static void bulk_start(struct csvx_sock *s, struct bulk *b, uint8_t cmd)
{
	b->buf = calloc(1, 128 * 1024);
	b->nlh = csvx_req(s, b->buf, cmd, 0);
	b->entries = mnl_attr_nest_start(b->nlh, CSVX_A_ENTRIES);
	b->n = 0;
}

/* One entry: VNI and MAC, a remote unless NULL (del: key only). */
static void bulk_add(struct bulk *b, uint32_t vni, struct csvx_mac mac,
		     const char *remote)
{
	struct nlattr *e;

	b->off[b->n++] = csvx_off(b->nlh);
	e = mnl_attr_nest_start(b->nlh, b->n);
	mnl_attr_put_u32(b->nlh, CSVX_A_VNI, vni);
	mnl_attr_put(b->nlh, CSVX_A_MAC, 6, mac.a);
	if (remote)
		csvx_put_ip(b->nlh, CSVX_A_REMOTE, remote);
	mnl_attr_nest_end(b->nlh, e);
}

static int bulk_do(struct csvx_sock *s, struct bulk *b)
{
	int ret;

	mnl_attr_nest_end(b->nlh, b->entries);
	ret = csvx_do(s, b->nlh, NULL);
	free(b->buf);
	return ret;
}

/* The entry of @b that the last refusal's NLMSGERR_ATTR_OFFS is in, or -1. */
static int bulk_refused_at(struct csvx_sock *s, struct bulk *b, uint32_t end)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		uint32_t next = i + 1 < b->n ? b->off[i + 1] : end;

		if (s->offs >= b->off[i] && s->offs < next)
			return (int)i;
	}
	return -1;
}

static bool have(struct csvx_sock *s, uint32_t vni, struct csvx_mac mac)
{
	char buf[256];
	struct nlmsghdr *nlh = csvx_req(s, buf, CSVX_CMD_GET_FDB, 0);
	struct csvx_msgs reply = {};
	int ret;

	mnl_attr_put_u32(nlh, CSVX_A_VNI, vni);
	mnl_attr_put(nlh, CSVX_A_MAC, 6, mac.a);
	ret = csvx_do(s, nlh, &reply);
	csvx_msgs_free(&reply);
	return ret == 0;
}

TEST_F(fdb, bulk_add_del)
{
	struct csvx_sock mon = {};
	struct csvx_msgs note = {};
	struct bulk b;
	unsigned int i;

	csvx_setup_monitor(_metadata, &mon);
	bulk_start(&self->s, &b, CSVX_CMD_NEW_FDB);
	for (i = 0; i < CSVX_BULK_MAX; i++)
		bulk_add(&b, i % 2 ? 200 : 100, csvx_mac_idx(1, i), i % 3 ? A : C);
	CSVX_OK(&self->s, bulk_do(&self->s, &b));
	EXPECT_EQ(CSVX_BULK_MAX / 2, count_vni(&self->s, 100));
	EXPECT_EQ(CSVX_BULK_MAX / 2, count_vni(&self->s, 200));
	/* announced one by one, as if requested alone */
	ASSERT_LE(0, csvx_recv_pending(&mon, &note));
	EXPECT_EQ(CSVX_BULK_MAX, note.nr);
	for (i = 0; i < note.nr; i++)
		EXPECT_EQ(CSVX_CMD_NEW_FDB, csvx_cmd(note.v[i]));
	csvx_msgs_free(&note);

	bulk_start(&self->s, &b, CSVX_CMD_DEL_FDB);
	for (i = 0; i < CSVX_BULK_MAX; i += 2)
		bulk_add(&b, 100, csvx_mac_idx(1, i), NULL);
	CSVX_OK(&self->s, bulk_do(&self->s, &b));
	EXPECT_EQ(0, count_vni(&self->s, 100));
	EXPECT_EQ(CSVX_BULK_MAX / 2, count_vni(&self->s, 200));
	ASSERT_LE(0, csvx_recv_pending(&mon, &note));
	EXPECT_EQ(CSVX_BULK_MAX / 2, note.nr);
	csvx_msgs_free(&note);
	csvx_close(&mon);
}

/* The first refused entry ends the request; the extack points into it. */
TEST_F(fdb, bulk_stops_at_first_refusal)
{
	struct bulk b;
	uint32_t end;
	int ret;

	bulk_start(&self->s, &b, CSVX_CMD_NEW_FDB);
	bulk_add(&b, 100, csvx_mac_idx(2, 0), A);
	bulk_add(&b, 200, csvx_mac_idx(2, 1), B);
	bulk_add(&b, 999, csvx_mac_idx(2, 2), A);	/* no such VNI */
	bulk_add(&b, 100, csvx_mac_idx(2, 3), A);
	end = csvx_off(b.nlh);
	ret = bulk_do(&self->s, &b);
	EXPECT_EQ(-ENOENT, ret);
	EXPECT_NE(0, self->s.msg[0]) TH_LOG("no extack message");
	EXPECT_EQ(2, bulk_refused_at(&self->s, &b, end))
		TH_LOG("extack offset %lld", (long long)self->s.offs);
	EXPECT_TRUE(have(&self->s, 100, csvx_mac_idx(2, 0)));
	EXPECT_TRUE(have(&self->s, 200, csvx_mac_idx(2, 1)));
	EXPECT_FALSE(have(&self->s, 999, csvx_mac_idx(2, 2)));
	EXPECT_FALSE(have(&self->s, 100, csvx_mac_idx(2, 3)));

	/* the same for deletions: the missing one stops the rest */
	bulk_start(&self->s, &b, CSVX_CMD_DEL_FDB);
	bulk_add(&b, 100, csvx_mac_idx(2, 0), NULL);
	bulk_add(&b, 100, csvx_mac_idx(2, 3), NULL);	/* absent */
	bulk_add(&b, 200, csvx_mac_idx(2, 1), NULL);
	end = csvx_off(b.nlh);
	EXPECT_EQ(-ENOENT, bulk_do(&self->s, &b));
	EXPECT_EQ(1, bulk_refused_at(&self->s, &b, end));
	EXPECT_FALSE(have(&self->s, 100, csvx_mac_idx(2, 0)));
	EXPECT_TRUE(have(&self->s, 200, csvx_mac_idx(2, 1)));
}

/* Refused as a whole, nothing applied: too many entries, a bad one, both forms. */
TEST_F(fdb, bulk_malformed)
{
	struct nlattr *e;
	struct bulk b;
	unsigned int i;

	csvx_take_snapshot(_metadata, &self->s, &self->snap);

	bulk_start(&self->s, &b, CSVX_CMD_NEW_FDB);
	for (i = 0; i < CSVX_BULK_MAX + 1; i++)
		bulk_add(&b, 100, csvx_mac_idx(3, i), A);
	EXPECT_EQ(-E2BIG, bulk_do(&self->s, &b));
	EXPECT_NE(0, self->s.msg[0]);

	/* an attribute NEW_FDB does not take, inside the second entry */
	bulk_start(&self->s, &b, CSVX_CMD_NEW_FDB);
	bulk_add(&b, 100, csvx_mac_idx(3, 0), A);
	e = mnl_attr_nest_start(b.nlh, 2);
	mnl_attr_put_u32(b.nlh, CSVX_A_VNI, 100);
	csvx_put_mac(b.nlh, CSVX_A_MAC, MAC1);
	mnl_attr_put_strz(b.nlh, CSVX_A_VRF, "red");
	mnl_attr_nest_end(b.nlh, e);
	EXPECT_EQ(-EINVAL, bulk_do(&self->s, &b));
	EXPECT_NE(0, self->s.msg[0]);

	/* a key that is not unicast */
	bulk_start(&self->s, &b, CSVX_CMD_NEW_FDB);
	bulk_add(&b, 100, csvx_mac("01:00:5e:00:00:01"), A);
	EXPECT_EQ(-EINVAL, bulk_do(&self->s, &b));
	EXPECT_NE(0, self->s.msg[0]);

	/* entries and a top-level key together */
	bulk_start(&self->s, &b, CSVX_CMD_NEW_FDB);
	bulk_add(&b, 100, csvx_mac_idx(3, 0), A);
	mnl_attr_nest_end(b.nlh, b.entries);
	mnl_attr_put_u32(b.nlh, CSVX_A_VNI, 100);
	b.entries = mnl_attr_nest_start(b.nlh, CSVX_A_ENTRIES);
	EXPECT_EQ(-EINVAL, bulk_do(&self->s, &b));
	EXPECT_NE(0, self->s.msg[0]);

	csvx_expect_unchanged(_metadata, &self->s, &self->snap, "bulk refused");
}

TEST_HARNESS_MAIN
