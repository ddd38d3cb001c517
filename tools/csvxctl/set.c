// SPDX-License-Identifier: GPL-2.0
/*
 * set: ipset-style address sets (hash:ip, hash:net) that security-group
 * rules name as their remote, and their members.
 *
 * "replace" of a set changes the maxelem of an existing one (or creates
 * it); "member replace" adds a member and is no error if it is there
 * already (ipset's -exist).
 */
#include <string.h>

#include "csvxctl.h"

static const struct col cols[] = {
	{ "name", "NAME" }, { "type", "TYPE" }, { "family", "FAMILY" }, { "maxelem", "MAXELEM" },
	{ "members", "MEMBERS" }, { "refs", "REFS" }, { NULL, NULL },
};

static const struct col member_cols[] = {
	{ "set", "SET" }, { "member", "MEMBER" }, { NULL, NULL },
};

enum { K_TYPE, K_FAMILY, K_MAXELEM, K_MAX };
static const char *const words[] = { "type", "family", "maxelem", NULL };

static void set_fields(struct nlattr **tb)
{
	out_nla_str("name", tb[CSVX_A_SET]);
	if (tb[CSVX_A_SET_TYPE])
		out_str("type", set_type_name(nla_get_u8(tb[CSVX_A_SET_TYPE])));
	if (tb[CSVX_A_FAMILY])
		out_str("family", family_name(nla_get_u8(tb[CSVX_A_FAMILY])));
	out_nla_u32("maxelem", tb[CSVX_A_MAXELEM]);
	out_nla_u32("members", tb[CSVX_A_COUNT]);
	out_nla_u32("refs", tb[CSVX_A_REFS]);
}

/* Only swap notifications carry SET2: "swap set A B". */
static void set_args(FILE *f, struct nlattr **tb, bool key_only)
{
	const char *name;

	arg_nla_str(f, NULL, tb[CSVX_A_SET]);
	arg_nla_str(f, NULL, tb[CSVX_A_SET2]);
	if (key_only)
		return;
	name = tb[CSVX_A_SET_TYPE] ? set_type_name(nla_get_u8(tb[CSVX_A_SET_TYPE])) : NULL;
	if (name)
		fprintf(f, " type %s", name);
	name = tb[CSVX_A_FAMILY] ? family_name(nla_get_u8(tb[CSVX_A_FAMILY])) : NULL;
	if (name)
		fprintf(f, " family %s", name);
	arg_nla_u32(f, "maxelem", tb[CSVX_A_MAXELEM]);
}

/* A member as the command line writes it: an address, or a prefix if it
 * is shorter than the address. */
static const char *member_text(struct nlattr **tb, char buf[PREFIX_STRLEN])
{
	struct nlattr *a = tb[CSVX_A_PREFIX];
	char addr[ADDR_STRLEN];
	unsigned int plen;

	if (!nla_is_addr(a))
		return NULL;
	fmt_addr(nla_data(a), nla_len(a), addr);
	plen = tb[CSVX_A_PLEN] ? nla_get_u8(tb[CSVX_A_PLEN]) : (unsigned int)nla_len(a) * 8;
	if (plen == (unsigned int)nla_len(a) * 8)
		snprintf(buf, PREFIX_STRLEN, "%s", addr);
	else
		snprintf(buf, PREFIX_STRLEN, "%s/%u", addr, plen);
	return buf;
}

static void member_fields(struct nlattr **tb)
{
	char buf[PREFIX_STRLEN];

	out_nla_str("set", tb[CSVX_A_SET]);
	out_str("member", member_text(tb, buf));
}

static void member_args(FILE *f, struct nlattr **tb, bool key_only)
{
	char buf[PREFIX_STRLEN];

	(void)key_only;		/* the whole member is its key */
	arg_nla_str(f, NULL, tb[CSVX_A_SET]);
	if (member_text(tb, buf))
		fprintf(f, " %s", buf);
}

static int bad_name(const char *what, const char *name)
{
	return usage_error(&set_object, what, "invalid set name `%s' (1 to %d bytes)",
			   name, CSVX_SET_NAME_MAX - 1);
}

static int set_add(int cmd, int argc, char **argv)
{
	const char *what = cmd == CMD_ADD ? "set add" : "set replace";
	struct kv kv = { .words = words, .pos = -1 };
	const char *val[K_MAX] = { 0 };
	uint8_t type, family = AF_INET;
	struct nlmsghdr *m;
	uint32_t maxelem;
	int rc;

	if (argc < 1)
		return usage_error(&set_object, what, "missing NAME");
	if (!parse_name(argv[0], CSVX_SET_NAME_MAX))
		return bad_name(what, argv[0]);
	rc = kv_parse(&set_object, what, argc - 1, argv + 1, &kv, val);
	if (!rc)
		rc = kv_require(&set_object, what, &kv, val, 1U << K_TYPE);
	if (rc)
		return rc;
	if (!parse_set_type(val[K_TYPE], &type))
		return usage_error(&set_object, what, "invalid type `%s' (hash:ip or hash:net)",
				   val[K_TYPE]);
	if (val[K_FAMILY] && !parse_family(val[K_FAMILY], &family))
		return usage_error(&set_object, what, "invalid family `%s' (inet or inet6)",
				   val[K_FAMILY]);
	if (val[K_MAXELEM] && !parse_u32(val[K_MAXELEM], &maxelem))
		return usage_error(&set_object, what, "invalid maxelem `%s'", val[K_MAXELEM]);

	m = req_new(CSVX_CMD_NEW_SET, 0);
	if (cmd == CMD_REPLACE)
		req_put_flag(m, CSVX_A_REPLACE);
	req_put_str(m, CSVX_A_SET, argv[0]);
	req_put_u8(m, CSVX_A_SET_TYPE, type);
	req_put_u8(m, CSVX_A_FAMILY, family);
	if (val[K_MAXELEM])
		req_put_u32(m, CSVX_A_MAXELEM, maxelem);
	return req_queue(m, what);
}

/* del, flush, show: at most one NAME (needed but by show); swap: two. */
static int set_key_cmd(int cmd, int argc, char **argv)
{
	static const char *const names[] = {
		[CMD_DEL] = "set del", [CMD_SHOW] = "set show", [CMD_FLUSH] = "set flush",
		[CMD_SWAP] = "set swap",
	};
	const char *what = names[cmd];
	int want = cmd == CMD_SWAP ? 2 : 1;
	struct nlmsghdr *m;

	if (argc > want)
		return usage_error(&set_object, what, "unexpected argument `%s'", argv[want]);
	if (argc < want && cmd != CMD_SHOW)
		return usage_error(&set_object, what, "missing NAME%s", want == 2 ? "s" : "");
	for (int i = 0; i < argc; i++)
		if (!parse_name(argv[i], CSVX_SET_NAME_MAX))
			return bad_name(what, argv[i]);

	switch (cmd) {
	case CMD_SHOW:
		m = req_new(CSVX_CMD_GET_SET, argc ? 0 : NLM_F_DUMP);
		if (argc)
			req_put_str(m, CSVX_A_SET, argv[0]);
		return show(&set_object, cols, m, what);
	case CMD_DEL:
		m = req_new(CSVX_CMD_DEL_SET, 0);
		break;
	case CMD_FLUSH:
		m = req_new(CSVX_CMD_FLUSH_SET, 0);
		break;
	default:
		m = req_new(CSVX_CMD_SWAP_SET, 0);
		req_put_str(m, CSVX_A_SET2, argv[1]);
	}
	req_put_str(m, CSVX_A_SET, argv[0]);
	return req_queue(m, what);
}

/* member add|replace|del NAME ADDR[/PLEN]; member show [NAME [ADDR[/PLEN]]] */
static int set_member(int argc, char **argv)
{
	static const char *const names[] = {
		[CMD_ADD] = "set member add", [CMD_DEL] = "set member del",
		[CMD_SHOW] = "set member show", [CMD_REPLACE] = "set member replace",
	};
	const char *what;
	struct nlmsghdr *m;
	struct addr addr;
	uint8_t plen = 0;
	bool has_plen;
	int cmd;

	cmd = argc ? cmd_lookup(&set_object, argv[0], 1U << CMD_ADD | 1U << CMD_REPLACE |
				1U << CMD_DEL | 1U << CMD_SHOW) : CMD_SHOW;
	if (cmd == CMD_HELP) {
		print_usage(stdout, &set_object);
		return 0;
	}
	if (cmd < 0)
		return -cmd;
	what = names[cmd];
	argc = argc ? argc - 1 : 0;
	argv++;
	if (argc > 2)
		return usage_error(&set_object, what, "unexpected argument `%s'", argv[2]);
	if (argc < 2 && cmd != CMD_SHOW)
		return usage_error(&set_object, what, argc ? "missing ADDR" : "missing NAME");
	if (argc && !parse_name(argv[0], CSVX_SET_NAME_MAX))
		return bad_name(what, argv[0]);
	if (argc == 2 && !parse_prefix(argv[1], &addr, &plen, true))
		return usage_error(&set_object, what, "invalid address or prefix `%s'", argv[1]);
	has_plen = argc == 2 && strchr(argv[1], '/');

	switch (cmd) {
	case CMD_SHOW:
		m = req_new(CSVX_CMD_GET_SET_MEMBER, argc == 2 ? 0 : NLM_F_DUMP);
		break;
	case CMD_DEL:
		m = req_new(CSVX_CMD_DEL_SET_MEMBER, 0);
		break;
	default:
		m = req_new(CSVX_CMD_NEW_SET_MEMBER, 0);
		if (cmd == CMD_REPLACE)
			req_put_flag(m, CSVX_A_REPLACE);
	}
	if (argc)
		req_put_str(m, CSVX_A_SET, argv[0]);
	if (argc == 2) {
		req_put(m, CSVX_A_PREFIX, addr.b, addr.len);
		if (has_plen)
			req_put_u8(m, CSVX_A_PLEN, plen);
	}
	if (cmd == CMD_SHOW)
		return show(&set_member_object, member_cols, m, what);
	return req_queue(m, what);
}

static int set_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&set_object, argv[0],
				    1U << CMD_ADD | 1U << CMD_REPLACE | 1U << CMD_DEL |
				    1U << CMD_SHOW | 1U << CMD_FLUSH | 1U << CMD_SWAP |
				    1U << CMD_MEMBER) : CMD_SHOW;

	switch (cmd) {
	case CMD_ADD:
	case CMD_REPLACE:
		return set_add(cmd, argc - 1, argv + 1);
	case CMD_MEMBER:
		return set_member(argc - 1, argv + 1);
	case CMD_DEL:
	case CMD_SHOW:
	case CMD_FLUSH:
	case CMD_SWAP:
		return set_key_cmd(cmd, argc ? argc - 1 : 0, argv + 1);
	case CMD_HELP:
		print_usage(stdout, &set_object);
		return 0;
	default:
		return -cmd;
	}
}

const struct object set_object = {
	.name = "set",
	.main = set_main,
	.usage = "set { add | replace } NAME type { hash:ip | hash:net } [family { inet | inet6 }] [maxelem N]\n"
		 "set { del | flush } NAME\n"
		 "set swap NAME1 NAME2\n"
		 "set show [NAME]\n"
		 "set member { add | replace | del } NAME ADDR[/PLEN]\n"
		 "set member show [NAME [ADDR[/PLEN]]]\n"
		 "set help",
	.help = "address sets for security-group rules",
	.fields = set_fields,
	.args = set_args,
};

/* What monitor and save print for a member: "set member NAME ADDR". */
const struct object set_member_object = {
	.name = "set member",
	.usage = "set member { add | replace | del } NAME ADDR[/PLEN]",
	.fields = member_fields,
	.args = member_args,
};
