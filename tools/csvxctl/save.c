// SPDX-License-Identifier: GPL-2.0
/*
 * save: print batch lines that recreate the namespace's whole state with
 * `csvxctl -b': every settable parameter, then VRFs, VNIs, flood lists, FDB
 * and routes, sets and their members, groups, then their rules (a rule may
 * name any group), and ports, in an order where each line finds what it
 * needs.  Connected routes are left out: "vni add" recreates them.  A port
 * is restored only where its device exists.
 */
#include "csvxctl.h"

static void line(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const struct object *obj = arg;

	(void)cmd;
	if (obj == &route_object && tb[CSVX_A_FLAGS] &&
	    (nla_get_u32(tb[CSVX_A_FLAGS]) & CSVX_F_CONNECTED))
		return;
	fputs(obj->name, stdout);
	fputs(obj == &params_object ? " set" : " add", stdout);
	obj->args(stdout, tb, false);
	putchar('\n');
}

static int save_main(int argc, char **argv)
{
	static const struct {
		const struct object *obj;
		uint8_t cmd;
	} parts[] = {
		{ &params_object, CSVX_CMD_GET_PARAMS },
		{ &vrf_object, CSVX_CMD_GET_VRF },
		{ &vni_object, CSVX_CMD_GET_VNI },
		{ &flood_object, CSVX_CMD_GET_FLOOD },
		{ &fdb_object, CSVX_CMD_GET_FDB },
		{ &route_object, CSVX_CMD_GET_ROUTE },
		{ &set_object, CSVX_CMD_GET_SET },
		{ &set_member_object, CSVX_CMD_GET_SET_MEMBER },
		{ &sg_object, CSVX_CMD_GET_SG },
		{ &sg_rule_object, CSVX_CMD_GET_SG_RULE },
		{ &port_object, CSVX_CMD_GET_PORT },
	};

	/* No commands, only help. */
	if (argc) {
		if (cmd_lookup(&save_object, argv[0], 0) != CMD_HELP)
			return EXIT_USAGE;
		print_usage(stdout, &save_object);
		return 0;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		uint16_t flags = parts[i].cmd == CSVX_CMD_GET_PARAMS ? 0 : NLM_F_DUMP;

		if (req_get(req_new(parts[i].cmd, flags), "save", line, (void *)parts[i].obj))
			return EXIT_REFUSED;
	}
	fflush(stdout);
	return 0;
}

const struct object save_object = {
	.name = "save",
	.main = save_main,
	.usage = "save\n"
		 "save help",
	.help = "print a batch file that recreates the whole state",
};
