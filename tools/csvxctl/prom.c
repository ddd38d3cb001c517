// SPDX-License-Identifier: GPL-2.0
/*
 * stats export: every counter of the namespace in the Prometheus text
 * exposition format, for node_exporter's textfile collector.
 *
 * The format wants all samples of a metric together under one TYPE line,
 * so the replies (one per VNI, one for the namespace, one per port) are
 * collected first and printed metric by metric.  Written to a file, the
 * text goes to FILE.tmp which is renamed over FILE: the collector never
 * reads half a file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvxctl.h"

/* Metric names (csvx_<name>_total) and help, indexed by the uapi enums. */
static const char *const stat_metric[][2] = {
	[CSVX_STAT_RX_PACKETS] = { "rx_packets", "Frames decapsulated and delivered." },
	[CSVX_STAT_RX_BYTES] = { "rx_bytes", "Bytes decapsulated and delivered." },
	[CSVX_STAT_TX_PACKETS] = { "tx_packets", "Frames encapsulated (each flood copy counts)." },
	[CSVX_STAT_TX_BYTES] = { "tx_bytes", "Bytes encapsulated." },
	[CSVX_STAT_TX_FLOOD] = { "tx_flood", "BUM frames replicated to the flood list." },
	[CSVX_STAT_ARP_SUPPRESSED] = { "arp_suppressed", "ARP requests answered locally." },
	[CSVX_STAT_ND_SUPPRESSED] = { "nd_suppressed", "Neighbour solicitations answered locally." },
	[CSVX_STAT_ROUTED] = { "routed", "Frames routed in the tenant VRF." },
	[CSVX_STAT_SG_INGRESS] = { "sg_ingress", "Frames admitted to a filtered port." },
	[CSVX_STAT_SG_EGRESS] = { "sg_egress", "Frames admitted from a filtered port." },
	[CSVX_STAT_SG_CONNS] = { "sg_conns", "Connections created for a port." },
};

static const char *const drop_reason[] = {
	[CSVX_DROP_BAD_HEADER] = "bad_header",
	[CSVX_DROP_UNKNOWN_VNI] = "unknown_vni",
	[CSVX_DROP_NO_ROUTE] = "no_route",
	[CSVX_DROP_TTL] = "ttl",
	[CSVX_DROP_NO_FLOOD] = "no_flood",
	[CSVX_DROP_TOO_BIG] = "too_big",
	[CSVX_DROP_UNDERLAY] = "underlay",
	[CSVX_DROP_NOMEM] = "nomem",
	[CSVX_DROP_LOOP] = "loop",
	[CSVX_DROP_NO_NEIGH] = "no_neigh",
	[CSVX_DROP_SG_SPOOF_MAC] = "sg_spoof_mac",
	[CSVX_DROP_SG_SPOOF_IP] = "sg_spoof_ip",
	[CSVX_DROP_SG_SPOOF_ARP] = "sg_spoof_arp",
	[CSVX_DROP_SG_NO_RULE] = "sg_no_rule",
	[CSVX_DROP_SG_CONN_FULL] = "sg_conn_full",
	[CSVX_DROP_SG_NOT_IP] = "sg_not_ip",
	[CSVX_DROP_SG_MALFORMED] = "sg_malformed",
};

/* One reply: whose counters (its labels) and their values. */
struct prom_row {
	char labels[64];		/* vni="100" or port="vnet1",vni="100" */
	uint64_t stat[CSVX_STAT_MAX + 1];
	uint64_t drop[CSVX_DROP_MAX + 1];
	bool has_stat[CSVX_STAT_MAX + 1];
};

struct prom_rows {
	struct prom_row *v;
	size_t n, cap;
	bool oom;
};

static void prom_counters(const struct nlattr *nest, uint64_t *val, bool *has,
			  int max)
{
	struct nlattr *a;
	int rem;

	if (!nest)
		return;
	nla_for_each_nested(a, nest, rem) {
		int t = nla_type(a);

		if (t < 1 || t > max || nla_len(a) != 8)
			continue;	/* a pad, or a counter newer than us */
		val[t] = nla_get_u64(a);
		if (has)
			has[t] = true;
	}
}

static void prom_collect(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct prom_rows *rows = arg;
	struct prom_row *r;

	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? 2 * rows->cap : 64;
		struct prom_row *v = realloc(rows->v, cap * sizeof(*v));

		if (!v) {
			rows->oom = true;
			return;
		}
		rows->v = v;
		rows->cap = cap;
	}
	r = &rows->v[rows->n++];
	memset(r, 0, sizeof(*r));
	if (cmd == CSVX_CMD_GET_PORT && tb[CSVX_A_IFNAME])
		snprintf(r->labels, sizeof(r->labels), "port=\"%s\",vni=\"%" PRIu32 "\"",
			 nla_get_string(tb[CSVX_A_IFNAME]),
			 tb[CSVX_A_VNI] ? nla_get_u32(tb[CSVX_A_VNI]) : 0);
	else if (tb[CSVX_A_VNI])
		snprintf(r->labels, sizeof(r->labels), "vni=\"%" PRIu32 "\"",
			 nla_get_u32(tb[CSVX_A_VNI]));
	/* else: the namespace's own drops, without labels */
	prom_counters(tb[CSVX_A_STATS], r->stat, r->has_stat, CSVX_STAT_MAX);
	prom_counters(tb[CSVX_A_DROPS], r->drop, NULL, CSVX_DROP_MAX);
}

static void prom_print(FILE *f, const struct prom_rows *rows)
{
	size_t i;
	int t;

	for (t = 1; t <= CSVX_STAT_MAX; t++) {
		bool head = false;

		for (i = 0; i < rows->n; i++) {
			const struct prom_row *r = &rows->v[i];

			if (!r->has_stat[t])
				continue;
			if (!head) {
				fprintf(f, "# HELP csvx_%s_total %s\n# TYPE csvx_%s_total counter\n",
					stat_metric[t][0], stat_metric[t][1], stat_metric[t][0]);
				head = true;
			}
			fprintf(f, "csvx_%s_total{%s} %" PRIu64 "\n", stat_metric[t][0],
				r->labels, r->stat[t]);
		}
	}
	fprintf(f, "# HELP csvx_drops_total Frames dropped, by reason; without labels: the namespace's (no VNI known).\n"
		   "# TYPE csvx_drops_total counter\n");
	for (i = 0; i < rows->n; i++) {
		const struct prom_row *r = &rows->v[i];

		for (t = 1; t <= CSVX_DROP_MAX; t++)
			fprintf(f, "csvx_drops_total{%s%sreason=\"%s\"} %" PRIu64 "\n",
				r->labels, *r->labels ? "," : "", drop_reason[t], r->drop[t]);
	}
}

int stats_export(int argc, char **argv)
{
	static const char what[] = "stats export";
	struct prom_rows rows = {};
	const char *path = argc ? argv[0] : NULL;
	char tmp[4096];
	FILE *f = stdout;
	int rc;

	if (argc > 1)
		return usage_error(&stats_object, what, "unexpected `%s'", argv[1]);
	rc = req_get(req_new(CSVX_CMD_GET_STATS, NLM_F_DUMP), what, prom_collect, &rows);
	if (!rc)
		rc = req_get(req_new(CSVX_CMD_GET_STATS, 0), what, prom_collect, &rows);
	if (!rc)
		rc = req_get(req_new(CSVX_CMD_GET_PORT, NLM_F_DUMP), what, prom_collect, &rows);
	if (!rc && rows.oom) {
		report(cur_line, what, "out of memory");
		rc = EXIT_REFUSED;
	}
	if (rc)
		goto out;

	if (path && strcmp(path, "-")) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
			rc = usage_error(&stats_object, what, "path too long");
			goto out;
		}
		f = fopen(tmp, "w");
		if (!f) {
			report(cur_line, what, "%s: %s", tmp, strerror(errno));
			rc = EXIT_REFUSED;
			goto out;
		}
	}
	prom_print(f, &rows);
	if (f != stdout) {
		int err = fflush(f) || fsync(fileno(f));

		err = fclose(f) || err;
		if (err || rename(tmp, path)) {
			report(cur_line, what, "%s: %s", path, strerror(errno));
			unlink(tmp);
			rc = EXIT_REFUSED;
		}
	} else if (fflush(f)) {
		rc = EXIT_REFUSED;
	}
out:
	free(rows.v);
	return rc;
}
