/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Security-group enforcement: bridge netfilter hooks, the connection
 * table's lifetime and garbage collection (dp/sg_hook.c).
 */
#ifndef _CSVX_SG_HOOK_H
#define _CSVX_SG_HOOK_H

#include "netns.h"

/* Module: the connection entries' kmem_cache. */
int csvx_sg_init(void);
void csvx_sg_exit(void);

/* Namespace: init; stop (before the namespace's devices go; takes rtnl);
 * free (under cn->lock, after a grace period).
 */
int csvx_sg_net_init(struct csvx_net *cn);
void csvx_sg_net_stop(struct csvx_net *cn);
void csvx_sg_net_free(struct csvx_net *cn);

/*
 * Under cn->lock: make sure the connection table, its GC and the bridge
 * hooks exist (before the first filtered port is committed), and take them
 * down again once no port is filtered.
 */
int csvx_sg_enable(struct csvx_net *cn, struct netlink_ext_ack *extack);
void csvx_sg_disable_idle(struct csvx_net *cn);

/* Rule changes left uncompiled (a batch): compile them soon, in a work. */
void csvx_sg_commit_later(struct csvx_net *cn);

#endif /* _CSVX_SG_HOOK_H */
