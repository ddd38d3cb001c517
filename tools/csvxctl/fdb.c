// SPDX-License-Identifier: GPL-2.0
/*
 * fdb: remote MACs of a VNI and their IPs (EVPN type 2).
 *
 * "add" of a MAC already there is ruled by EVPN MAC mobility in the kernel (a
 * higher sequence number moves it, an equal one is EEXIST, a lower one
 * ESTALE, a sticky MAC never moves); "replace" (CSVX_A_REPLACE) writes the
 * entry whatever its sequence number.
 */
#include "csvxctl.h"

static const struct col cols[] = {
	{ "vni", "VNI" }, { "mac", "MAC" }, { "remote", "REMOTE" }, { "seq", "SEQ" },
	{ "sticky", "FLAGS" }, { "ip", "IP" }, { NULL, NULL },
};

enum { K_VNI, K_MAC, K_REMOTE, K_IP, K_SEQ, K_STICKY, K_MAX };
static const char *const words[] = { "vni", "mac", "remote", "ip", "seq", "sticky", NULL };

static bool sticky(struct nlattr **tb)
{
	return tb[CSVX_A_FLAGS] && (nla_get_u32(tb[CSVX_A_FLAGS]) & CSVX_F_STICKY);
}

static void fdb_fields(struct nlattr **tb)
{
	char buf[ADDR_STRLEN];
	struct nlattr *a;
	int rem;

	out_nla_u32("vni", tb[CSVX_A_VNI]);
	out_nla_mac("mac", tb[CSVX_A_MAC]);
	out_nla_addr("remote", tb[CSVX_A_REMOTE]);
	out_list_start("ip");
	if (tb[CSVX_A_IPS])
		nla_for_each_nested(a, tb[CSVX_A_IPS], rem)
			if (nla_type(a) == CSVX_IPS_A_ADDR && nla_is_addr(a))
				out_list_str(fmt_addr(nla_data(a), nla_len(a), buf));
	out_list_end();
	out_nla_u32("seq", tb[CSVX_A_SEQ]);
	out_bool("sticky", sticky(tb), "sticky");
}

static void fdb_args(FILE *f, struct nlattr **tb, bool key_only)
{
	struct nlattr *a;
	int rem;

	arg_nla_u32(f, "vni", tb[CSVX_A_VNI]);
	arg_nla_mac(f, "mac", tb[CSVX_A_MAC]);
	if (key_only)
		return;
	arg_nla_addr(f, "remote", tb[CSVX_A_REMOTE]);
	if (tb[CSVX_A_IPS])
		nla_for_each_nested(a, tb[CSVX_A_IPS], rem)
			if (nla_type(a) == CSVX_IPS_A_ADDR)
				arg_nla_addr(f, "ip", a);
	arg_nla_u32(f, "seq", tb[CSVX_A_SEQ]);
	if (sticky(tb))
		fputs(" sticky", f);
}

static int fdb_cmd(int cmd, int argc, char **argv)
{
	static const char *const names[] = {
		[CMD_ADD] = "fdb add", [CMD_DEL] = "fdb del", [CMD_SHOW] = "fdb show",
		[CMD_REPLACE] = "fdb replace", [CMD_FLUSH] = "fdb flush",
	};
	const char *what = names[cmd], *ipv[CSVX_FDB_MAX_IPS];
	struct kv kv = {
		.words = words, .flags = 1U << K_STICKY, .multi = 1U << K_IP, .pos = -1,
		.multi_val = ipv, .max_multi = CSVX_FDB_MAX_IPS,
	};
	const char *val[K_MAX] = { 0 };
	struct addr remote, ips[CSVX_FDB_MAX_IPS];
	uint32_t vni = 0, seq = 0;
	struct nlmsghdr *m;
	struct nlattr *nest;
	uint8_t mac[6];
	int rc;

	rc = kv_parse(&fdb_object, what, argc, argv, &kv, val);
	if (rc)
		return rc;
	/* del takes add's arguments (the contract's grammar) but only sends the key */
	if (cmd == CMD_SHOW || cmd == CMD_FLUSH) {
		for (int k = K_REMOTE; k < K_MAX; k++)
			if (val[k] || (k == K_IP && kv.nmulti))
				return usage_error(&fdb_object, what, "unexpected argument `%s'",
						   words[k]);
		if (cmd == CMD_FLUSH && val[K_MAC])
			return usage_error(&fdb_object, what, "unexpected argument `mac'");
		if (cmd == CMD_SHOW && val[K_MAC] && !val[K_VNI])
			return usage_error(&fdb_object, what, "`mac' needs `vni'");
	}
	rc = kv_require(&fdb_object, what, &kv, val,
			cmd == CMD_SHOW ? 0 : cmd == CMD_FLUSH ? 1U << K_VNI :
			1U << K_VNI | 1U << K_MAC);
	if (rc)
		return rc;
	if (val[K_VNI] && !parse_vni(val[K_VNI], &vni))
		return usage_error(&fdb_object, what, "invalid VNI `%s' (1 to %u)",
				   val[K_VNI], CSVX_VNI_MAX);
	if (val[K_MAC] && !parse_mac(val[K_MAC], mac))
		return usage_error(&fdb_object, what, "invalid MAC address `%s'", val[K_MAC]);
	if (val[K_REMOTE] && !parse_addr(val[K_REMOTE], &remote))
		return usage_error(&fdb_object, what, "invalid address `%s'", val[K_REMOTE]);
	for (int i = 0; i < kv.nmulti; i++)
		if (!parse_addr(ipv[i], &ips[i]))
			return usage_error(&fdb_object, what, "invalid address `%s'", ipv[i]);
	if (val[K_SEQ] && !parse_u32(val[K_SEQ], &seq))
		return usage_error(&fdb_object, what, "invalid seq `%s'", val[K_SEQ]);

	switch (cmd) {
	case CMD_SHOW:
		m = req_new(CSVX_CMD_GET_FDB, val[K_MAC] ? 0 : NLM_F_DUMP);
		if (vni)
			req_put_u32(m, CSVX_A_VNI, vni);
		if (val[K_MAC])
			req_put(m, CSVX_A_MAC, mac, 6);
		return show(&fdb_object, cols, m, what);
	case CMD_FLUSH:
		m = req_new(CSVX_CMD_FLUSH_FDB, 0);
		req_put_u32(m, CSVX_A_VNI, vni);
		return req_queue(m, what);
	case CMD_DEL:
		m = req_entry(CSVX_CMD_DEL_FDB);
		req_put_u32(m, CSVX_A_VNI, vni);
		req_put(m, CSVX_A_MAC, mac, 6);
		return req_entry_end(m, what);
	}
	m = req_entry(CSVX_CMD_NEW_FDB);
	if (cmd == CMD_REPLACE)
		req_put_flag(m, CSVX_A_REPLACE);
	req_put_u32(m, CSVX_A_VNI, vni);
	req_put(m, CSVX_A_MAC, mac, 6);
	if (val[K_REMOTE])
		req_put(m, CSVX_A_REMOTE, remote.b, remote.len);
	if (kv.nmulti) {
		nest = req_nest_start(m, CSVX_A_IPS);
		for (int i = 0; i < kv.nmulti; i++)
			req_put(m, CSVX_IPS_A_ADDR, ips[i].b, ips[i].len);
		req_nest_end(m, nest);
	}
	if (val[K_SEQ])
		req_put_u32(m, CSVX_A_SEQ, seq);
	/* Always sent, so that the entry ends up exactly as the line says. */
	req_put_u32(m, CSVX_A_FLAGS, val[K_STICKY] ? CSVX_F_STICKY : 0);
	return req_entry_end(m, what);
}

static int fdb_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&fdb_object, argv[0],
				    1U << CMD_ADD | 1U << CMD_REPLACE | 1U << CMD_DEL |
				    1U << CMD_SHOW | 1U << CMD_FLUSH) : CMD_SHOW;

	if (cmd == CMD_HELP) {
		print_usage(stdout, &fdb_object);
		return 0;
	}
	if (cmd < 0)
		return -cmd;
	return fdb_cmd(cmd, argc ? argc - 1 : 0, argv + 1);
}

const struct object fdb_object = {
	.name = "fdb",
	.main = fdb_main,
	.usage = "fdb { add | replace | del } vni VNI mac MAC [remote ADDR] [ip ADDR]... [seq N] [sticky]\n"
		 "fdb show [vni VNI [mac MAC]]\n"
		 "fdb flush vni VNI\n"
		 "fdb help",
	.help = "remote MACs and their IPs (EVPN type 2)",
	.fields = fdb_fields,
	.args = fdb_args,
};
