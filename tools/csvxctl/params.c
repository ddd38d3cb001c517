// SPDX-License-Identifier: GPL-2.0
/* params: the namespace's tunables and table limits, and their usage. */
#include <string.h>

#include "csvxctl.h"

/* Command-line names by enum csvx_param, and the JSON key of the usage of
 * each limit (the table's name). */
static const char *const names[] = {
	[CSVX_PARAM_UDP_PORT] = "udp-port",
	[CSVX_PARAM_MAX_VRFS] = "max-vrfs",
	[CSVX_PARAM_MAX_VNIS] = "max-vnis",
	[CSVX_PARAM_MAX_FLOOD] = "max-flood",
	[CSVX_PARAM_MAX_FDB] = "max-fdb",
	[CSVX_PARAM_MAX_ROUTES] = "max-routes",
	[CSVX_PARAM_MAX_FLOWS] = "max-flows",
	[CSVX_PARAM_MAX_SETS] = "max-sets",
	[CSVX_PARAM_MAX_SET_MEMBERS] = "max-set-members",
	[CSVX_PARAM_MAX_SGS] = "max-sgs",
	[CSVX_PARAM_MAX_RULES] = "max-rules",
	[CSVX_PARAM_MAX_PORTS] = "max-ports",
	[CSVX_PARAM_CT_TCP_SYN] = "ct-tcp-syn",
	[CSVX_PARAM_CT_TCP_EST] = "ct-tcp-est",
	[CSVX_PARAM_CT_TCP_FIN] = "ct-tcp-fin",
	[CSVX_PARAM_CT_TCP_CLOSE] = "ct-tcp-close",
	[CSVX_PARAM_CT_UDP] = "ct-udp",
	[CSVX_PARAM_CT_UDP_REPLIED] = "ct-udp-replied",
	[CSVX_PARAM_CT_ICMP] = "ct-icmp",
	NULL,
};
/* A parameter added to the uapi needs its name here. */
_Static_assert(sizeof(names) / sizeof(names[0]) == CSVX_PARAM_MAX + 2,
	       "a csvx_param without a name");
_Static_assert(CSVX_PARAM_MAX <= 32, "struct kv takes 32 keywords");

static const struct col cols[] = {
	{ "param", "PARAM" }, { "value", "VALUE" }, { "in-use", "IN-USE" }, { NULL, NULL },
};

const char *param_name(int type)
{
	return type > 0 && type <= CSVX_PARAM_MAX ? names[type] : NULL;
}

/* The u32 values of a PARAMS or USAGE nest, by enum csvx_param. */
static void nest_values(const struct nlattr *nest, uint32_t *v, bool *have)
{
	struct nlattr *a;
	int rem;

	memset(have, 0, sizeof(bool) * (CSVX_PARAM_MAX + 1));
	if (!nest)
		return;
	nla_for_each_nested(a, nest, rem) {
		int t = nla_type(a);

		if (t > 0 && t <= CSVX_PARAM_MAX && nla_len(a) >= 4) {
			v[t] = nla_get_u32(a);
			have[t] = true;
		}
	}
}

/* The key of a limit's usage count: "max-fdb" -> "fdb"; others have none. */
static const char *usage_key(int t)
{
	return strncmp(names[t], "max-", 4) ? NULL : names[t] + 4;
}

static void params_fields(struct nlattr **tb)
{
	uint32_t v[CSVX_PARAM_MAX + 1], u[CSVX_PARAM_MAX + 1];
	bool have[CSVX_PARAM_MAX + 1], used[CSVX_PARAM_MAX + 1];

	nest_values(tb[CSVX_A_PARAMS], v, have);
	nest_values(tb[CSVX_A_USAGE], u, used);
	for (int t = 1; t <= CSVX_PARAM_MAX; t++)
		if (have[t])
			out_u32(names[t], v[t]);
	for (int t = 1; t <= CSVX_PARAM_MAX; t++)
		if (used[t] && usage_key(t))
			out_u32(usage_key(t), u[t]);
	out_nla_u32("version", tb[CSVX_A_VERSION]);
	out_nla_str("module-version", tb[CSVX_A_MOD_VERSION]);
}

static void params_args(FILE *f, struct nlattr **tb, bool key_only)
{
	uint32_t v[CSVX_PARAM_MAX + 1];
	bool have[CSVX_PARAM_MAX + 1];

	(void)key_only;
	nest_values(tb[CSVX_A_PARAMS], v, have);
	for (int t = 1; t <= CSVX_PARAM_MAX; t++)
		if (have[t])
			fprintf(f, " %s %u", names[t], v[t]);
}

/* The table is one row per parameter, JSON one object with every key. */
static void show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	uint32_t v[CSVX_PARAM_MAX + 1], u[CSVX_PARAM_MAX + 1];
	bool have[CSVX_PARAM_MAX + 1], used[CSVX_PARAM_MAX + 1];

	(void)cmd;
	(void)arg;
	if (opt.json) {
		out_row_start();
		params_fields(tb);
		out_row_end();
		return;
	}
	nest_values(tb[CSVX_A_PARAMS], v, have);
	nest_values(tb[CSVX_A_USAGE], u, used);
	for (int t = 1; t <= CSVX_PARAM_MAX; t++) {
		if (!have[t])
			continue;
		out_row_start();
		out_str("param", names[t]);
		out_u32("value", v[t]);
		if (used[t] && usage_key(t))
			out_u32("in-use", u[t]);
		out_row_end();
	}
}

static int params_show(int argc, char **argv)
{
	struct nlmsghdr *m;
	int rc;

	if (argc)
		return usage_error(&params_object, "params show", "unexpected argument `%s'",
				   argv[0]);
	m = req_new(CSVX_CMD_GET_PARAMS, 0);
	out_start(show_mode(), opt.pretty, cols);
	rc = req_get(m, "params show", show_reply, NULL);
	out_finish();
	return rc;
}

static int params_set(int argc, char **argv)
{
	static const char what[] = "params set";
	struct kv kv = { .words = names + 1, .pos = -1 };
	const char *val[CSVX_PARAM_MAX] = { 0 };
	uint32_t v[CSVX_PARAM_MAX];
	struct nlmsghdr *m;
	struct nlattr *nest;
	int rc, n = 0;

	rc = kv_parse(&params_object, what, argc, argv, &kv, val);
	if (rc)
		return rc;
	for (int i = 0; i < CSVX_PARAM_MAX; i++) {
		if (!val[i])
			continue;
		if (!parse_u32(val[i], &v[i]))
			return usage_error(&params_object, what, "invalid %s `%s'",
					   names[i + 1], val[i]);
		n++;
	}
	if (!n)
		return usage_error(&params_object, what, "nothing to set");

	m = req_new(CSVX_CMD_SET_PARAMS, 0);
	nest = req_nest_start(m, CSVX_A_PARAMS);
	for (int i = 0; i < CSVX_PARAM_MAX; i++)
		if (val[i])
			req_put_u32(m, (uint16_t)(i + 1), v[i]);
	req_nest_end(m, nest);
	return req_queue(m, what);
}

static void version_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	(void)arg;
	printf("csvx module %s, netlink family version %u\n",
	       tb[CSVX_A_MOD_VERSION] ? nla_get_string(tb[CSVX_A_MOD_VERSION]) : "(unknown)",
	       tb[CSVX_A_VERSION] ? nla_get_u32(tb[CSVX_A_VERSION]) : 0);
	if (tb[CSVX_A_VERSION] && nla_get_u32(tb[CSVX_A_VERSION]) != CSVX_GENL_VERSION)
		fprintf(stderr, "csvxctl: warning: csvxctl speaks netlink family version %u\n",
			CSVX_GENL_VERSION);
}

int show_version(void)
{
	if (req_get(req_new(CSVX_CMD_GET_PARAMS, 0), "version", version_reply, NULL))
		return EXIT_REFUSED;
	fflush(stdout);
	return 0;
}

static int params_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&params_object, argv[0], 1U << CMD_SHOW | 1U << CMD_SET) :
		  CMD_SHOW;

	switch (cmd) {
	case CMD_SHOW:
		return params_show(argc ? argc - 1 : 0, argv + 1);
	case CMD_SET:
		return params_set(argc - 1, argv + 1);
	case CMD_HELP:
		print_usage(stdout, &params_object);
		return 0;
	default:
		return -cmd;
	}
}

const struct object params_object = {
	.name = "params",
	.main = params_main,
	.usage = "params show\n"
		 "params set PARAM N [PARAM N]...\n"
		 " where PARAM := { udp-port | max-vrfs | max-vnis | max-flood | max-fdb | max-routes |\n"
		 "                  max-flows | max-sets | max-set-members | max-sgs | max-rules |\n"
		 "                  max-ports | ct-tcp-syn | ct-tcp-est | ct-tcp-fin | ct-tcp-close |\n"
		 "                  ct-udp | ct-udp-replied | ct-icmp }\n"
		 "params help",
	.help = "tunables and table limits",
	.fields = params_fields,
	.args = params_args,
};
