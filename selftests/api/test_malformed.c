// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed input, for every command (one variant each, dumps included).
 *
 * Every variant starts from the standard state (csvx_test.h) and a valid
 * request of its command (csvx_cases[]), then breaks it one way at a time:
 * a required attribute left out, an attribute of the wrong type or length,
 * an out-of-range or otherwise invalid value, an unknown attribute type,
 * an attribute of the family that the command does not take, and bytes
 * that are no attribute at all.  Each must be refused with an errno of the
 * malformed class, an extack message and, where one attribute is at fault,
 * NLMSGERR_ATTR_OFFS pointing into it; the state (a full snapshot) must not
 * change and no notification may go out.  Last, the unbroken request must
 * succeed, which shows the refusals came from what was broken.  Every
 * failed check is logged with the command and what was broken.
 */
#include <stdarg.h>

#include "csvx_test.h"

FIXTURE(malformed) {
	struct csvx_sock s, mon;
	struct csvx_snap snap;
	const struct csvx_case *c;
};

FIXTURE_VARIANT(malformed) {
	const char *name;	/* of csvx_cases[] */
};

FIXTURE_VARIANT_ADD(malformed, get_params) { .name = "GET_PARAMS" };
FIXTURE_VARIANT_ADD(malformed, set_params) { .name = "SET_PARAMS" };
FIXTURE_VARIANT_ADD(malformed, new_vrf) { .name = "NEW_VRF" };
FIXTURE_VARIANT_ADD(malformed, del_vrf) { .name = "DEL_VRF" };
FIXTURE_VARIANT_ADD(malformed, get_vrf) { .name = "GET_VRF" };
FIXTURE_VARIANT_ADD(malformed, get_vrf_dump) { .name = "GET_VRF dump" };
FIXTURE_VARIANT_ADD(malformed, new_vni) { .name = "NEW_VNI" };
FIXTURE_VARIANT_ADD(malformed, del_vni) { .name = "DEL_VNI" };
FIXTURE_VARIANT_ADD(malformed, get_vni) { .name = "GET_VNI" };
FIXTURE_VARIANT_ADD(malformed, get_vni_dump) { .name = "GET_VNI dump" };
FIXTURE_VARIANT_ADD(malformed, new_flood) { .name = "NEW_FLOOD" };
FIXTURE_VARIANT_ADD(malformed, del_flood) { .name = "DEL_FLOOD" };
FIXTURE_VARIANT_ADD(malformed, get_flood_dump) { .name = "GET_FLOOD dump" };
FIXTURE_VARIANT_ADD(malformed, new_fdb) { .name = "NEW_FDB" };
FIXTURE_VARIANT_ADD(malformed, del_fdb) { .name = "DEL_FDB" };
FIXTURE_VARIANT_ADD(malformed, get_fdb) { .name = "GET_FDB" };
FIXTURE_VARIANT_ADD(malformed, get_fdb_dump) { .name = "GET_FDB dump" };
FIXTURE_VARIANT_ADD(malformed, flush_fdb) { .name = "FLUSH_FDB" };
FIXTURE_VARIANT_ADD(malformed, new_route) { .name = "NEW_ROUTE" };
FIXTURE_VARIANT_ADD(malformed, del_route) { .name = "DEL_ROUTE" };
FIXTURE_VARIANT_ADD(malformed, get_route) { .name = "GET_ROUTE" };
FIXTURE_VARIANT_ADD(malformed, get_route_dump) { .name = "GET_ROUTE dump" };
FIXTURE_VARIANT_ADD(malformed, flush_route) { .name = "FLUSH_ROUTE" };
FIXTURE_VARIANT_ADD(malformed, get_stats) { .name = "GET_STATS" };
FIXTURE_VARIANT_ADD(malformed, get_stats_dump) { .name = "GET_STATS dump" };
FIXTURE_VARIANT_ADD(malformed, new_set) { .name = "NEW_SET" };
FIXTURE_VARIANT_ADD(malformed, del_set) { .name = "DEL_SET" };
FIXTURE_VARIANT_ADD(malformed, get_set) { .name = "GET_SET" };
FIXTURE_VARIANT_ADD(malformed, get_set_dump) { .name = "GET_SET dump" };
FIXTURE_VARIANT_ADD(malformed, flush_set) { .name = "FLUSH_SET" };
FIXTURE_VARIANT_ADD(malformed, swap_set) { .name = "SWAP_SET" };
FIXTURE_VARIANT_ADD(malformed, new_set_member) { .name = "NEW_SET_MEMBER" };
FIXTURE_VARIANT_ADD(malformed, del_set_member) { .name = "DEL_SET_MEMBER" };
FIXTURE_VARIANT_ADD(malformed, get_set_member) { .name = "GET_SET_MEMBER" };
FIXTURE_VARIANT_ADD(malformed, get_set_member_dump) { .name = "GET_SET_MEMBER dump" };
FIXTURE_VARIANT_ADD(malformed, new_sg) { .name = "NEW_SG" };
FIXTURE_VARIANT_ADD(malformed, del_sg) { .name = "DEL_SG" };
FIXTURE_VARIANT_ADD(malformed, get_sg) { .name = "GET_SG" };
FIXTURE_VARIANT_ADD(malformed, get_sg_dump) { .name = "GET_SG dump" };
FIXTURE_VARIANT_ADD(malformed, new_sg_rule) { .name = "NEW_SG_RULE" };
FIXTURE_VARIANT_ADD(malformed, del_sg_rule) { .name = "DEL_SG_RULE" };
FIXTURE_VARIANT_ADD(malformed, get_sg_rule_dump) { .name = "GET_SG_RULE dump" };
FIXTURE_VARIANT_ADD(malformed, new_port) { .name = "NEW_PORT" };
FIXTURE_VARIANT_ADD(malformed, set_port) { .name = "SET_PORT" };
FIXTURE_VARIANT_ADD(malformed, del_port) { .name = "DEL_PORT" };
FIXTURE_VARIANT_ADD(malformed, get_port) { .name = "GET_PORT" };
FIXTURE_VARIANT_ADD(malformed, get_port_dump) { .name = "GET_PORT dump" };

FIXTURE_SETUP(malformed)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(csvx_cases); i++)
		if (!strcmp(csvx_cases[i].name, variant->name))
			self->c = &csvx_cases[i];
	ASSERT_NE(NULL, self->c) TH_LOG("no case %s", variant->name);
	csvx_setup(_metadata, &self->s);
	csvx_base_state(_metadata, &self->s);
	csvx_setup_monitor(_metadata, &self->mon);
	csvx_take_snapshot(_metadata, &self->s, &self->snap);
}

FIXTURE_TEARDOWN(malformed)
{
	csvx_snap_free(&self->snap);
	csvx_close(&self->mon);
	csvx_close(&self->s);
}

/* ------------------------------------------------- attribute payloads */

struct val {
	uint16_t len;
	uint16_t flags;		/* or'ed into nla_type (NLA_F_NESTED) */
	uint8_t b[512];
};

static struct val v_bytes(const void *d, size_t len)
{
	struct val v = { .len = len };

	if (len)
		memcpy(v.b, d, len);
	return v;
}

static struct val v_u8(uint8_t x) { return v_bytes(&x, 1); }
static struct val v_u16(uint16_t x) { return v_bytes(&x, 2); }
static struct val v_u32(uint32_t x) { return v_bytes(&x, 4); }
static struct val v_u64(uint64_t x) { return v_bytes(&x, 8); }

static struct val v_str(const char *s)
{
	return v_bytes(s, strlen(s) + 1);
}

/* @n times 'a', then a NUL. */
static struct val v_name(size_t n)
{
	struct val v = { .len = n + 1 };

	memset(v.b, 'a', n);
	v.b[n] = '\0';
	return v;
}

static struct val v_mac(const char *s)
{
	struct csvx_mac m = csvx_mac(s);

	return v_bytes(m.a, 6);
}

static struct val v_ip(const char *s)
{
	struct csvx_ip ip = csvx_ip(s);

	return v_bytes(ip.a, ip.len);
}

/* @len bytes of an address-looking pattern */
static struct val v_pattern(size_t len)
{
	struct val v = { .len = len };
	size_t i;

	for (i = 0; i < len; i++)
		v.b[i] = 10 + i;
	return v;
}

static struct val v_nest(void)
{
	struct val v = { .flags = NLA_F_NESTED };

	return v;
}

/* Append an attribute to a nest payload. */
static void v_add(struct val *v, uint16_t type, const void *d, uint16_t len)
{
	struct nlattr a = { .nla_len = MNL_ATTR_HDRLEN + len, .nla_type = type };

	memcpy(v->b + v->len, &a, sizeof(a));
	memcpy(v->b + v->len + sizeof(a), d, len);
	memset(v->b + v->len + sizeof(a) + len, 0, MNL_ALIGN(len) - len);
	v->len += sizeof(a) + MNL_ALIGN(len);
}

static void v_add_u32(struct val *v, uint16_t type, uint32_t x)
{
	v_add(v, type, &x, 4);
}

static void v_add_ip(struct val *v, const char *s)
{
	struct csvx_ip ip = csvx_ip(s);

	v_add(v, CSVX_IPS_A_ADDR, ip.a, ip.len);
}

/* A well-formed payload of an attribute's kind. */
static struct val v_good(uint16_t type)
{
	struct val v;

	switch (csvx_kind[type]) {
	case CSVX_K_U8:
		return v_u8(24);
	case CSVX_K_U32:
		return v_u32(1);
	case CSVX_K_STR:
		return v_str("x");
	case CSVX_K_MAC:
		return v_mac("02:00:00:00:00:99");
	case CSVX_K_ADDR:
		return v_ip("192.0.2.99");
	case CSVX_K_PARAMS:
		v = v_nest();
		v_add_u32(&v, CSVX_PARAM_UDP_PORT, 4789);
		return v;
	case CSVX_K_IPS:
		v = v_nest();
		v_add_ip(&v, "10.99.0.1");
		return v;
	case CSVX_K_FLAG:
		return v_bytes(NULL, 0);
	case CSVX_K_U16:
		return v_u16(80);
	case CSVX_K_U64:
		return v_u64(1);
	case CSVX_K_SGS:
		v = v_nest();
		v_add(&v, CSVX_SGS_A_NAME, "x", 2);
		return v;
	case CSVX_K_U64S:
	default:
		v = v_nest();
		v_add(&v, 1, (uint64_t []){ 0 }, 8);
		return v;
	}
}

/* ---------------------------------------------------------- mutations */

struct repl {
	uint16_t type;
	struct val v;
};

struct mut {
	char what[128];
	uint16_t omit;		/* leave this attribute out */
	struct repl r[2];	/* put these instead of (or beside) the base's */
	int nr;
	uint16_t also;		/* a base attribute the offset may point at */
	int trailing;		/* bytes of garbage after the attributes */
	uint8_t fill;		/* of the garbage */
	int badlen;		/* 1: last attribute overruns, 2: nla_len < 4 */
	uint16_t nlflags;	/* or'ed into nlmsg_flags */
	uint8_t genl_reserved;	/* genlmsghdr.reserved */
};

static void mut_init(struct mut *m, const char *fmt, ...)
{
	va_list ap;

	memset(m, 0, sizeof(*m));
	va_start(ap, fmt);
	vsnprintf(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
}

static void mut_repl(struct mut *m, uint16_t type, struct val v)
{
	m->r[m->nr].type = type;
	m->r[m->nr].v = v;
	m->nr++;
}

static void add_extent(struct csvx_bad *bad, uint32_t off,
		       const struct nlmsghdr *nlh)
{
	if (bad->n < 4) {
		bad->e[bad->n].off = off;
		bad->e[bad->n].len = csvx_off(nlh) - off;
		bad->n++;
	}
}

static struct nlmsghdr *build(struct csvx_sock *s, char *buf,
			      const struct csvx_case *c, const struct mut *m,
			      struct csvx_bad *bad)
{
	struct nlmsghdr *nlh = csvx_req(s, buf, c->cmd, m->nlflags);
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	bool used[2] = {};
	uint32_t off;
	int i, k;

	g->reserved = m->genl_reserved;
	memset(bad, 0, sizeof(*bad));
	for (i = 0; i < CSVX_CASE_ATTRS && c->base[i].type; i++) {
		const struct csvx_av *av = &c->base[i];

		if (av->type == m->omit)
			continue;
		off = csvx_off(nlh);
		for (k = 0; k < m->nr; k++)
			if (m->r[k].type == av->type)
				break;
		if (k < m->nr) {
			mnl_attr_put(nlh, av->type | m->r[k].v.flags,
				     m->r[k].v.len, m->r[k].v.b);
			used[k] = true;
			add_extent(bad, off, nlh);
		} else {
			csvx_put_av(nlh, av);
			if (av->type == m->also)
				add_extent(bad, off, nlh);
		}
	}
	for (k = 0; k < m->nr; k++) {
		if (used[k])
			continue;
		off = csvx_off(nlh);
		mnl_attr_put(nlh, m->r[k].type | m->r[k].v.flags,
			     m->r[k].v.len, m->r[k].v.b);
		add_extent(bad, off, nlh);
	}
	if (m->badlen) {
		struct nlattr *a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);

		mnl_attr_put_u32(nlh, CSVX_A_VNI, 100);
		a->nla_len = m->badlen == 1 ? MNL_ATTR_HDRLEN + 12 : 2;
	}
	if (m->trailing) {
		memset((char *)nlh + nlh->nlmsg_len, m->fill, m->trailing);
		nlh->nlmsg_len += m->trailing;
	}
	return nlh;
}

/* Send the broken request and check the refusal. */
static void refused(struct __test_metadata *_metadata,
		    FIXTURE_DATA(malformed) *self, const struct mut *m,
		    const int *errs, bool at_attr)
{
	char buf[CSVX_REQ_SIZE];
	char what[192];
	struct csvx_bad bad;
	struct nlmsghdr *nlh = build(&self->s, buf, self->c, m, &bad);
	int ret = csvx_case_send(&self->s, self->c, nlh);

	snprintf(what, sizeof(what), "%s: %s", self->c->name, m->what);
	csvx_check_refused(_metadata, &self->s, &self->mon, &self->snap, ret,
			   errs, at_attr ? &bad : NULL, what);
}

static const char *aname(uint16_t type)
{
	return type <= CSVX_A_MAX && csvx_attr_name[type] ?
	       csvx_attr_name[type] : "?";
}

/* ---------------------------------------------------------------- tests */

static void base_request_ok(struct __test_metadata *_metadata,
			    FIXTURE_DATA(malformed) *self)
{
	char buf[CSVX_REQ_SIZE];
	struct csvx_dump_ops ops = {};
	struct csvx_msgs reply = {};
	struct nlmsghdr *nlh = csvx_case_req(&self->s, buf, self->c);
	int ret, n;

	if (self->c->dump) {
		ret = csvx_dump_ops(&self->s, nlh, &ops);
		EXPECT_LT(0, ops.msgs) TH_LOG("%s: empty dump", self->c->name);
	} else {
		ret = csvx_do(&self->s, nlh, &reply);
		if (!self->c->mutates) {
			EXPECT_EQ(1, reply.nr) TH_LOG("%s: replies", self->c->name);
		}
	}
	EXPECT_EQ(0, ret) TH_LOG("%s: %s (extack \"%s\")", self->c->name,
				 strerror(-ret), self->s.msg);
	n = csvx_recv_pending(&self->mon, NULL);
	if (self->c->mutates) {
		EXPECT_LT(0, n) TH_LOG("%s: no notification", self->c->name);
	} else {
		EXPECT_EQ(0, n) TH_LOG("%s: a notification for a GET", self->c->name);
	}
	csvx_msgs_free(&reply);
}

static void missing_attr(struct __test_metadata *_metadata,
			    FIXTURE_DATA(malformed) *self)
{
	const struct csvx_case *c = self->c;
	struct mut m;
	int i, nr = 0;

	for (i = 0; i < CSVX_CASE_ATTRS && c->base[i].type; i++) {
		if (!c->base[i].req)
			continue;
		mut_init(&m, "without %s", aname(c->base[i].type));
		m.omit = c->base[i].type;
		refused(_metadata, self, &m, (const int []){ EINVAL, 0 }, false);
		if (self->s.miss_type >= 0) {
			EXPECT_EQ(c->base[i].type, self->s.miss_type)
				TH_LOG("%s: NLMSGERR_ATTR_MISS_TYPE", m.what);
		}
		nr++;
	}
	if (!nr)
		return;
	/* no attribute at all */
	{
		char buf[256];
		int ret = csvx_case_send(&self->s, c, csvx_req(&self->s, buf,
							c->cmd, 0));

		char what[64];

		snprintf(what, sizeof(what), "%s: without any attribute", c->name);
		csvx_check_refused(_metadata, &self->s, &self->mon, &self->snap,
				   ret, (const int []){ EINVAL, 0 }, NULL, what);
	}
}

/* The size of a name attribute's buffer, NUL included. */
static size_t name_max(uint16_t type)
{
	switch (type) {
	case CSVX_A_IFNAME:
		return IFNAMSIZ;
	case CSVX_A_SET:
	case CSVX_A_SET2:
		return CSVX_SET_NAME_MAX;
	case CSVX_A_SG:
	case CSVX_A_REMOTE_SG:
		return CSVX_SG_NAME_MAX;
	}
	return CSVX_NAME_MAX;
}

/* Wrong types and lengths, by the attribute's kind. */
static void wrong_type_or_length(struct __test_metadata *_metadata,
			    FIXTURE_DATA(malformed) *self)
{
	const struct csvx_case *c = self->c;
	struct mut m;
	struct val v;
	int i, nr = 0;

	for (i = 0; i < CSVX_CASE_ATTRS && c->base[i].type; i++) {
		uint16_t t = c->base[i].type;
		const char *n = aname(t);
		const int *errs = csvx_errs_malformed;
			struct val bad[8];
		const char *why[8];
		int k, nb = 0;

#define BAD(_v, _why) do { bad[nb] = (_v); why[nb] = (_why); nb++; } while (0)
		switch (csvx_kind[t]) {
		case CSVX_K_U32:
			BAD(v_u16(c->base[i].u), "a u16");
			BAD(v_u8(c->base[i].u), "a u8");
			BAD(v_u64(c->base[i].u), "a u64");
			BAD(v_bytes(NULL, 0), "empty");
			v = v_u32(c->base[i].u);
			v.flags = NLA_F_NESTED;
			BAD(v, "flagged NLA_F_NESTED");
			break;
		case CSVX_K_U8:
			BAD(v_u32(c->base[i].u), "a u32");
			BAD(v_u16(c->base[i].u), "a u16");
			BAD(v_bytes(NULL, 0), "empty");
			break;
		case CSVX_K_U16:
			BAD(v_u32(c->base[i].u), "a u32");
			BAD(v_u8(c->base[i].u), "a u8");
			BAD(v_bytes(NULL, 0), "empty");
			break;
		case CSVX_K_FLAG:
			BAD(v_u8(1), "a flag with a 1-byte payload");
			BAD(v_u32(1), "a flag with a 4-byte payload");
			break;
		case CSVX_K_SGS:
			BAD(v_str("sg1"), "a string, not a nest");
			v = v_nest();
			v_add(&v, CSVX_SGS_A_NAME, "abcd", 4);
			BAD(v, "a nest with a name of 4 bytes, no NUL");
			v = v_nest();
			v_add(&v, CSVX_SGS_A_NAME, v_name(CSVX_SG_NAME_MAX).b,
			      CSVX_SG_NAME_MAX + 1);
			BAD(v, "a nest with a name one byte too long");
			break;
		case CSVX_K_STR:
			/* names: 1..(their limit - 1) bytes */
			BAD(v_name(name_max(t)), "one byte too long");
			BAD(v_name(64), "64 bytes long");
			BAD(v_name(300), "300 bytes long");
			BAD(v_str(""), "an empty string");
			BAD(v_bytes(NULL, 0), "empty");
			break;
		case CSVX_K_MAC:
			BAD(v_pattern(5), "5 bytes");
			BAD(v_pattern(7), "7 bytes");
			BAD(v_bytes(NULL, 0), "empty");
			break;
		case CSVX_K_ADDR:
			errs = csvx_errs_addr;
			BAD(v_pattern(5), "5 bytes");
			BAD(v_pattern(3), "3 bytes");
			BAD(v_pattern(8), "8 bytes");
			BAD(v_pattern(15), "15 bytes");
			BAD(v_pattern(17), "17 bytes");
			BAD(v_bytes(NULL, 0), "empty");
			break;
		case CSVX_K_PARAMS:
			BAD(v_u32(c->base[i].u), "a u32, not a nest");
			v = v_nest();
			v_add(&v, c->base[i].sub, (uint16_t []){ 1000 }, 2);
			BAD(v, "a nest with a u16 param");
			v = v_nest();
			v_add(&v, c->base[i].sub, (uint64_t []){ 1000 }, 8);
			BAD(v, "a nest with a u64 param");
			break;
		case CSVX_K_IPS:
			errs = csvx_errs_addr;
			BAD(v_ip(c->base[i].s), "an address, not a nest");
			v = v_nest();
			v_add(&v, CSVX_IPS_A_ADDR, "\x0a\x02\x00\x0c\x00", 5);
			BAD(v, "a nest with a 5-byte address");
			v = v_nest();
			v_add(&v, CSVX_IPS_A_ADDR, NULL, 0);
			BAD(v, "a nest with an empty address");
			v = v_nest();
			v_add(&v, CSVX_IPS_A_ADDR, v_pattern(17).b, 17);
			BAD(v, "a nest with a 17-byte address");
			break;
		}
#undef BAD
		for (k = 0; k < nb; k++) {
			mut_init(&m, "%s %s", n, why[k]);
			mut_repl(&m, t, bad[k]);
			refused(_metadata, self, &m, errs, true);
			nr++;
		}
	}
	(void)nr;
}

/* The base's prefix with a host bit set. */
static struct val host_bits(const char *prefix)
{
	struct csvx_ip ip = csvx_ip(prefix);

	ip.a[ip.len - 1] |= 1;
	return v_bytes(ip.a, ip.len);
}

/*
 * Values of the right type that are not valid.  A MAC or prefix that could
 * never be stored must be refused by the NEW_x that would store it (and
 * point at it); as the key of a DEL/GET it may also just not be found.
 */
static void bad_value(struct __test_metadata *_metadata,
			    FIXTURE_DATA(malformed) *self)
{
	static const char *const bad_macs[] = {
		"01:00:5e:00:00:01", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
		"03:00:00:00:00:01",
	};
	/* a key that cannot exist may also just not be found */
	static const int errs_key[] = { EINVAL, ERANGE, ENOENT, 0 };
	/* too many of something */
	static const int errs_count[] = { EINVAL, ERANGE, E2BIG, 0 };
	const struct csvx_case *c = self->c;
	bool creates = c->cmd == CSVX_CMD_NEW_VRF || c->cmd == CSVX_CMD_NEW_FDB ||
		       c->cmd == CSVX_CMD_NEW_ROUTE || c->cmd == CSVX_CMD_NEW_VNI ||
		       c->cmd == CSVX_CMD_NEW_PORT || c->cmd == CSVX_CMD_NEW_SG_RULE ||
		       c->cmd == CSVX_CMD_NEW_SET_MEMBER;
	bool has_plen = false;
	struct mut m;
	struct val v;
	int i, k, nr = 0;

	for (i = 0; i < CSVX_CASE_ATTRS && c->base[i].type; i++)
		has_plen |= c->base[i].type == CSVX_A_PLEN;
	for (i = 0; i < CSVX_CASE_ATTRS && c->base[i].type; i++) {
		uint16_t t = c->base[i].type;
		const char *n = aname(t);

		switch (t) {
		case CSVX_A_VNI:
		case CSVX_A_L3VNI:
			for (k = 0; k < 3; k++) {
				uint32_t x = (uint32_t []){ 0, CSVX_VNI_MAX + 1,
							    0xffffffffU }[k];

				mut_init(&m, "%s %u", n, x);
				mut_repl(&m, t, v_u32(x));
				refused(_metadata, self, &m, csvx_errs_malformed, true);
				nr++;
			}
			break;
		case CSVX_A_VRF_ID:
			mut_init(&m, "VRF_ID 0");
			mut_repl(&m, t, v_u32(0));
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			nr++;
			break;
		case CSVX_A_RMAC:
		case CSVX_A_MAC:
			for (k = 0; k < (int)ARRAY_SIZE(bad_macs); k++) {
				mut_init(&m, "%s %s", n, bad_macs[k]);
				mut_repl(&m, t, v_mac(bad_macs[k]));
				if (creates)
					refused(_metadata, self, &m,
						csvx_errs_malformed, true);
				else
					refused(_metadata, self, &m, errs_key, false);
				nr++;
			}
			break;
		case CSVX_A_MTU:
			for (k = 0; k < 3; k++) {
				uint32_t x = (uint32_t []){ 0, 67, 65536 }[k];

				mut_init(&m, "MTU %u", x);
				mut_repl(&m, t, v_u32(x));
				refused(_metadata, self, &m, csvx_errs_malformed, true);
				nr++;
			}
			break;
		case CSVX_A_GW_PLEN:
			mut_init(&m, "GW_PLEN 33 for an IPv4 gateway");
			mut_repl(&m, t, v_u8(33));
			m.also = CSVX_A_GW;
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			mut_init(&m, "GW_PLEN 129 for an IPv6 gateway");
			mut_repl(&m, CSVX_A_GW, v_ip("2001:db8:3::1"));
			mut_repl(&m, t, v_u8(129));
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			nr += 2;
			break;
		case CSVX_A_PLEN:
			mut_init(&m, "PLEN 33 for an IPv4 prefix");
			mut_repl(&m, t, v_u8(33));
			m.also = CSVX_A_PREFIX;
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			mut_init(&m, "PLEN 129 for an IPv6 prefix");
			mut_repl(&m, CSVX_A_PREFIX, v_ip("2001:db8:8::"));
			mut_repl(&m, t, v_u8(129));
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			nr += 2;
			break;
		case CSVX_A_PREFIX:
			/* a prefix has host bits only with a length to it */
			if (!has_plen)
				break;
			mut_init(&m, "PREFIX %s with a host bit set", c->base[i].s);
			mut_repl(&m, t, host_bits(c->base[i].s));
			m.also = CSVX_A_PLEN;
			refused(_metadata, self, &m,
				creates ? csvx_errs_malformed : errs_key, creates);
			mut_init(&m, "IPv6 PREFIX with a host bit set");
			mut_repl(&m, t, v_ip("2001:db8:8::1"));
			mut_repl(&m, CSVX_A_PLEN, v_u8(48));
			refused(_metadata, self, &m,
				creates ? csvx_errs_malformed : errs_key, creates);
			nr += 2;
			break;
		case CSVX_A_IFNAME:
			/* names a device to create (elsewhere: one to find) */
			if (c->cmd != CSVX_CMD_NEW_VNI)
				break;
			for (k = 0; k < 3; k++) {
				const char *x = (const char *[]){ "a/b", "a b", "a:b" }[k];

				mut_init(&m, "IFNAME \"%s\"", x);
				mut_repl(&m, t, v_str(x));
				refused(_metadata, self, &m, csvx_errs_malformed, true);
				nr++;
			}
			break;
		case CSVX_A_IPS:
			mut_init(&m, "IPS with %d addresses", CSVX_FDB_MAX_IPS + 1);
			v = v_nest();
			for (k = 0; k <= CSVX_FDB_MAX_IPS; k++) {
				char ip[32];

				snprintf(ip, sizeof(ip), "10.2.1.%d", k + 1);
				v_add_ip(&v, ip);
			}
			mut_repl(&m, t, v);
			refused(_metadata, self, &m, errs_count, true);
			for (k = 0; k < 2; k++) {
				uint16_t sub = k ? 0 : CSVX_IPS_A_MAX + 1;

				mut_init(&m, "IPS with an attribute of type %u", sub);
				v = v_nest();
				v_add(&v, sub, csvx_ip("10.2.0.13").a, 4);
				mut_repl(&m, t, v);
				refused(_metadata, self, &m, csvx_errs_malformed, true);
			}
			nr += 3;
			break;
		case CSVX_A_PARAMS:
			for (k = 0; k < 4; k++) {
				static const struct { uint16_t p; uint32_t x; } pv[] = {
					{ CSVX_PARAM_UDP_PORT, 0 },
					{ CSVX_PARAM_UDP_PORT, 65536 },
					{ CSVX_PARAM_MAX + 1, 5 },
					{ 0, 5 },
				};

				mut_init(&m, "PARAMS { %u: %u }", pv[k].p, pv[k].x);
				v = v_nest();
				v_add_u32(&v, pv[k].p, pv[k].x);
				mut_repl(&m, t, v);
				refused(_metadata, self, &m, csvx_errs_malformed, true);
				nr++;
			}
			break;
		case CSVX_A_SET_TYPE:
			for (k = 0; k < 2; k++) {
				uint8_t x = k ? CSVX_SET_TYPE_MAX + 1 : 0;

				mut_init(&m, "SET_TYPE %u", x);
				mut_repl(&m, t, v_u8(x));
				refused(_metadata, self, &m, csvx_errs_malformed, true);
				nr++;
			}
			break;
		case CSVX_A_FAMILY:
			mut_init(&m, "FAMILY 7");
			mut_repl(&m, t, v_u8(7));
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			nr++;
			break;
		case CSVX_A_MAXELEM:
			mut_init(&m, "MAXELEM 0");
			mut_repl(&m, t, v_u32(0));
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			nr++;
			break;
		case CSVX_A_DIR:
			mut_init(&m, "DIR %u", CSVX_SG_DIR_MAX + 1);
			mut_repl(&m, t, v_u8(CSVX_SG_DIR_MAX + 1));
			refused(_metadata, self, &m, creates ? csvx_errs_malformed
							     : errs_key, creates);
			nr++;
			break;
		case CSVX_A_PROTO:
			mut_init(&m, "PROTO 47 (gre)");
			mut_repl(&m, t, v_u8(47));
			refused(_metadata, self, &m, creates ? csvx_errs_malformed
							     : errs_key, creates);
			nr++;
			break;
		case CSVX_A_DPORT_HI:
			mut_init(&m, "DPORT_HI below DPORT_LO");
			mut_repl(&m, CSVX_A_DPORT_LO, v_u16(443));
			mut_repl(&m, t, v_u16(80));
			refused(_metadata, self, &m, creates ? csvx_errs_malformed
							     : errs_key, creates);
			nr++;
			break;
		case CSVX_A_SGS:
			mut_init(&m, "SGS with %d names", CSVX_PORT_MAX_SGS + 1);
			v = v_nest();
			for (k = 0; k <= CSVX_PORT_MAX_SGS; k++)
				v_add(&v, CSVX_SGS_A_NAME, "sg1", 4);
			mut_repl(&m, t, v);
			refused(_metadata, self, &m, errs_count, true);
			mut_init(&m, "SGS with an empty name");
			v = v_nest();
			v_add(&v, CSVX_SGS_A_NAME, "", 1);
			mut_repl(&m, t, v);
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			mut_init(&m, "SGS with an attribute of type %u", CSVX_SGS_A_MAX + 1);
			v = v_nest();
			v_add(&v, CSVX_SGS_A_MAX + 1, "sg1", 4);
			mut_repl(&m, t, v);
			refused(_metadata, self, &m, csvx_errs_malformed, true);
			nr += 3;
			break;
		case CSVX_A_FLAGS:
			for (k = 0; k < 2; k++) {
				uint32_t x = (uint32_t []){ 1U << 31, 1U << 7 }[k];

				mut_init(&m, "FLAGS %#x", x);
				mut_repl(&m, t, v_u32(x));
				refused(_metadata, self, &m, csvx_errs_malformed, true);
				nr++;
			}
			break;
		}
	}
	(void)nr;
}

static void unknown_attr(struct __test_metadata *_metadata,
			    FIXTURE_DATA(malformed) *self)
{
	static const uint16_t types[] = {
		CSVX_A_UNSPEC, CSVX_A_MAX + 1, CSVX_A_MAX + 50, 0x3fff,	/* NLA_TYPE_MASK */
	};
	struct mut m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		mut_init(&m, "unknown attribute type %u", types[i]);
		mut_repl(&m, types[i], v_u32(1));
		refused(_metadata, self, &m, csvx_errs_malformed, true);
	}
}

/* Attributes of the family the command does not take (CSVX_A_PAD aside). */
static void attr_not_taken(struct __test_metadata *_metadata,
			    FIXTURE_DATA(malformed) *self)
{
	const struct csvx_case *c = self->c;
	struct mut m;
	uint16_t t;
	int i;

	for (t = CSVX_A_PAD + 1; t <= CSVX_A_MAX; t++) {
		bool takes = false;

		for (i = 0; i < CSVX_CASE_ATTRS && c->base[i].type; i++)
			takes |= c->base[i].type == t;
		for (i = 0; i < 8 && c->takes[i]; i++)
			takes |= c->takes[i] == t;
		if (takes)
			continue;
		mut_init(&m, "with %s, which it does not take", aname(t));
		mut_repl(&m, t, v_good(t));
		refused(_metadata, self, &m, csvx_errs_malformed, true);
	}
}

/* Bytes that are no attribute. */
static void garbage(struct __test_metadata *_metadata,
			    FIXTURE_DATA(malformed) *self)
{
	struct mut m;

	mut_init(&m, "3 bytes after the attributes");
	m.trailing = 3;
	m.fill = 0xa5;
	refused(_metadata, self, &m, csvx_errs_malformed, false);
	mut_init(&m, "4 zero bytes after the attributes");
	m.trailing = 4;
	refused(_metadata, self, &m, csvx_errs_malformed, false);
	mut_init(&m, "an attribute longer than the message");
	m.badlen = 1;
	refused(_metadata, self, &m, csvx_errs_malformed, false);
	mut_init(&m, "an attribute shorter than its header");
	m.badlen = 2;
	refused(_metadata, self, &m, csvx_errs_malformed, false);
	mut_init(&m, "genlmsghdr.reserved not 0");
	m.genl_reserved = 1;
	refused(_metadata, self, &m, csvx_errs_malformed, false);
}

/*
 * Generic netlink reserves the nlmsg_flags create/replace bits (the family
 * has CSVX_A_REPLACE instead): requests carrying them are refused.  One bit
 * at a time: NLM_F_REPLACE | NLM_F_EXCL is NLM_F_DUMP.
 */
static void reserved_nlmsg_flags(struct __test_metadata *_metadata,
			    FIXTURE_DATA(malformed) *self)
{
	static const struct { uint16_t flag; const char *name; } flags[] = {
		{ NLM_F_REPLACE, "NLM_F_REPLACE" }, { NLM_F_EXCL, "NLM_F_EXCL" },
		{ NLM_F_CREATE, "NLM_F_CREATE" }, { NLM_F_APPEND, "NLM_F_APPEND" },
	};
	struct mut m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		/* a dump has both bits of NLM_F_DUMP set already */
		if (self->c->dump && (flags[i].flag & NLM_F_DUMP))
			continue;
		mut_init(&m, "nlmsg_flags with %s", flags[i].name);
		m.nlflags = flags[i].flag;
		refused(_metadata, self, &m, csvx_errs_malformed, false);
	}
}

/*
 * One test per command: every refusal first (each checked on its own and
 * named in the log when it fails), then the unbroken request, which must
 * succeed.  One namespace per command keeps the suite affordable on the
 * debug kernel.
 */
TEST_F_TIMEOUT(malformed, refused_then_accepted, 300)
{
	missing_attr(_metadata, self);
	wrong_type_or_length(_metadata, self);
	bad_value(_metadata, self);
	unknown_attr(_metadata, self);
	attr_not_taken(_metadata, self);
	garbage(_metadata, self);
	reserved_nlmsg_flags(_metadata, self);
	base_request_ok(_metadata, self);
}

TEST_HARNESS_MAIN
