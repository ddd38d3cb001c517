/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _CSVX_NETNS_H
#define _CSVX_NETNS_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "tables/tables.h"
#include "tables/sg.h"
#include "tables/conn.h"

/*
 * Everything csvx knows about one network namespace: one hypervisor.
 *
 * @lock serialises every writer of @tables (netlink requests and dumps);
 * packets read @tables under RCU only.  It is a plain mutex rather than
 * rtnl so that programming a million entries never stalls the rest of the
 * networking stack.
 */
struct csvx_net {
	struct net *net;
	struct mutex lock;		/* serialises table writers */
	struct csvx_tables tables;

	/* The VXLAN UDP sockets, opened with the first VTEP device and
	 * closed with the namespace; changed under rtnl, read under RCU.
	 */
	struct socket __rcu *sock4;
	struct socket __rcu *sock6;
	/* Drops that belong to no VNI (bad header, unknown VNI). */
	atomic_long_t drop[CSVX_DROP_MAX + 1];

	/* Security groups (dp/sg_hook.c): sets, groups and ports, written
	 * under @lock; the connection table, its GC and the bridge hooks
	 * exist while a port is filtered (changed under @lock).
	 */
	struct csvx_sgs sg;
	struct csvx_conn_table *conn;
	struct delayed_work sg_gc;
	struct delayed_work sg_commit;	/* rule changes a batch left */
	struct notifier_block sg_nb;	/* ports go with their devices */
	bool sg_hooks;
	bool sg_dying;
};

extern unsigned int csvx_net_id;

static inline struct csvx_net *csvx_net(const struct net *net)
{
	return net_generic(net, csvx_net_id);
}

int csvx_netns_init(void);
void csvx_netns_exit(void);

#endif /* _CSVX_NETNS_H */
