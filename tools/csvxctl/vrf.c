// SPDX-License-Identifier: GPL-2.0
/* vrf: tenant VRFs (id, L3VNI, this host's router MAC). */
#include <string.h>

#include "csvxctl.h"

static const struct col cols[] = {
	{ "name", "NAME" }, { "id", "ID" }, { "l3vni", "L3VNI" }, { "rmac", "RMAC" }, { NULL, NULL },
};

enum { K_ID, K_L3VNI, K_RMAC, K_MAX };
static const char *const words[] = { "id", "l3vni", "rmac", NULL };

static void vrf_fields(struct nlattr **tb)
{
	out_nla_str("name", tb[CSVX_A_VRF]);
	out_nla_u32("id", tb[CSVX_A_VRF_ID]);
	out_nla_u32("l3vni", tb[CSVX_A_L3VNI]);
	out_nla_mac("rmac", tb[CSVX_A_RMAC]);
}

static void vrf_args(FILE *f, struct nlattr **tb, bool key_only)
{
	arg_nla_str(f, NULL, tb[CSVX_A_VRF]);
	if (key_only)
		return;
	arg_nla_u32(f, "id", tb[CSVX_A_VRF_ID]);
	arg_nla_u32(f, "l3vni", tb[CSVX_A_L3VNI]);
	arg_nla_mac(f, "rmac", tb[CSVX_A_RMAC]);
}

static int vrf_add(int cmd, int argc, char **argv)
{
	const char *what = cmd == CMD_ADD ? "vrf add" : "vrf replace";
	struct kv kv = { .words = words, .pos = -1 };
	const char *val[K_MAX] = { 0 };
	struct nlmsghdr *m;
	uint32_t id, l3vni;
	uint8_t rmac[6];
	int rc;

	if (argc < 1)
		return usage_error(&vrf_object, what, "missing NAME");
	if (!parse_name(argv[0], CSVX_NAME_MAX))
		return usage_error(&vrf_object, what, "invalid VRF name `%s' (1 to %d bytes)",
				   argv[0], CSVX_NAME_MAX - 1);
	rc = kv_parse(&vrf_object, what, argc - 1, argv + 1, &kv, val);
	if (!rc)
		rc = kv_require(&vrf_object, what, &kv, val, 1U << K_ID | 1U << K_L3VNI | 1U << K_RMAC);
	if (rc)
		return rc;
	if (!parse_u32(val[K_ID], &id))
		return usage_error(&vrf_object, what, "invalid id `%s'", val[K_ID]);
	if (!parse_vni(val[K_L3VNI], &l3vni))
		return usage_error(&vrf_object, what, "invalid l3vni `%s' (1 to %u)",
				   val[K_L3VNI], CSVX_VNI_MAX);
	if (!parse_mac(val[K_RMAC], rmac))
		return usage_error(&vrf_object, what, "invalid MAC address `%s'", val[K_RMAC]);

	m = req_new(CSVX_CMD_NEW_VRF, 0);
	if (cmd == CMD_REPLACE)
		req_put_flag(m, CSVX_A_REPLACE);
	req_put_str(m, CSVX_A_VRF, argv[0]);
	req_put_u32(m, CSVX_A_VRF_ID, id);
	req_put_u32(m, CSVX_A_L3VNI, l3vni);
	req_put(m, CSVX_A_RMAC, rmac, 6);
	return req_queue(m, what);
}

static int vrf_del_show(int cmd, int argc, char **argv)
{
	const char *what = cmd == CMD_DEL ? "vrf del" : "vrf show";
	struct nlmsghdr *m;

	if (argc > 1)
		return usage_error(&vrf_object, what, "unexpected argument `%s'", argv[1]);
	if (cmd == CMD_DEL && !argc)
		return usage_error(&vrf_object, what, "missing NAME");
	if (argc && !parse_name(argv[0], CSVX_NAME_MAX))
		return usage_error(&vrf_object, what, "invalid VRF name `%s'", argv[0]);

	if (cmd == CMD_DEL) {
		m = req_new(CSVX_CMD_DEL_VRF, 0);
		req_put_str(m, CSVX_A_VRF, argv[0]);
		return req_queue(m, what);
	}
	m = req_new(CSVX_CMD_GET_VRF, argc ? 0 : NLM_F_DUMP);
	if (argc)
		req_put_str(m, CSVX_A_VRF, argv[0]);
	return show(&vrf_object, cols, m, what);
}

static int vrf_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&vrf_object, argv[0],
				    1U << CMD_ADD | 1U << CMD_REPLACE | 1U << CMD_DEL |
				    1U << CMD_SHOW) : CMD_SHOW;

	switch (cmd) {
	case CMD_ADD:
	case CMD_REPLACE:
		return vrf_add(cmd, argc - 1, argv + 1);
	case CMD_DEL:
	case CMD_SHOW:
		return vrf_del_show(cmd, argc ? argc - 1 : 0, argv + 1);
	case CMD_HELP:
		print_usage(stdout, &vrf_object);
		return 0;
	default:
		return -cmd;
	}
}

const struct object vrf_object = {
	.name = "vrf",
	.main = vrf_main,
	.usage = "vrf { add | replace } NAME id ID l3vni VNI rmac MAC\n"
		 "vrf del NAME\n"
		 "vrf show [NAME]\n"
		 "vrf help",
	.help = "tenant VRFs: id, L3VNI and this host's router MAC",
	.fields = vrf_fields,
	.args = vrf_args,
};
