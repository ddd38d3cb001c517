// SPDX-License-Identifier: GPL-2.0
/*
 * port: the local VM interfaces (bridge ports, such as libvirt's vnetN
 * taps), with their VNI, MAC, IPs and security groups.  A port in at
 * least one group is filtered: anti-spoofing on what leaves the VM, and
 * only what its groups' rules admit (and replies) enters it.  "port set"
 * changes the IPs or the groups of a port; what it names replaces what the
 * port had ("ip none", "sg none": no IP, no group).
 */
#include <net/if.h>
#include <string.h>

#include "csvxctl.h"

static const struct col cols[] = {
	{ "dev", "DEV" }, { "vni", "VNI" }, { "mac", "MAC" }, { "ip", "IP" }, { "sg", "SG" },
	{ "sg-ingress", "INGRESS" }, { "sg-egress", "EGRESS" }, { "sg-conns", "CONNS" },
	{ "drops", "DROPS" }, { NULL, NULL },
};

enum { K_DEV, K_VNI, K_MAC, K_IP, K_SG, K_MAX };
static const char *const words[] = { "dev", "vni", "mac", "ip", "sg", NULL };

/* The names or addresses of a nest, each passed to FN. */
static void nest_items(const struct nlattr *nest, int type, bool addr,
		       void (*fn)(const char *s, void *arg), void *arg)
{
	char buf[ADDR_STRLEN];
	struct nlattr *a;
	int rem;

	if (!nest)
		return;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			continue;
		if (addr && nla_is_addr(a))
			fn(fmt_addr(nla_data(a), nla_len(a), buf), arg);
		else if (!addr && nla_len(a) >= 1 && !((char *)nla_data(a))[nla_len(a) - 1])
			fn(nla_data(a), arg);
	}
}

static void list_item(const char *s, void *arg)
{
	(void)arg;
	out_list_str(s);
}

static void port_fields(struct nlattr **tb)
{
	out_nla_str("dev", tb[CSVX_A_IFNAME]);
	out_nla_u32("ifindex", tb[CSVX_A_IFINDEX]);
	out_nla_u32("vni", tb[CSVX_A_VNI]);
	out_nla_mac("mac", tb[CSVX_A_MAC]);
	out_list_start("ip");
	nest_items(tb[CSVX_A_IPS], CSVX_IPS_A_ADDR, true, list_item, NULL);
	out_list_end();
	out_list_start("sg");
	nest_items(tb[CSVX_A_SGS], CSVX_SGS_A_NAME, false, list_item, NULL);
	out_list_end();
	out_nla_u32("gen", tb[CSVX_A_GEN]);
	counter_fields(tb, true);
}

static void arg_ip(const char *s, void *arg)
{
	fprintf(arg, " ip %s", s);
}

/* " sg a,b": the names are words (parse_name), never holding a comma. */
struct sg_list {
	FILE *f;
	bool first;
};

static void arg_sg(const char *s, void *arg)
{
	struct sg_list *l = arg;

	fputs(l->first ? " sg " : ",", l->f);
	l->first = false;
	print_word(l->f, s);
}

static void port_args(FILE *f, struct nlattr **tb, bool key_only)
{
	struct sg_list l = { .f = f, .first = true };

	arg_nla_str(f, "dev", tb[CSVX_A_IFNAME]);
	if (key_only)
		return;
	arg_nla_u32(f, "vni", tb[CSVX_A_VNI]);
	arg_nla_mac(f, "mac", tb[CSVX_A_MAC]);
	nest_items(tb[CSVX_A_IPS], CSVX_IPS_A_ADDR, true, arg_ip, f);
	nest_items(tb[CSVX_A_SGS], CSVX_SGS_A_NAME, false, arg_sg, &l);
}

static int port_change(int cmd, int argc, char **argv)
{
	static const char *const names[] = {
		[CMD_ADD] = "port add", [CMD_REPLACE] = "port replace", [CMD_SET] = "port set",
		[CMD_DEL] = "port del", [CMD_SHOW] = "port show",
	};
	const char *what = names[cmd], *val[K_MAX] = { 0 }, *ipv[CSVX_PORT_MAX_IPS];
	const char *sgs[CSVX_PORT_MAX_SGS];
	struct kv kv = {
		.words = words, .multi = 1U << K_IP, .pos = -1,
		.multi_val = ipv, .max_multi = CSVX_PORT_MAX_IPS,
	};
	struct addr ips[CSVX_PORT_MAX_IPS];
	char sgbuf[CSVX_PORT_MAX_SGS * CSVX_SG_NAME_MAX];
	bool no_ip = false, no_sg = false;
	unsigned int allowed, need;
	int rc, nsgs = 0;
	struct nlattr *nest;
	struct nlmsghdr *m;
	uint8_t mac[6];
	uint32_t vni;

	rc = kv_parse(&port_object, what, argc, argv, &kv, val);
	if (rc)
		return rc;
	switch (cmd) {
	case CMD_ADD:
	case CMD_REPLACE:
		allowed = (1U << K_MAX) - 1;
		need = 1U << K_DEV | 1U << K_VNI | 1U << K_MAC;
		break;
	case CMD_SET:
		allowed = 1U << K_DEV | 1U << K_IP | 1U << K_SG;
		need = 1U << K_DEV;
		break;
	case CMD_DEL:
		allowed = need = 1U << K_DEV;
		break;
	default:
		allowed = 1U << K_DEV;
		need = 0;
	}
	for (int k = 0; k < K_MAX; k++)
		if (!(allowed & (1U << k)) && (val[k] || (k == K_IP && kv.nmulti)))
			return usage_error(&port_object, what, "unexpected argument `%s'", words[k]);
	rc = kv_require(&port_object, what, &kv, val, need);
	if (rc)
		return rc;
	if (val[K_DEV] && !parse_name(val[K_DEV], IFNAMSIZ))
		return usage_error(&port_object, what, "invalid device name `%s' (1 to %d bytes)",
				   val[K_DEV], IFNAMSIZ - 1);
	if (val[K_VNI] && !parse_vni(val[K_VNI], &vni))
		return usage_error(&port_object, what, "invalid VNI `%s' (1 to %u)",
				   val[K_VNI], CSVX_VNI_MAX);
	if (val[K_MAC] && !parse_mac(val[K_MAC], mac))
		return usage_error(&port_object, what, "invalid MAC address `%s'", val[K_MAC]);
	for (int i = 0; i < kv.nmulti; i++) {
		if (cmd == CMD_SET && !strcmp(ipv[i], "none") && kv.nmulti == 1) {
			no_ip = true;
			break;
		}
		if (!parse_addr(ipv[i], &ips[i]))
			return usage_error(&port_object, what, "invalid address `%s'", ipv[i]);
	}
	if (val[K_SG] && cmd == CMD_SET && !strcmp(val[K_SG], "none")) {
		no_sg = true;
	} else if (val[K_SG]) {
		if (strlen(val[K_SG]) >= sizeof(sgbuf))
			return usage_error(&port_object, what, "too many groups `%s'", val[K_SG]);
		strcpy(sgbuf, val[K_SG]);
		nsgs = split_names(sgbuf, sgs, CSVX_PORT_MAX_SGS, CSVX_SG_NAME_MAX);
		if (nsgs < 0)
			return usage_error(&port_object, what,
					   "invalid groups `%s' (up to %d names of 1 to %d bytes, "
					   "separated by commas)", val[K_SG], CSVX_PORT_MAX_SGS,
					   CSVX_SG_NAME_MAX - 1);
	}
	if (cmd == CMD_SET && !kv.nmulti && !val[K_SG])
		return usage_error(&port_object, what, "nothing to set (`ip' or `sg')");

	switch (cmd) {
	case CMD_SHOW:
		m = req_new(CSVX_CMD_GET_PORT, val[K_DEV] ? 0 : NLM_F_DUMP);
		if (val[K_DEV])
			req_put_str(m, CSVX_A_IFNAME, val[K_DEV]);
		return show(&port_object, cols, m, what);
	case CMD_DEL:
		m = req_new(CSVX_CMD_DEL_PORT, 0);
		req_put_str(m, CSVX_A_IFNAME, val[K_DEV]);
		return req_queue(m, what);
	case CMD_SET:
		m = req_new(CSVX_CMD_SET_PORT, 0);
		req_put_str(m, CSVX_A_IFNAME, val[K_DEV]);
		break;
	default:
		m = req_new(CSVX_CMD_NEW_PORT, 0);
		if (cmd == CMD_REPLACE)
			req_put_flag(m, CSVX_A_REPLACE);
		req_put_str(m, CSVX_A_IFNAME, val[K_DEV]);
		req_put_u32(m, CSVX_A_VNI, vni);
		req_put(m, CSVX_A_MAC, mac, 6);
	}
	/* add and replace always say what the port has: no IPs, no group. */
	if (kv.nmulti || cmd != CMD_SET) {
		nest = req_nest_start(m, CSVX_A_IPS);
		for (int i = 0; !no_ip && i < kv.nmulti; i++)
			req_put(m, CSVX_IPS_A_ADDR, ips[i].b, ips[i].len);
		req_nest_end(m, nest);
	}
	if (val[K_SG] || cmd != CMD_SET) {
		nest = req_nest_start(m, CSVX_A_SGS);
		for (int i = 0; !no_sg && i < nsgs; i++)
			req_put_str(m, CSVX_SGS_A_NAME, sgs[i]);
		req_nest_end(m, nest);
	}
	return req_queue(m, what);
}

static int port_main(int argc, char **argv)
{
	int cmd = argc ? cmd_lookup(&port_object, argv[0],
				    1U << CMD_ADD | 1U << CMD_REPLACE | 1U << CMD_SET |
				    1U << CMD_DEL | 1U << CMD_SHOW) : CMD_SHOW;

	if (cmd == CMD_HELP) {
		print_usage(stdout, &port_object);
		return 0;
	}
	if (cmd < 0)
		return -cmd;
	return port_change(cmd, argc ? argc - 1 : 0, argv + 1);
}

const struct object port_object = {
	.name = "port",
	.main = port_main,
	.usage = "port { add | replace } dev IFNAME vni VNI mac MAC [ip ADDR]... [sg NAME[,NAME]...]\n"
		 "port set dev IFNAME [ip ADDR]... [ip none] [sg NAME[,NAME]... | sg none]\n"
		 "port del dev IFNAME\n"
		 "port show [dev IFNAME]\n"
		 "port help",
	.help = "local VM interfaces and their security groups",
	.fields = port_fields,
	.args = port_args,
};
