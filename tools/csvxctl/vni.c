// SPDX-License-Identifier: GPL-2.0
/* vni: L2 segments, each with its VTEP device, optionally in a VRF with a
 * distributed anycast gateway. */
#include <net/if.h>
#include <string.h>

#include "csvxctl.h"

static const struct col cols[] = {
	{ "vni", "VNI" }, { "vrf", "VRF" }, { "dev", "DEV" }, { "ifindex", "IFINDEX" },
	{ "local", "LOCAL" }, { "gateway", "GATEWAY" }, { "gwmac", "GWMAC" }, { "mtu", "MTU" },
	{ NULL, NULL },
};

enum { K_VRF, K_DEV, K_LOCAL, K_GATEWAY, K_GWMAC, K_MTU, K_MAX };
static const char *const words[] = { "vrf", "dev", "local", "gateway", "gwmac", "mtu", NULL };

static bool gateway_ok(struct nlattr **tb)
{
	return nla_is_addr(tb[CSVX_A_GW]) && tb[CSVX_A_GW_PLEN];
}

static void vni_fields(struct nlattr **tb)
{
	out_nla_u32("vni", tb[CSVX_A_VNI]);
	out_nla_str("vrf", tb[CSVX_A_VRF]);
	out_nla_str("dev", tb[CSVX_A_IFNAME]);
	out_nla_u32("ifindex", tb[CSVX_A_IFINDEX]);
	out_nla_addr("local", tb[CSVX_A_LOCAL]);
	if (gateway_ok(tb))
		out_prefix("gateway", nla_data(tb[CSVX_A_GW]), nla_len(tb[CSVX_A_GW]),
			   nla_get_u8(tb[CSVX_A_GW_PLEN]));
	out_nla_mac("gwmac", tb[CSVX_A_GW_MAC]);
	out_nla_u32("mtu", tb[CSVX_A_MTU]);
}

static void vni_args(FILE *f, struct nlattr **tb, bool key_only)
{
	char buf[ADDR_STRLEN];

	arg_nla_u32(f, NULL, tb[CSVX_A_VNI]);
	if (key_only)
		return;
	arg_nla_str(f, "vrf", tb[CSVX_A_VRF]);
	arg_nla_str(f, "dev", tb[CSVX_A_IFNAME]);
	arg_nla_addr(f, "local", tb[CSVX_A_LOCAL]);
	if (gateway_ok(tb))
		fprintf(f, " gateway %s/%u",
			fmt_addr(nla_data(tb[CSVX_A_GW]), nla_len(tb[CSVX_A_GW]), buf),
			nla_get_u8(tb[CSVX_A_GW_PLEN]));
	arg_nla_mac(f, "gwmac", tb[CSVX_A_GW_MAC]);
	arg_nla_u32(f, "mtu", tb[CSVX_A_MTU]);
}

static int vni_add(int cmd, int argc, char **argv)
{
	const char *what = cmd == CMD_ADD ? "vni add" : "vni replace";
	struct kv kv = { .words = words, .pos = -1 };
	const char *val[K_MAX] = { 0 };
	struct addr local, gw;
	struct nlmsghdr *m;
	uint32_t vni, mtu;
	uint8_t gwmac[6], plen;
	int rc;

	if (argc < 1)
		return usage_error(&vni_object, what, "missing VNI");
	if (!parse_vni(argv[0], &vni))
		return usage_error(&vni_object, what, "invalid VNI `%s' (1 to %u)",
				   argv[0], CSVX_VNI_MAX);
	rc = kv_parse(&vni_object, what, argc - 1, argv + 1, &kv, val);
	if (!rc)
		rc = kv_require(&vni_object, what, &kv, val, 1U << K_DEV);
	if (rc)
		return rc;
	if (val[K_VRF] && !parse_name(val[K_VRF], CSVX_NAME_MAX))
		return usage_error(&vni_object, what, "invalid VRF name `%s'", val[K_VRF]);
	if (!parse_name(val[K_DEV], IFNAMSIZ))
		return usage_error(&vni_object, what, "invalid device name `%s' (1 to %d bytes)",
				   val[K_DEV], IFNAMSIZ - 1);
	if (val[K_LOCAL] && !parse_addr(val[K_LOCAL], &local))
		return usage_error(&vni_object, what, "invalid address `%s'", val[K_LOCAL]);
	if (!val[K_GATEWAY] != !val[K_GWMAC])
		return usage_error(&vni_object, what, "`gateway' and `gwmac' go together");
	if (val[K_GATEWAY] && !parse_prefix(val[K_GATEWAY], &gw, &plen, false))
		return usage_error(&vni_object, what, "invalid gateway `%s' (ADDR/PLEN)",
				   val[K_GATEWAY]);
	if (val[K_GWMAC] && !parse_mac(val[K_GWMAC], gwmac))
		return usage_error(&vni_object, what, "invalid MAC address `%s'", val[K_GWMAC]);
	if (val[K_MTU] && !parse_u32(val[K_MTU], &mtu))
		return usage_error(&vni_object, what, "invalid mtu `%s'", val[K_MTU]);

	m = req_new(CSVX_CMD_NEW_VNI, 0);
	if (cmd == CMD_REPLACE)
		req_put_flag(m, CSVX_A_REPLACE);
	req_put_u32(m, CSVX_A_VNI, vni);
	req_put_str(m, CSVX_A_IFNAME, val[K_DEV]);
	if (val[K_VRF])
		req_put_str(m, CSVX_A_VRF, val[K_VRF]);
	if (val[K_LOCAL])
		req_put(m, CSVX_A_LOCAL, local.b, local.len);
	if (val[K_GATEWAY]) {
		req_put(m, CSVX_A_GW, gw.b, gw.len);
		req_put_u8(m, CSVX_A_GW_PLEN, plen);
		req_put(m, CSVX_A_GW_MAC, gwmac, 6);
	}
	if (val[K_MTU])
		req_put_u32(m, CSVX_A_MTU, mtu);
	return req_queue(m, what);
}

static int vni_del_show(int cmd, int argc, char **argv)
{
	const char *what = cmd == CMD_DEL ? "vni del" : "vni show";
	struct nlmsghdr *m;
	uint32_t vni = 0;

	if (argc > 1)
		return usage_error(&vni_object, what, "unexpected argument `%s'", argv[1]);
	if (cmd == CMD_DEL && !argc)
		return usage_error(&vni_object, what, "missing VNI");
	if (argc && !parse_vni(argv[0], &vni))
		return usage_error(&vni_object, what, "invalid VNI `%s' (1 to %u)",
				   argv[0], CSVX_VNI_MAX);

	if (cmd == CMD_DEL) {
		m = req_new(CSVX_CMD_DEL_VNI, 0);
		req_put_u32(m, CSVX_A_VNI, vni);
		return req_queue(m, what);
	}
	m = req_new(CSVX_CMD_GET_VNI, argc ? 0 : NLM_F_DUMP);
	if (argc)
		req_put_u32(m, CSVX_A_VNI, vni);
	return show(&vni_object, cols, m, what);
}

static int vni_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&vni_object, argv[0],
				    1U << CMD_ADD | 1U << CMD_REPLACE | 1U << CMD_DEL |
				    1U << CMD_SHOW) : CMD_SHOW;

	switch (cmd) {
	case CMD_ADD:
	case CMD_REPLACE:
		return vni_add(cmd, argc - 1, argv + 1);
	case CMD_DEL:
	case CMD_SHOW:
		return vni_del_show(cmd, argc ? argc - 1 : 0, argv + 1);
	case CMD_HELP:
		print_usage(stdout, &vni_object);
		return 0;
	default:
		return -cmd;
	}
}

const struct object vni_object = {
	.name = "vni",
	.main = vni_main,
	.usage = "vni { add | replace } VNI [vrf NAME] dev IFNAME [local ADDR] [gateway ADDR/PLEN gwmac MAC] [mtu N]\n"
		 "vni del VNI\n"
		 "vni show [VNI]\n"
		 "vni help",
	.help = "L2 segments (VNIs) and their VTEP devices",
	.fields = vni_fields,
	.args = vni_args,
};
