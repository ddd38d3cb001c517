// SPDX-License-Identifier: GPL-2.0
/*
 * The csvx generic netlink family: commands, their policies, permissions.
 *
 * Every command has its own strict policy listing exactly the attributes it
 * takes, so anything else in a request is rejected by the core with an
 * extended ack pointing at it.  Attribute types and ranges are checked here;
 * meaning (does the VRF exist, is the MAC unicast) in the handlers.
 */
#include <linux/if.h>
#include <linux/if_ether.h>
#include <net/ip.h>

#include "ctl/genl.h"
#include "dp/dp.h"

/* Not const: 6.1's struct nla_policy points at a mutable range. */
static struct netlink_range_validation csvx_vni_range = {
	.min = 1,
	.max = CSVX_VNI_MAX,
};

static struct netlink_range_validation csvx_id_range = {
	.min = 1,
	.max = U32_MAX,
};

/* The VTEP device's own bounds: 65535 less the IPv6 encapsulation. */
static struct netlink_range_validation csvx_mtu_range = {
	.min = ETH_MIN_MTU,
	.max = IP_MAX_MTU - CSVX_OVERHEAD6,
};

static struct netlink_range_validation csvx_port_range = {
	.min = 1,
	.max = 65535,
};

static struct netlink_range_validation csvx_limit_range = {
	.min = 1,
	.max = CSVX_LIMIT_CEILING,
};

#define CSVX_POL_ADDR	NLA_POLICY_VALIDATE_FN(NLA_BINARY, csvx_validate_addr, \
					       sizeof(struct in6_addr))
#define CSVX_POL_MAC	NLA_POLICY_EXACT_LEN(ETH_ALEN)
#define CSVX_POL_VNI	NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_vni_range)
#define CSVX_POL_STR(max)	NLA_POLICY_VALIDATE_FN(NLA_NUL_STRING,	\
						       csvx_validate_name, \
						       (max) - 1)
#define CSVX_POL_NAME	CSVX_POL_STR(CSVX_NAME_MAX)
#define CSVX_POL_IFNAME	CSVX_POL_STR(IFNAMSIZ)

/* Security groups */
static struct netlink_range_validation csvx_set_type_range = {
	.min = CSVX_SET_HASH_IP,
	.max = CSVX_SET_TYPE_MAX,
};

#define CSVX_POL_SET_NAME CSVX_POL_STR(CSVX_SET_NAME_MAX)
#define CSVX_POL_SG_NAME  CSVX_POL_STR(CSVX_SG_NAME_MAX)

static const struct nla_policy csvx_params_nest_policy[CSVX_PARAM_MAX + 1] = {
	[CSVX_PARAM_UDP_PORT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_port_range),
	[CSVX_PARAM_MAX_VRFS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_VNIS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_FLOOD]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_FDB]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_ROUTES]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_FLOWS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_SETS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_SET_MEMBERS] = NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_SGS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_RULES]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_MAX_PORTS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_CT_TCP_SYN]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_CT_TCP_EST]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_CT_TCP_FIN]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_CT_TCP_CLOSE] = NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_CT_UDP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_CT_UDP_REPLIED] = NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_PARAM_CT_ICMP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
};

static const struct nla_policy csvx_ips_nest_policy[CSVX_IPS_A_MAX + 1] = {
	[CSVX_IPS_A_ADDR]	= CSVX_POL_ADDR,
};

static const struct nla_policy csvx_empty_policy[CSVX_A_MAX + 1] = {
};

static const struct nla_policy csvx_params_set_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_PARAMS]		= NLA_POLICY_NESTED(csvx_params_nest_policy),
};

static const struct nla_policy csvx_vrf_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VRF]		= CSVX_POL_NAME,
	[CSVX_A_VRF_ID]		= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_id_range),
	[CSVX_A_L3VNI]		= CSVX_POL_VNI,
	[CSVX_A_RMAC]		= CSVX_POL_MAC,
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG },
};

static const struct nla_policy csvx_vrf_key_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VRF]		= CSVX_POL_NAME,
};

static const struct nla_policy csvx_vni_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VNI]		= CSVX_POL_VNI,
	[CSVX_A_VRF]		= CSVX_POL_NAME,
	[CSVX_A_IFNAME]		= CSVX_POL_IFNAME,
	[CSVX_A_LOCAL]		= CSVX_POL_ADDR,
	[CSVX_A_GW]		= CSVX_POL_ADDR,
	[CSVX_A_GW_PLEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[CSVX_A_GW_MAC]		= CSVX_POL_MAC,
	[CSVX_A_MTU]		= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_mtu_range),
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG },
};

static const struct nla_policy csvx_vni_key_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VNI]		= CSVX_POL_VNI,
};

static const struct nla_policy csvx_flood_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VNI]		= CSVX_POL_VNI,
	[CSVX_A_REMOTE]		= CSVX_POL_ADDR,
};

/* One entry of NEW_FDB, alone or as an element of CSVX_A_ENTRIES. */
#define CSVX_FDB_ENTRY_POLICY						\
	[CSVX_A_VNI]		= CSVX_POL_VNI,				\
	[CSVX_A_MAC]		= CSVX_POL_MAC,				\
	[CSVX_A_REMOTE]		= CSVX_POL_ADDR,			\
	[CSVX_A_IPS]		= NLA_POLICY_NESTED(csvx_ips_nest_policy), \
	[CSVX_A_SEQ]		= { .type = NLA_U32 },			\
	[CSVX_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, CSVX_F_STICKY), \
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG }

const struct nla_policy csvx_fdb_entry_policy[CSVX_A_MAX + 1] = {
	CSVX_FDB_ENTRY_POLICY,
};

static const struct nla_policy csvx_fdb_policy[CSVX_A_MAX + 1] = {
	CSVX_FDB_ENTRY_POLICY,
	[CSVX_A_ENTRIES]	= { .type = NLA_NESTED },	/* fdb.c parses each */
};

const struct nla_policy csvx_fdb_key_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VNI]		= CSVX_POL_VNI,
	[CSVX_A_MAC]		= CSVX_POL_MAC,
};

static const struct nla_policy csvx_fdb_del_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VNI]		= CSVX_POL_VNI,
	[CSVX_A_MAC]		= CSVX_POL_MAC,
	[CSVX_A_ENTRIES]	= { .type = NLA_NESTED },	/* fdb.c parses each */
};

static const struct nla_policy csvx_route_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VRF]		= CSVX_POL_NAME,
	[CSVX_A_PREFIX]		= CSVX_POL_ADDR,
	[CSVX_A_PLEN]		= NLA_POLICY_MAX(NLA_U8, 128),
	[CSVX_A_REMOTE]		= CSVX_POL_ADDR,
	[CSVX_A_RMAC]		= CSVX_POL_MAC,
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG },
};

static const struct nla_policy csvx_route_key_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_VRF]		= CSVX_POL_NAME,
	[CSVX_A_PREFIX]		= CSVX_POL_ADDR,
	[CSVX_A_PLEN]		= NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy csvx_sgs_nest_policy[CSVX_SGS_A_MAX + 1] = {
	[CSVX_SGS_A_NAME]	= CSVX_POL_SG_NAME,
};

static const struct nla_policy csvx_set_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_SET]		= CSVX_POL_SET_NAME,
	[CSVX_A_SET_TYPE]	= NLA_POLICY_FULL_RANGE(NLA_U8, &csvx_set_type_range),
	[CSVX_A_FAMILY]		= { .type = NLA_U8 },
	[CSVX_A_MAXELEM]	= NLA_POLICY_FULL_RANGE(NLA_U32, &csvx_limit_range),
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG },
};

static const struct nla_policy csvx_set_key_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_SET]		= CSVX_POL_SET_NAME,
};

static const struct nla_policy csvx_set_swap_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_SET]		= CSVX_POL_SET_NAME,
	[CSVX_A_SET2]		= CSVX_POL_SET_NAME,
};

static const struct nla_policy csvx_set_member_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_SET]		= CSVX_POL_SET_NAME,
	[CSVX_A_PREFIX]		= CSVX_POL_ADDR,
	[CSVX_A_PLEN]		= NLA_POLICY_MAX(NLA_U8, 128),
};

/* NEW_SET_MEMBER: with REPLACE an existing member is no error (-exist). */
static const struct nla_policy csvx_set_member_new_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_SET]		= CSVX_POL_SET_NAME,
	[CSVX_A_PREFIX]		= CSVX_POL_ADDR,
	[CSVX_A_PLEN]		= NLA_POLICY_MAX(NLA_U8, 128),
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG },
};

static const struct nla_policy csvx_sg_key_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_SG]		= CSVX_POL_SG_NAME,
};

static const struct nla_policy csvx_sg_new_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_SG]		= CSVX_POL_SG_NAME,
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG },
};

#define CSVX_POL_SG_RULE						\
	[CSVX_A_SG]		= CSVX_POL_SG_NAME,			\
	[CSVX_A_DIR]		= NLA_POLICY_MAX(NLA_U8, CSVX_SG_DIR_MAX), \
	[CSVX_A_PROTO]		= { .type = NLA_U8 },			\
	[CSVX_A_DPORT_LO]	= { .type = NLA_U16 },			\
	[CSVX_A_DPORT_HI]	= { .type = NLA_U16 },			\
	[CSVX_A_ICMP_TYPE]	= { .type = NLA_U8 },			\
	[CSVX_A_ICMP_CODE]	= { .type = NLA_U8 },			\
	[CSVX_A_PREFIX]		= CSVX_POL_ADDR,			\
	[CSVX_A_PLEN]		= NLA_POLICY_MAX(NLA_U8, 128),		\
	[CSVX_A_SET]		= CSVX_POL_SET_NAME,			\
	[CSVX_A_REMOTE_SG]	= CSVX_POL_SG_NAME

static const struct nla_policy csvx_sg_rule_policy[CSVX_A_MAX + 1] = {
	CSVX_POL_SG_RULE,
};

static const struct nla_policy csvx_sg_rule_new_policy[CSVX_A_MAX + 1] = {
	CSVX_POL_SG_RULE,
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG },
};

static const struct nla_policy csvx_port_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_IFNAME]		= CSVX_POL_IFNAME,
	[CSVX_A_VNI]		= CSVX_POL_VNI,
	[CSVX_A_MAC]		= CSVX_POL_MAC,
	[CSVX_A_IPS]		= NLA_POLICY_NESTED(csvx_ips_nest_policy),
	[CSVX_A_SGS]		= NLA_POLICY_NESTED(csvx_sgs_nest_policy),
	[CSVX_A_REPLACE]	= { .type = NLA_FLAG },
};

static const struct nla_policy csvx_port_set_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_IFNAME]		= CSVX_POL_IFNAME,
	[CSVX_A_IPS]		= NLA_POLICY_NESTED(csvx_ips_nest_policy),
	[CSVX_A_SGS]		= NLA_POLICY_NESTED(csvx_sgs_nest_policy),
};

static const struct nla_policy csvx_port_key_policy[CSVX_A_MAX + 1] = {
	[CSVX_A_IFNAME]		= CSVX_POL_IFNAME,
};

#define CSVX_OP(_cmd, _pol, _doit, _dumpit, _flags) {	\
	.cmd = _cmd,					\
	.policy = _pol,					\
	.maxattr = CSVX_A_MAX,				\
	.doit = _doit,					\
	.dumpit = _dumpit,				\
	.flags = _flags,				\
}

#define ADMIN GENL_UNS_ADMIN_PERM

static const struct genl_ops csvx_genl_ops[] = {
	CSVX_OP(CSVX_CMD_GET_PARAMS, csvx_empty_policy,
		csvx_params_get_doit, NULL, 0),
	CSVX_OP(CSVX_CMD_SET_PARAMS, csvx_params_set_policy,
		csvx_params_set_doit, NULL, ADMIN),

	CSVX_OP(CSVX_CMD_NEW_VRF, csvx_vrf_policy,
		csvx_vrf_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_VRF, csvx_vrf_key_policy,
		csvx_vrf_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_VRF, csvx_vrf_key_policy,
		csvx_vrf_get_doit, csvx_vrf_get_dumpit, 0),

	CSVX_OP(CSVX_CMD_NEW_VNI, csvx_vni_policy,
		csvx_vni_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_VNI, csvx_vni_key_policy,
		csvx_vni_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_VNI, csvx_vni_key_policy,
		csvx_vni_get_doit, csvx_vni_get_dumpit, 0),

	CSVX_OP(CSVX_CMD_NEW_FLOOD, csvx_flood_policy,
		csvx_flood_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_FLOOD, csvx_flood_policy,
		csvx_flood_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_FLOOD, csvx_vni_key_policy,
		NULL, csvx_flood_get_dumpit, 0),

	CSVX_OP(CSVX_CMD_NEW_FDB, csvx_fdb_policy,
		csvx_fdb_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_FDB, csvx_fdb_del_policy,
		csvx_fdb_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_FDB, csvx_fdb_key_policy,
		csvx_fdb_get_doit, csvx_fdb_get_dumpit, 0),
	CSVX_OP(CSVX_CMD_FLUSH_FDB, csvx_vni_key_policy,
		csvx_fdb_flush_doit, NULL, ADMIN),

	CSVX_OP(CSVX_CMD_NEW_ROUTE, csvx_route_policy,
		csvx_route_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_ROUTE, csvx_route_key_policy,
		csvx_route_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_ROUTE, csvx_route_key_policy,
		csvx_route_get_doit, csvx_route_get_dumpit, 0),
	CSVX_OP(CSVX_CMD_FLUSH_ROUTE, csvx_vrf_key_policy,
		csvx_route_flush_doit, NULL, ADMIN),

	CSVX_OP(CSVX_CMD_GET_STATS, csvx_vni_key_policy,
		csvx_stats_get_doit, csvx_stats_get_dumpit, 0),

	CSVX_OP(CSVX_CMD_NEW_SET, csvx_set_policy,
		csvx_set_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_SET, csvx_set_key_policy,
		csvx_set_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_SET, csvx_set_key_policy,
		csvx_set_get_doit, csvx_set_get_dumpit, 0),
	CSVX_OP(CSVX_CMD_FLUSH_SET, csvx_set_key_policy,
		csvx_set_flush_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_SWAP_SET, csvx_set_swap_policy,
		csvx_set_swap_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_NEW_SET_MEMBER, csvx_set_member_new_policy,
		csvx_set_member_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_SET_MEMBER, csvx_set_member_policy,
		csvx_set_member_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_SET_MEMBER, csvx_set_member_policy,
		csvx_set_member_get_doit, csvx_set_member_get_dumpit, 0),

	CSVX_OP(CSVX_CMD_NEW_SG, csvx_sg_new_policy,
		csvx_sg_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_SG, csvx_sg_key_policy,
		csvx_sg_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_SG, csvx_sg_key_policy,
		csvx_sg_get_doit, csvx_sg_get_dumpit, 0),
	CSVX_OP(CSVX_CMD_NEW_SG_RULE, csvx_sg_rule_new_policy,
		csvx_sg_rule_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_SG_RULE, csvx_sg_rule_policy,
		csvx_sg_rule_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_SG_RULE, csvx_sg_key_policy,
		NULL, csvx_sg_rule_get_dumpit, 0),

	CSVX_OP(CSVX_CMD_NEW_PORT, csvx_port_policy,
		csvx_port_new_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_SET_PORT, csvx_port_set_policy,
		csvx_port_set_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_DEL_PORT, csvx_port_key_policy,
		csvx_port_del_doit, NULL, ADMIN),
	CSVX_OP(CSVX_CMD_GET_PORT, csvx_port_key_policy,
		csvx_port_get_doit, csvx_port_get_dumpit, 0),
};

static const struct genl_multicast_group csvx_genl_mcgrps[] = {
	{ .name = CSVX_MCGRP_NOTIFY },
};

struct genl_family csvx_genl_family __ro_after_init = {
	.name = CSVX_GENL_NAME,
	.version = CSVX_GENL_VERSION,
	.maxattr = CSVX_A_MAX,
	.netnsok = true,
	/* Handlers serialise on the namespace's own lock, not genl_mutex,
	 * so two namespaces (two hypervisors under test) never wait on
	 * each other.
	 */
	.parallel_ops = true,
	/* Every command validates strictly and rejects what it does not take. */
	.resv_start_op = CSVX_CMD_UNSPEC + 1,
	.ops = csvx_genl_ops,
	.n_ops = ARRAY_SIZE(csvx_genl_ops),
	.mcgrps = csvx_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(csvx_genl_mcgrps),
	.module = THIS_MODULE,
};

int __init csvx_genl_init(void)
{
	return genl_register_family(&csvx_genl_family);
}

void csvx_genl_exit(void)
{
	genl_unregister_family(&csvx_genl_family);
}
