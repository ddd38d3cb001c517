/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CSVX_GENL_H
#define _CSVX_GENL_H

#include <net/genetlink.h>
#include <net/sock.h>

#include "netns.h"

extern struct genl_family csvx_genl_family;

int csvx_genl_init(void);
void csvx_genl_exit(void);

/*
 * Table code hands back a static string saying why a change was refused;
 * NL_SET_ERR_MSG() only takes literals, so set the message directly.
 */
static inline void csvx_set_err(struct netlink_ext_ack *extack,
				const struct nlattr *attr, const char *msg)
{
	/* Never replace a message already set with none. */
	if (!extack || !msg)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

/* The request attributes of a dump, parsed against the command's policy. */
static inline struct nlattr **csvx_dump_attrs(struct netlink_callback *cb)
{
#ifdef CSVX_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* attr.c: attribute helpers shared by every object */
int csvx_require(struct genl_info *info, int type, const char *msg);
int csvx_validate_name(const struct nlattr *attr,
		       struct netlink_ext_ack *extack);
int csvx_validate_addr(const struct nlattr *attr,
		       struct netlink_ext_ack *extack);
void csvx_nla_get_addr(const struct nlattr *attr, struct csvx_addr *addr);
int csvx_nla_put_addr(struct sk_buff *skb, int type,
		      const struct csvx_addr *addr);
int csvx_nla_put_mac64(struct sk_buff *skb, int type, u64 mac);
u64 csvx_mac_to_u64(const u8 *mac);
bool csvx_addr_host_bits(const struct csvx_addr *addr, u8 plen);
int csvx_get_unicast_mac(struct genl_info *info, int type, const u8 **mac);
int csvx_get_name(struct genl_info *info, int type, const char **name);

/*
 * One object into a message: each object type provides a filler, used for
 * GET replies, dump entries and notifications alike, so the three can never
 * disagree.
 */
typedef int (*csvx_fill_t)(struct sk_buff *skb, const void *obj);

void *csvx_hdr_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		   u8 cmd);
int csvx_reply(struct genl_info *info, u8 cmd, csvx_fill_t fill,
	       const void *obj);
struct sk_buff *csvx_notify_prepare(struct net *net, u8 cmd,
				    csvx_fill_t fill, const void *obj);
void csvx_notify_send(struct net *net, struct sk_buff *skb);

/*
 * Dumps: one walk per dumpit call, under the namespace lock, resumed from
 * the cursor kept in cb->args[1..].  The table generation goes into
 * cb->seq so a dump interrupted by a change is flagged NLM_F_DUMP_INTR.
 */
struct csvx_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	u8 cmd;
	csvx_fill_t fill;
	u32 vni;			/* filter, 0 = all */
	const char *vrf;		/* filter, NULL = all */
};

typedef int (*csvx_walk_t)(struct csvx_tables *t, struct csvx_cursor *c,
			   struct csvx_dump *d);

int csvx_dump_one(struct csvx_dump *d, const void *obj);
int csvx_dump_run(struct csvx_dump *d, csvx_walk_t walk);

/* Handlers, one file per object. */
int csvx_params_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_params_set_doit(struct sk_buff *skb, struct genl_info *info);

int csvx_vrf_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_vrf_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_vrf_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_vrf_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

int csvx_vni_fill(struct sk_buff *skb, const void *obj);
int csvx_vni_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_vni_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_vni_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_vni_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

int csvx_flood_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_flood_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_flood_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* the policies of one FDB entry, for CSVX_A_ENTRIES' elements */
extern const struct nla_policy csvx_fdb_entry_policy[CSVX_A_MAX + 1];
extern const struct nla_policy csvx_fdb_key_policy[CSVX_A_MAX + 1];
int csvx_fdb_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_fdb_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_fdb_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_fdb_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int csvx_fdb_flush_doit(struct sk_buff *skb, struct genl_info *info);

int csvx_route_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_route_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_route_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_route_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int csvx_route_flush_doit(struct sk_buff *skb, struct genl_info *info);

int csvx_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* Security groups: set.c, sg.c, port.c */
int csvx_set_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_set_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_set_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_set_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int csvx_set_flush_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_set_swap_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_set_member_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_set_member_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_set_member_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_set_member_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);

int csvx_sg_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_sg_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_sg_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_sg_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int csvx_sg_rule_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_sg_rule_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_sg_rule_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

int csvx_port_new_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_port_set_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_port_del_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_port_get_doit(struct sk_buff *skb, struct genl_info *info);
int csvx_port_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
/* port.c: ports go away with their devices (per-namespace notifier) */
int csvx_port_notifier_register(struct csvx_net *cn);
void csvx_port_notifier_unregister(struct csvx_net *cn);

/* A request's namespace state. */
static inline struct csvx_net *csvx_info_net(struct genl_info *info)
{
	return csvx_net(genl_info_net(info));
}

static inline struct csvx_net *csvx_cb_net(struct netlink_callback *cb)
{
	return csvx_net(sock_net(cb->skb->sk));
}

/* NEW_x: CSVX_A_REPLACE asks to overwrite an existing object. */
static inline bool csvx_info_replace(struct genl_info *info)
{
	return nla_get_flag(info->attrs[CSVX_A_REPLACE]);
}

#endif /* _CSVX_GENL_H */
