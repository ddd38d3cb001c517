// SPDX-License-Identifier: GPL-2.0
/* flood: the head-end replication list of a VNI (EVPN type 3). */
#include "csvxctl.h"

static const struct col cols[] = {
	{ "vni", "VNI" }, { "remote", "REMOTE" }, { NULL, NULL },
};

enum { K_VNI, K_REMOTE, K_MAX };
static const char *const words[] = { "vni", "remote", NULL };

static void flood_fields(struct nlattr **tb)
{
	out_nla_u32("vni", tb[CSVX_A_VNI]);
	out_nla_addr("remote", tb[CSVX_A_REMOTE]);
}

static void flood_args(FILE *f, struct nlattr **tb, bool key_only)
{
	(void)key_only;		/* the whole entry is its key */
	arg_nla_u32(f, "vni", tb[CSVX_A_VNI]);
	arg_nla_addr(f, "remote", tb[CSVX_A_REMOTE]);
}

static int flood_cmd(int cmd, int argc, char **argv)
{
	const char *what = cmd == CMD_ADD ? "flood add" : cmd == CMD_DEL ? "flood del" : "flood show";
	struct kv kv = { .words = words, .pos = -1 };
	const char *val[K_MAX] = { 0 };
	struct nlmsghdr *m;
	struct addr remote;
	uint32_t vni = 0;
	int rc;

	rc = kv_parse(&flood_object, what, argc, argv, &kv, val);
	if (!rc && cmd != CMD_SHOW)
		rc = kv_require(&flood_object, what, &kv, val, 1U << K_VNI | 1U << K_REMOTE);
	if (rc)
		return rc;
	if (cmd == CMD_SHOW && val[K_REMOTE])
		return usage_error(&flood_object, what, "unexpected argument `remote'");
	if (val[K_VNI] && !parse_vni(val[K_VNI], &vni))
		return usage_error(&flood_object, what, "invalid VNI `%s' (1 to %u)",
				   val[K_VNI], CSVX_VNI_MAX);
	if (val[K_REMOTE] && !parse_addr(val[K_REMOTE], &remote))
		return usage_error(&flood_object, what, "invalid address `%s'", val[K_REMOTE]);

	if (cmd == CMD_SHOW) {
		m = req_new(CSVX_CMD_GET_FLOOD, NLM_F_DUMP);
		if (vni)
			req_put_u32(m, CSVX_A_VNI, vni);
		return show(&flood_object, cols, m, what);
	}
	m = req_new(cmd == CMD_ADD ? CSVX_CMD_NEW_FLOOD : CSVX_CMD_DEL_FLOOD, 0);
	req_put_u32(m, CSVX_A_VNI, vni);
	req_put(m, CSVX_A_REMOTE, remote.b, remote.len);
	return req_queue(m, what);
}

static int flood_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&flood_object, argv[0],
				    1U << CMD_ADD | 1U << CMD_DEL | 1U << CMD_SHOW) : CMD_SHOW;

	switch (cmd) {
	case CMD_ADD:
	case CMD_DEL:
	case CMD_SHOW:
		return flood_cmd(cmd, argc ? argc - 1 : 0, argv + 1);
	case CMD_HELP:
		print_usage(stdout, &flood_object);
		return 0;
	default:
		return -cmd;
	}
}

const struct object flood_object = {
	.name = "flood",
	.main = flood_main,
	.usage = "flood { add | del } vni VNI remote ADDR\n"
		 "flood show [vni VNI]\n"
		 "flood help",
	.help = "head-end replication lists (EVPN type 3)",
	.fields = flood_fields,
	.args = flood_args,
};
