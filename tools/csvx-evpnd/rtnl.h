/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink: the kernel state zebra programs (neighbours, bridge and vxlan
 * FDB entries, routes and nexthops of the VRF tables, links), read from
 * dumps and from the multicast groups into the state (st_k_*), and the
 * writes the agent makes for local VMs (FDB on advN, neighbours on brcN).
 */
#ifndef _EVPND_RTNL_H
#define _EVPND_RTNL_H

#include "nl.h"
#include "util.h"

struct rtnl {
	struct nlsock cmd;
	struct nlsock ev;
};

extern struct rtnl rt;

#define RT_MAX_NH	8	/* nexthops of a route the agent looks at */

struct rt_nh {
	struct addr gw;
	uint32_t oif;
};

int rt_init(void);
void rt_fini(void);

/* Dump TYPE (RTM_GETLINK, _GETNEIGH, _GETROUTE, _GETNEXTHOP) of FAMILY into
 * the state; 0 or -errno. */
int rt_dump(uint16_t type, uint8_t family);

/* Bridge FDB entry: MAC on IFINDEX (NTF_* FLAGS, NUD_* STATE, DST if set). */
void rt_fdb_write(bool del, int ifindex, const uint8_t *mac, uint8_t flags,
		  uint16_t state, const struct addr *dst, nl_done_fn done, void *arg);
/* Neighbour IP -> MAC on IFINDEX (MAC ignored for a delete). */
void rt_neigh_write(bool del, int ifindex, const struct addr *ip, const uint8_t *mac,
		    uint16_t state, nl_done_fn done, void *arg);

#endif /* _EVPND_RTNL_H */
