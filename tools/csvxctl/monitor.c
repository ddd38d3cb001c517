// SPDX-License-Identifier: GPL-2.0
/*
 * monitor: print every change announced on the notify group, as a batch
 * line behind its action ("add fdb vni 100 mac ...", "del vrf red"), or with
 * -j as one JSON object per line.
 */
#include "csvxctl.h"

static const struct event {
	uint8_t cmd;
	const char *action;
	const struct object *obj;
	bool key_only;
} events[] = {
	{ CSVX_CMD_SET_PARAMS, "set", &params_object, false },
	{ CSVX_CMD_NEW_VRF, "add", &vrf_object, false },
	{ CSVX_CMD_DEL_VRF, "del", &vrf_object, true },
	{ CSVX_CMD_NEW_VNI, "add", &vni_object, false },
	{ CSVX_CMD_DEL_VNI, "del", &vni_object, true },
	{ CSVX_CMD_NEW_FLOOD, "add", &flood_object, false },
	{ CSVX_CMD_DEL_FLOOD, "del", &flood_object, true },
	{ CSVX_CMD_NEW_FDB, "add", &fdb_object, false },
	{ CSVX_CMD_DEL_FDB, "del", &fdb_object, true },
	{ CSVX_CMD_FLUSH_FDB, "flush", &fdb_object, true },
	{ CSVX_CMD_NEW_ROUTE, "add", &route_object, false },
	{ CSVX_CMD_DEL_ROUTE, "del", &route_object, true },
	{ CSVX_CMD_FLUSH_ROUTE, "flush", &route_object, true },
	{ CSVX_CMD_NEW_SET, "add", &set_object, false },
	{ CSVX_CMD_DEL_SET, "del", &set_object, true },
	{ CSVX_CMD_FLUSH_SET, "flush", &set_object, true },
	{ CSVX_CMD_SWAP_SET, "swap", &set_object, true },
	{ CSVX_CMD_NEW_SET_MEMBER, "add", &set_member_object, false },
	{ CSVX_CMD_DEL_SET_MEMBER, "del", &set_member_object, false },
	{ CSVX_CMD_NEW_SG, "add", &sg_object, false },
	{ CSVX_CMD_DEL_SG, "del", &sg_object, true },
	{ CSVX_CMD_NEW_SG_RULE, "add", &sg_rule_object, false },
	{ CSVX_CMD_DEL_SG_RULE, "del", &sg_rule_object, false },
	{ CSVX_CMD_NEW_PORT, "add", &port_object, false },
	{ CSVX_CMD_SET_PORT, "set", &port_object, false },
	{ CSVX_CMD_DEL_PORT, "del", &port_object, true },
};

static void notification(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const struct event *e = NULL;

	(void)arg;
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (events[i].cmd == cmd)
			e = &events[i];
	if (opt.json) {
		out_row_start();
		if (e) {
			out_str("action", e->action);
			out_str("object", e->obj->name);
			e->obj->fields(tb);
		} else {
			out_u32("cmd", cmd);
		}
		out_row_end();
		return;
	}
	if (e) {
		printf("%s %s", e->action, e->obj->name);
		e->obj->args(stdout, tb, e->key_only);
	} else {
		printf("unknown command %u", cmd);
	}
	putchar('\n');
	fflush(stdout);
}

static int monitor_main(int argc, char **argv)
{
	/* No commands, only help. */
	if (argc) {
		if (cmd_lookup(&monitor_object, argv[0], 0) != CMD_HELP)
			return EXIT_USAGE;
		print_usage(stdout, &monitor_object);
		return 0;
	}
	out_start(OUT_JSON_LINES, false, NULL);
	return notify_listen(notification, NULL);
}

const struct object monitor_object = {
	.name = "monitor",
	.main = monitor_main,
	.usage = "monitor\n"
		 "monitor help",
	.help = "print every change as it happens",
};
