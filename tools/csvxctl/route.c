// SPDX-License-Identifier: GPL-2.0
/*
 * route: prefixes in a VRF routed to a remote VTEP and router MAC (EVPN
 * type 5, and type-2 host routes).  The kernel adds a connected route for
 * the gateway subnet of each VNI in the VRF; those are shown, but belong to
 * the VNI.
 */
#include "csvxctl.h"

static const struct col cols[] = {
	{ "vrf", "VRF" }, { "prefix", "PREFIX" }, { "remote", "REMOTE" }, { "rmac", "RMAC" },
	{ "vni", "VNI" }, { "connected", "FLAGS" }, { NULL, NULL },
};

enum { K_VRF, K_PREFIX, K_REMOTE, K_RMAC, K_MAX };
static const char *const words[] = { "vrf", "prefix", "remote", "rmac", NULL };

static bool connected(struct nlattr **tb)
{
	return tb[CSVX_A_FLAGS] && (nla_get_u32(tb[CSVX_A_FLAGS]) & CSVX_F_CONNECTED);
}

static bool prefix_ok(struct nlattr **tb)
{
	return nla_is_addr(tb[CSVX_A_PREFIX]) && tb[CSVX_A_PLEN];
}

static void route_fields(struct nlattr **tb)
{
	out_nla_str("vrf", tb[CSVX_A_VRF]);
	if (prefix_ok(tb))
		out_prefix("prefix", nla_data(tb[CSVX_A_PREFIX]), nla_len(tb[CSVX_A_PREFIX]),
			   nla_get_u8(tb[CSVX_A_PLEN]));
	out_nla_addr("remote", tb[CSVX_A_REMOTE]);
	out_nla_mac("rmac", tb[CSVX_A_RMAC]);
	out_nla_u32("vni", tb[CSVX_A_VNI]);
	out_bool("connected", connected(tb), "connected");
}

static void route_args(FILE *f, struct nlattr **tb, bool key_only)
{
	char buf[ADDR_STRLEN];

	arg_nla_str(f, "vrf", tb[CSVX_A_VRF]);
	if (prefix_ok(tb))
		fprintf(f, " %s/%u",
			fmt_addr(nla_data(tb[CSVX_A_PREFIX]), nla_len(tb[CSVX_A_PREFIX]), buf),
			nla_get_u8(tb[CSVX_A_PLEN]));
	if (key_only)
		return;
	arg_nla_addr(f, "remote", tb[CSVX_A_REMOTE]);
	arg_nla_mac(f, "rmac", tb[CSVX_A_RMAC]);
	if (connected(tb)) {
		fputs(" connected", f);
		arg_nla_u32(f, "vni", tb[CSVX_A_VNI]);
	}
}

static int route_cmd(int cmd, int argc, char **argv)
{
	static const char *const names[] = {
		[CMD_ADD] = "route add", [CMD_DEL] = "route del", [CMD_SHOW] = "route show",
		[CMD_REPLACE] = "route replace", [CMD_FLUSH] = "route flush",
	};
	const char *what = names[cmd];
	struct kv kv = { .words = words, .pos = K_PREFIX };
	const char *val[K_MAX] = { 0 };
	struct addr prefix, remote;
	struct nlmsghdr *m;
	uint8_t rmac[6], plen;
	unsigned int need;
	int rc;

	rc = kv_parse(&route_object, what, argc, argv, &kv, val);
	if (rc)
		return rc;
	if (cmd == CMD_SHOW || cmd == CMD_FLUSH) {
		for (int k = K_REMOTE; k < K_MAX; k++)
			if (val[k])
				return usage_error(&route_object, what, "unexpected argument `%s'",
						   words[k]);
		if (val[K_PREFIX] && (cmd == CMD_FLUSH || !val[K_VRF]))
			return usage_error(&route_object, what, "unexpected argument `%s'",
					   val[K_PREFIX]);
	}
	need = cmd == CMD_SHOW ? 0 : cmd == CMD_FLUSH ? 1U << K_VRF :
	       cmd == CMD_DEL ? 1U << K_VRF | 1U << K_PREFIX : (1U << K_MAX) - 1;
	rc = kv_require(&route_object, what, &kv, val, need);
	if (rc)
		return rc;
	if (val[K_VRF] && !parse_name(val[K_VRF], CSVX_NAME_MAX))
		return usage_error(&route_object, what, "invalid VRF name `%s'", val[K_VRF]);
	if (val[K_PREFIX] && !parse_prefix(val[K_PREFIX], &prefix, &plen, true))
		return usage_error(&route_object, what, "invalid prefix `%s'", val[K_PREFIX]);
	if (val[K_REMOTE] && !parse_addr(val[K_REMOTE], &remote))
		return usage_error(&route_object, what, "invalid address `%s'", val[K_REMOTE]);
	if (val[K_RMAC] && !parse_mac(val[K_RMAC], rmac))
		return usage_error(&route_object, what, "invalid MAC address `%s'", val[K_RMAC]);

	switch (cmd) {
	case CMD_SHOW:
		m = req_new(CSVX_CMD_GET_ROUTE, val[K_PREFIX] ? 0 : NLM_F_DUMP);
		break;
	case CMD_FLUSH:
		m = req_new(CSVX_CMD_FLUSH_ROUTE, 0);
		break;
	case CMD_DEL:
		m = req_new(CSVX_CMD_DEL_ROUTE, 0);
		break;
	default:
		m = req_new(CSVX_CMD_NEW_ROUTE, 0);
		if (cmd == CMD_REPLACE)
			req_put_flag(m, CSVX_A_REPLACE);
	}
	if (val[K_VRF])
		req_put_str(m, CSVX_A_VRF, val[K_VRF]);
	if (val[K_PREFIX]) {
		req_put(m, CSVX_A_PREFIX, prefix.b, prefix.len);
		req_put_u8(m, CSVX_A_PLEN, plen);
	}
	if (cmd == CMD_SHOW)
		return show(&route_object, cols, m, what);
	if (cmd == CMD_ADD || cmd == CMD_REPLACE) {
		req_put(m, CSVX_A_REMOTE, remote.b, remote.len);
		req_put(m, CSVX_A_RMAC, rmac, 6);
	}
	return req_queue(m, what);
}

static int route_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&route_object, argv[0],
				    1U << CMD_ADD | 1U << CMD_REPLACE | 1U << CMD_DEL |
				    1U << CMD_SHOW | 1U << CMD_FLUSH) : CMD_SHOW;

	if (cmd == CMD_HELP) {
		print_usage(stdout, &route_object);
		return 0;
	}
	if (cmd < 0)
		return -cmd;
	return route_cmd(cmd, argc ? argc - 1 : 0, argv + 1);
}

const struct object route_object = {
	.name = "route",
	.main = route_main,
	.usage = "route { add | replace } vrf NAME PREFIX remote ADDR rmac MAC\n"
		 "route del vrf NAME PREFIX\n"
		 "route show [vrf NAME [PREFIX]]\n"
		 "route flush vrf NAME\n"
		 "route help",
	.help = "VRF routes to remote VTEPs (EVPN type 5)",
	.fields = route_fields,
	.args = route_args,
};
