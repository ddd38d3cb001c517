// SPDX-License-Identifier: GPL-2.0
/* stats: per-VNI traffic counters and drop reasons. */
#include <inttypes.h>
#include <net/if.h>
#include <string.h>

#include "csvxctl.h"

static const char *const stat_names[] = {
	[CSVX_STAT_RX_PACKETS] = "rx-packets",
	[CSVX_STAT_RX_BYTES] = "rx-bytes",
	[CSVX_STAT_TX_PACKETS] = "tx-packets",
	[CSVX_STAT_TX_BYTES] = "tx-bytes",
	[CSVX_STAT_TX_FLOOD] = "tx-flood",
	[CSVX_STAT_ARP_SUPPRESSED] = "arp-suppressed",
	[CSVX_STAT_ND_SUPPRESSED] = "nd-suppressed",
	[CSVX_STAT_ROUTED] = "routed",
	[CSVX_STAT_SG_INGRESS] = "sg-ingress",
	[CSVX_STAT_SG_EGRESS] = "sg-egress",
	[CSVX_STAT_SG_CONNS] = "sg-conns",
};

/* JSON keys; the table shows the non-zero ones without "drop-" in one column. */
static const char *const drop_names[] = {
	[CSVX_DROP_BAD_HEADER] = "drop-bad-header",
	[CSVX_DROP_UNKNOWN_VNI] = "drop-unknown-vni",
	[CSVX_DROP_NO_ROUTE] = "drop-no-route",
	[CSVX_DROP_TTL] = "drop-ttl",
	[CSVX_DROP_NO_FLOOD] = "drop-no-flood",
	[CSVX_DROP_TOO_BIG] = "drop-too-big",
	[CSVX_DROP_UNDERLAY] = "drop-underlay",
	[CSVX_DROP_NOMEM] = "drop-nomem",
	[CSVX_DROP_LOOP] = "drop-loop",
	[CSVX_DROP_NO_NEIGH] = "drop-no-neigh",
	[CSVX_DROP_SG_SPOOF_MAC] = "drop-sg-spoof-mac",
	[CSVX_DROP_SG_SPOOF_IP] = "drop-sg-spoof-ip",
	[CSVX_DROP_SG_SPOOF_ARP] = "drop-sg-spoof-arp",
	[CSVX_DROP_SG_NO_RULE] = "drop-sg-no-rule",
	[CSVX_DROP_SG_CONN_FULL] = "drop-sg-conn-full",
	[CSVX_DROP_SG_NOT_IP] = "drop-sg-not-ip",
	[CSVX_DROP_SG_MALFORMED] = "drop-sg-malformed",
};

static const struct col cols[] = {
	{ "vni", "VNI" },
	{ "rx-packets", "RX-PACKETS" }, { "rx-bytes", "RX-BYTES" },
	{ "tx-packets", "TX-PACKETS" }, { "tx-bytes", "TX-BYTES" },
	{ "tx-flood", "TX-FLOOD" }, { "arp-suppressed", "ARP-SUPPR" },
	{ "nd-suppressed", "ND-SUPPR" }, { "routed", "ROUTED" }, { "drops", "DROPS" },
	{ NULL, NULL },
};

static const struct col port_cols[] = {
	{ "port", "PORT" }, { "sg-ingress", "SG-INGRESS" }, { "sg-egress", "SG-EGRESS" },
	{ "sg-conns", "SG-CONNS" }, { "drops", "DROPS" }, { NULL, NULL },
};

/*
 * Counters are u64 attributes in a nest.  Anything else in the nest (a pad
 * attribute before an aligned u64, a counter this csvxctl does not know)
 * is skipped or named by number.  Types below MIN are left out.
 */
static void counters(const struct nlattr *nest, const char *const *names, int max, int min,
		     const char *unknown, char *drops, size_t size)
{
	size_t used = 0;
	struct nlattr *a;
	int rem;

	if (!nest)
		return;
	nla_for_each_nested(a, nest, rem) {
		int t = nla_type(a);
		uint64_t v;
		char key[32];

		if (nla_len(a) != 8 || t < min)
			continue;
		v = nla_get_u64(a);
		if (t >= 1 && t <= max && names[t])
			snprintf(key, sizeof(key), "%s", names[t]);
		else
			snprintf(key, sizeof(key), "%s%d", unknown, t);
		if (!drops || opt.json)
			out_u64(key, v);
		else if (v && used < size)
			used += (size_t)snprintf(drops + used, size - used, "%s%s:%" PRIu64,
						 used ? "," : "",
						 strncmp(key, "drop-", 5) ? key : key + 5, v);
	}
}

void counter_fields(struct nlattr **tb, bool sg_only)
{
	char drops[512] = "";

	counters(tb[CSVX_A_STATS], stat_names, CSVX_STAT_MAX,
		 sg_only ? CSVX_STAT_SG_INGRESS : 1, "stat-", NULL, 0);
	counters(tb[CSVX_A_DROPS], drop_names, CSVX_DROP_MAX,
		 sg_only ? CSVX_DROP_SG_SPOOF_MAC : 1, "drop-", drops, sizeof(drops));
	if (!opt.json)
		out_str("drops", *drops ? drops : "0");
}

static void stats_fields(struct nlattr **tb)
{
	out_nla_u32("vni", tb[CSVX_A_VNI]);
	counter_fields(tb, false);
}

/* A port's row: its name and its security-group counters. */
static void port_row(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	(void)arg;
	out_row_start();
	out_nla_str("port", tb[CSVX_A_IFNAME]);
	counter_fields(tb, true);
	out_row_end();
}

static int stats_show(int argc, char **argv)
{
	static const char what[] = "stats show";
	static const char *const words[] = { "vni", "port", NULL };
	struct kv kv = { .words = words, .pos = -1 };
	const char *val[2] = { 0 };
	struct nlmsghdr *m;
	uint32_t vni;
	int rc;

	rc = kv_parse(&stats_object, what, argc, argv, &kv, val);
	if (rc)
		return rc;
	if (val[0] && val[1])
		return usage_error(&stats_object, what, "`vni' and `port' exclude each other");
	if (val[0] && !parse_vni(val[0], &vni))
		return usage_error(&stats_object, what, "invalid VNI `%s' (1 to %u)",
				   val[0], CSVX_VNI_MAX);
	if (val[1] && !parse_name(val[1], IFNAMSIZ))
		return usage_error(&stats_object, what, "invalid device name `%s' (1 to %d bytes)",
				   val[1], IFNAMSIZ - 1);
	if (val[1]) {
		m = req_new(CSVX_CMD_GET_PORT, 0);
		req_put_str(m, CSVX_A_IFNAME, val[1]);
		out_start(show_mode(), opt.pretty, port_cols);
		rc = req_get(m, what, port_row, NULL);
		out_finish();
		return rc;
	}
	if (val[0]) {
		m = req_new(CSVX_CMD_GET_STATS, 0);
		req_put_u32(m, CSVX_A_VNI, vni);
		return show(&stats_object, cols, m, what);
	}
	/* Every VNI, then the drops of the namespace that belong to no VNI
	 * (a GET without VNI): a row without "vni". */
	out_start(show_mode(), opt.pretty, cols);
	rc = req_get(req_new(CSVX_CMD_GET_STATS, NLM_F_DUMP), what, show_row, (void *)&stats_object);
	if (!rc)
		rc = req_get(req_new(CSVX_CMD_GET_STATS, 0), what, show_row,
			     (void *)&stats_object);
	out_finish();
	return rc;
}

static int stats_main(int argc, char **argv)
{
	int cmd;

	if (argc && *argv[0] && !strncmp("export", argv[0], strlen(argv[0])))
		return stats_export(argc - 1, argv + 1);
	cmd = argc ? cmd_lookup(&stats_object, argv[0], 1U << CMD_SHOW) : CMD_SHOW;

	switch (cmd) {
	case CMD_SHOW:
		return stats_show(argc ? argc - 1 : 0, argv + 1);
	case CMD_HELP:
		print_usage(stdout, &stats_object);
		return 0;
	default:
		return -cmd;
	}
}

const struct object stats_object = {
	.name = "stats",
	.main = stats_main,
	.usage = "stats show [vni VNI | port IFNAME]\n"
		 "stats export [FILE]\n"
		 "stats help",
	.help = "per-VNI and per-port counters and drops",
	.fields = stats_fields,
};
