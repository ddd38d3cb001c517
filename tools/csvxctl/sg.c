// SPDX-License-Identifier: GPL-2.0
/*
 * sg: security groups and their rules.
 *
 * A rule admits one direction of a port (ingress: to the VM, egress: from
 * it), one protocol with a destination port range or an ICMP type and
 * code, from or to one remote: a prefix (cidr), a set, or the ports of a
 * group.  Rules are named by what they say: "rule del" takes the same
 * arguments as "rule add".  "sg show" lists every group with its rules
 * and the number of connections each rule admitted.
 */
#include <stdlib.h>
#include <string.h>

#include "csvxctl.h"

/* sg show: a row per rule, the group's columns repeated; a group with no
 * rule has a row of its own. */
static const struct col cols[] = {
	{ "name", "SG" }, { "ports", "PORTS" }, { "refs", "REFS" }, { "dir", "DIR" },
	{ "proto", "PROTO" }, { "dport", "DPORT" }, { "icmp", "ICMP" }, { "remote", "REMOTE" },
	{ "conns", "CONNS" }, { NULL, NULL },
};

static const struct col rule_cols[] = {
	{ "sg", "SG" }, { "dir", "DIR" }, { "proto", "PROTO" }, { "dport", "DPORT" },
	{ "icmp", "ICMP" }, { "remote", "REMOTE" }, { "conns", "CONNS" }, { NULL, NULL },
};

enum { K_PROTO, K_DPORT, K_TYPE, K_CODE, K_CIDR, K_SET, K_GROUP, K_MAX };
static const char *const words[] = {
	"proto", "dport", "type", "code", "cidr", "set", "group", NULL,
};
static const char *const dirs[] = { "ingress", "egress", NULL };

static void sg_fields(struct nlattr **tb)
{
	out_nla_str("name", tb[CSVX_A_SG]);
	out_nla_u32("ports", tb[CSVX_A_NR_PORTS]);
	out_nla_u32("refs", tb[CSVX_A_REFS]);
}

static void sg_args(FILE *f, struct nlattr **tb, bool key_only)
{
	(void)key_only;		/* a group is its name */
	arg_nla_str(f, NULL, tb[CSVX_A_SG]);
}

/* The rule's protocol by name, or its number. */
static const char *rule_proto(struct nlattr **tb, char buf[4])
{
	uint8_t p = tb[CSVX_A_PROTO] ? nla_get_u8(tb[CSVX_A_PROTO]) : 0;

	if (proto_name(p))
		return proto_name(p);
	snprintf(buf, 4, "%u", p);
	return buf;
}

/* "LO" or "LO-HI"; NULL without a port range. */
static const char *rule_dport(struct nlattr **tb, char buf[12])
{
	unsigned int lo, hi;

	if (!tb[CSVX_A_DPORT_LO])
		return NULL;
	lo = nla_get_u16(tb[CSVX_A_DPORT_LO]);
	hi = tb[CSVX_A_DPORT_HI] ? nla_get_u16(tb[CSVX_A_DPORT_HI]) : lo;
	if (hi == lo)
		snprintf(buf, 12, "%u", lo);
	else
		snprintf(buf, 12, "%u-%u", lo, hi);
	return buf;
}

/* The remote as the command line says it: { "cidr", PREFIX } etc. */
static bool rule_remote(struct nlattr **tb, const char **key, char buf[PREFIX_STRLEN])
{
	struct nlattr *p = tb[CSVX_A_PREFIX];
	char addr[ADDR_STRLEN];

	if (nla_is_addr(p)) {
		*key = "cidr";
		snprintf(buf, PREFIX_STRLEN, "%s/%u", fmt_addr(nla_data(p), nla_len(p), addr),
			 tb[CSVX_A_PLEN] ? nla_get_u8(tb[CSVX_A_PLEN]) : nla_len(p) * 8);
		return true;
	}
	*key = tb[CSVX_A_SET] ? "set" : "group";
	p = tb[CSVX_A_SET] ?: tb[CSVX_A_REMOTE_SG];
	if (!p || nla_len(p) < 1 || ((char *)nla_data(p))[nla_len(p) - 1])
		return false;
	snprintf(buf, PREFIX_STRLEN, "%s", (char *)nla_data(p));
	return true;
}

/* A rule's fields but its group's name. */
static void rule_body(struct nlattr **tb)
{
	char proto[4], dport[12], remote[PREFIX_STRLEN], cell[PREFIX_STRLEN + 8];
	const char *key;

	if (tb[CSVX_A_DIR])
		out_str("dir", nla_get_u8(tb[CSVX_A_DIR]) ? "egress" : "ingress");
	out_str("proto", rule_proto(tb, proto));
	out_str("dport", rule_dport(tb, dport));
	if (opt.json) {
		if (tb[CSVX_A_ICMP_TYPE])
			out_u32("type", nla_get_u8(tb[CSVX_A_ICMP_TYPE]));
		if (tb[CSVX_A_ICMP_CODE])
			out_u32("code", nla_get_u8(tb[CSVX_A_ICMP_CODE]));
		if (rule_remote(tb, &key, remote))
			out_str(key, remote);
	} else {
		if (tb[CSVX_A_ICMP_TYPE] && tb[CSVX_A_ICMP_CODE])
			snprintf(cell, sizeof(cell), "%u/%u", nla_get_u8(tb[CSVX_A_ICMP_TYPE]),
				 nla_get_u8(tb[CSVX_A_ICMP_CODE]));
		else if (tb[CSVX_A_ICMP_TYPE])
			snprintf(cell, sizeof(cell), "%u", nla_get_u8(tb[CSVX_A_ICMP_TYPE]));
		if (tb[CSVX_A_ICMP_TYPE])
			out_str("icmp", cell);
		if (rule_remote(tb, &key, remote)) {
			snprintf(cell, sizeof(cell), "%s %s", key, remote);
			out_str("remote", cell);
		}
	}
	if (tb[CSVX_A_PACKETS])
		out_u64("conns", nla_get_u64(tb[CSVX_A_PACKETS]));
}

static void rule_fields(struct nlattr **tb)
{
	out_nla_str("sg", tb[CSVX_A_SG]);
	rule_body(tb);
}

static void rule_args(FILE *f, struct nlattr **tb, bool key_only)
{
	char proto[4], dport[12], remote[PREFIX_STRLEN];
	const char *key;

	(void)key_only;		/* a rule is named by all it says */
	arg_nla_str(f, NULL, tb[CSVX_A_SG]);
	if (tb[CSVX_A_DIR])
		fputs(nla_get_u8(tb[CSVX_A_DIR]) ? " egress" : " ingress", f);
	fprintf(f, " proto %s", rule_proto(tb, proto));
	if (rule_dport(tb, dport))
		fprintf(f, " dport %s", dport);
	if (tb[CSVX_A_ICMP_TYPE])
		fprintf(f, " type %u", nla_get_u8(tb[CSVX_A_ICMP_TYPE]));
	if (tb[CSVX_A_ICMP_CODE])
		fprintf(f, " code %u", nla_get_u8(tb[CSVX_A_ICMP_CODE]));
	if (rule_remote(tb, &key, remote)) {
		fprintf(f, " %s ", key);
		print_word(f, remote);
	}
}

static int bad_name(const struct object *obj, const char *what, const char *kind,
		    const char *name, int max)
{
	return usage_error(obj, what, "invalid %s name `%s' (1 to %d bytes)", kind, name, max - 1);
}

/* ---- sg show ---- */

struct group {
	char name[CSVX_SG_NAME_MAX];
	uint32_t ports, refs;
};

static struct {
	struct group *v;
	size_t n, cap;
} groups;

static void collect_group(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *a = tb[CSVX_A_SG];
	struct group *g;

	(void)cmd;
	(void)arg;
	if (!a || nla_len(a) < 2 || (size_t)nla_len(a) > sizeof(g->name) ||
	    ((char *)nla_data(a))[nla_len(a) - 1])
		return;
	if (groups.n == groups.cap) {
		groups.cap = groups.cap ? 2 * groups.cap : 64;
		groups.v = realloc(groups.v, groups.cap * sizeof(*groups.v));
		if (!groups.v) {
			perror("csvxctl");
			exit(EXIT_REFUSED);
		}
	}
	g = &groups.v[groups.n++];
	memcpy(g->name, nla_data(a), (size_t)nla_len(a));
	g->ports = tb[CSVX_A_NR_PORTS] ? nla_get_u32(tb[CSVX_A_NR_PORTS]) : 0;
	g->refs = tb[CSVX_A_REFS] ? nla_get_u32(tb[CSVX_A_REFS]) : 0;
}

static void group_cells(const struct group *g)
{
	out_str("name", g->name);
	out_u32("ports", g->ports);
	out_u32("refs", g->refs);
}

struct rule_ctx {
	const struct group *g;
	bool any;
};

/* A rule of the group being shown: an object of its list (JSON) or a
 * row with the group's cells (table). */
static void show_rule(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct rule_ctx *ctx = arg;

	(void)cmd;
	ctx->any = true;
	if (opt.json) {
		out_obj_start();
		rule_body(tb);
		out_obj_end();
		return;
	}
	out_row_start();
	group_cells(ctx->g);
	rule_body(tb);
	out_row_end();
}

static int sg_show(int argc, char **argv)
{
	static const char what[] = "sg show";
	struct nlmsghdr *m;
	int rc;

	if (argc > 1)
		return usage_error(&sg_object, what, "unexpected argument `%s'", argv[1]);
	if (argc && !parse_name(argv[0], CSVX_SG_NAME_MAX))
		return bad_name(&sg_object, what, "group", argv[0], CSVX_SG_NAME_MAX);
	m = req_new(CSVX_CMD_GET_SG, argc ? 0 : NLM_F_DUMP);
	if (argc)
		req_put_str(m, CSVX_A_SG, argv[0]);
	groups.n = 0;
	rc = req_get(m, what, collect_group, NULL);
	if (rc)
		return rc;
	out_start(show_mode(), opt.pretty, cols);
	for (size_t i = 0; i < groups.n; i++) {
		struct rule_ctx ctx = { .g = &groups.v[i] };

		if (opt.json) {
			out_row_start();
			group_cells(ctx.g);
			out_list_start("rules");
		}
		m = req_new(CSVX_CMD_GET_SG_RULE, NLM_F_DUMP);
		req_put_str(m, CSVX_A_SG, ctx.g->name);
		rc |= req_get(m, what, show_rule, &ctx);
		if (opt.json) {
			out_list_end();
			out_row_end();
		} else if (!ctx.any) {
			out_row_start();
			group_cells(ctx.g);
			out_row_end();
		}
	}
	out_finish();
	free(groups.v);
	groups.v = NULL;
	groups.cap = 0;
	return rc ? EXIT_REFUSED : 0;
}

/* ---- sg rule ---- */

static int rule_show(int argc, char **argv)
{
	static const char what[] = "sg rule show";
	struct nlmsghdr *m;

	if (argc > 1)
		return usage_error(&sg_object, what, "unexpected argument `%s'", argv[1]);
	if (argc && !parse_name(argv[0], CSVX_SG_NAME_MAX))
		return bad_name(&sg_object, what, "group", argv[0], CSVX_SG_NAME_MAX);
	m = req_new(CSVX_CMD_GET_SG_RULE, NLM_F_DUMP);
	if (argc)
		req_put_str(m, CSVX_A_SG, argv[0]);
	return show(&sg_rule_object, rule_cols, m, what);
}

static int rule_change(int cmd, int argc, char **argv)
{
	static const char *const names[] = {
		[CMD_ADD] = "sg rule add", [CMD_DEL] = "sg rule del",
		[CMD_REPLACE] = "sg rule replace",
	};
	const char *what = names[cmd], *val[K_MAX] = { 0 };
	struct kv kv = { .words = words, .pos = -1 };
	uint8_t proto = 0, type, code, plen;
	uint16_t lo, hi;
	struct nlmsghdr *m;
	struct addr prefix;
	int dir, rc, nremote;

	if (argc < 1)
		return usage_error(&sg_object, what, "missing NAME");
	if (!parse_name(argv[0], CSVX_SG_NAME_MAX))
		return bad_name(&sg_object, what, "group", argv[0], CSVX_SG_NAME_MAX);
	if (argc < 2)
		return usage_error(&sg_object, what, "missing `ingress' or `egress'");
	dir = kw_lookup(argv[1], dirs, NULL);
	if (dir < 0)
		return usage_error(&sg_object, what, "invalid direction `%s' (ingress or egress)",
				   argv[1]);
	rc = kv_parse(&sg_object, what, argc - 2, argv + 2, &kv, val);
	if (rc)
		return rc;
	if (val[K_PROTO] && !parse_proto(val[K_PROTO], &proto))
		return usage_error(&sg_object, what,
				   "invalid protocol `%s' (tcp, udp, icmp, icmpv6 or any)",
				   val[K_PROTO]);
	if (val[K_DPORT] && !parse_port_range(val[K_DPORT], &lo, &hi))
		return usage_error(&sg_object, what, "invalid port range `%s' (LO[-HI], 0 to 65535)",
				   val[K_DPORT]);
	if (val[K_TYPE] && !parse_u8(val[K_TYPE], &type))
		return usage_error(&sg_object, what, "invalid ICMP type `%s' (0 to 255)", val[K_TYPE]);
	if (val[K_CODE] && !parse_u8(val[K_CODE], &code))
		return usage_error(&sg_object, what, "invalid ICMP code `%s' (0 to 255)", val[K_CODE]);
	if (val[K_CODE] && !val[K_TYPE])
		return usage_error(&sg_object, what, "`code' needs `type'");
	nremote = !!val[K_CIDR] + !!val[K_SET] + !!val[K_GROUP];
	if (nremote != 1)
		return usage_error(&sg_object, what, nremote ?
				   "`cidr', `set' and `group' exclude each other" :
				   "missing remote (`cidr', `set' or `group')");
	if (val[K_CIDR] && !parse_prefix(val[K_CIDR], &prefix, &plen, true))
		return usage_error(&sg_object, what, "invalid prefix `%s'", val[K_CIDR]);
	if (val[K_SET] && !parse_name(val[K_SET], CSVX_SET_NAME_MAX))
		return bad_name(&sg_object, what, "set", val[K_SET], CSVX_SET_NAME_MAX);
	if (val[K_GROUP] && !parse_name(val[K_GROUP], CSVX_SG_NAME_MAX))
		return bad_name(&sg_object, what, "group", val[K_GROUP], CSVX_SG_NAME_MAX);

	m = req_new(cmd == CMD_DEL ? CSVX_CMD_DEL_SG_RULE : CSVX_CMD_NEW_SG_RULE, 0);
	if (cmd == CMD_REPLACE)
		req_put_flag(m, CSVX_A_REPLACE);
	req_put_str(m, CSVX_A_SG, argv[0]);
	req_put_u8(m, CSVX_A_DIR, (uint8_t)(dir ? CSVX_SG_EGRESS : CSVX_SG_INGRESS));
	req_put_u8(m, CSVX_A_PROTO, proto);
	if (val[K_DPORT]) {
		req_put(m, CSVX_A_DPORT_LO, &lo, sizeof(lo));
		req_put(m, CSVX_A_DPORT_HI, &hi, sizeof(hi));
	}
	if (val[K_TYPE])
		req_put_u8(m, CSVX_A_ICMP_TYPE, type);
	if (val[K_CODE])
		req_put_u8(m, CSVX_A_ICMP_CODE, code);
	if (val[K_CIDR]) {
		req_put(m, CSVX_A_PREFIX, prefix.b, prefix.len);
		req_put_u8(m, CSVX_A_PLEN, plen);
	}
	if (val[K_SET])
		req_put_str(m, CSVX_A_SET, val[K_SET]);
	if (val[K_GROUP])
		req_put_str(m, CSVX_A_REMOTE_SG, val[K_GROUP]);
	return req_queue(m, what);
}

static int sg_rule(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&sg_object, argv[0], 1U << CMD_ADD | 1U << CMD_REPLACE |
				    1U << CMD_DEL | 1U << CMD_SHOW) : CMD_SHOW;

	switch (cmd) {
	case CMD_ADD:
	case CMD_REPLACE:
	case CMD_DEL:
		return rule_change(cmd, argc - 1, argv + 1);
	case CMD_SHOW:
		return rule_show(argc ? argc - 1 : 0, argv + 1);
	case CMD_HELP:
		print_usage(stdout, &sg_object);
		return 0;
	default:
		return -cmd;
	}
}

/* ---- sg add | replace | del ---- */

static int sg_change(int cmd, int argc, char **argv)
{
	static const char *const names[] = {
		[CMD_ADD] = "sg add", [CMD_DEL] = "sg del", [CMD_REPLACE] = "sg replace",
	};
	const char *what = names[cmd];
	struct nlmsghdr *m;

	if (argc < 1)
		return usage_error(&sg_object, what, "missing NAME");
	if (argc > 1)
		return usage_error(&sg_object, what, "unexpected argument `%s'", argv[1]);
	if (!parse_name(argv[0], CSVX_SG_NAME_MAX))
		return bad_name(&sg_object, what, "group", argv[0], CSVX_SG_NAME_MAX);
	m = req_new(cmd == CMD_DEL ? CSVX_CMD_DEL_SG : CSVX_CMD_NEW_SG, 0);
	if (cmd == CMD_REPLACE)
		req_put_flag(m, CSVX_A_REPLACE);
	req_put_str(m, CSVX_A_SG, argv[0]);
	return req_queue(m, what);
}

static int sg_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&sg_object, argv[0],
				    1U << CMD_ADD | 1U << CMD_REPLACE | 1U << CMD_DEL |
				    1U << CMD_SHOW | 1U << CMD_RULE) : CMD_SHOW;

	switch (cmd) {
	case CMD_ADD:
	case CMD_REPLACE:
	case CMD_DEL:
		return sg_change(cmd, argc - 1, argv + 1);
	case CMD_RULE:
		return sg_rule(argc - 1, argv + 1);
	case CMD_SHOW:
		return sg_show(argc ? argc - 1 : 0, argv + 1);
	case CMD_HELP:
		print_usage(stdout, &sg_object);
		return 0;
	default:
		return -cmd;
	}
}

const struct object sg_object = {
	.name = "sg",
	.main = sg_main,
	.usage = "sg { add | replace | del } NAME\n"
		 "sg show [NAME]\n"
		 "sg rule { add | replace | del } NAME { ingress | egress } [proto PROTO] [dport LO[-HI]]\n"
		 "        [type T [code C]] { cidr PREFIX | set SETNAME | group SGNAME }\n"
		 "sg rule show [NAME]\n"
		 " where PROTO := { tcp | udp | icmp | icmpv6 | any }\n"
		 "sg help",
	.help = "security groups and their rules",
	.fields = sg_fields,
	.args = sg_args,
};

/* What monitor and save print for a rule: "sg rule NAME ingress ...". */
const struct object sg_rule_object = {
	.name = "sg rule",
	.usage = "sg rule { add | replace | del } NAME { ingress | egress } ...",
	.fields = rule_fields,
	.args = rule_args,
};
