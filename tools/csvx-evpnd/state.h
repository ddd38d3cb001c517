/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the agent knows, and how it makes csvx and the kernel agree.
 *
 * Two mirrors are kept side by side, per key:
 *  - csvx: VRFs, VNIs, FDB entries (local ones have no remote), flood
 *    lists, VRF routes, ports;
 *  - the kernel: what zebra programmed on the shadow devices (remote MACs,
 *    flood entries, remote neighbours, VRF routes and router MACs) and what
 *    the agent wrote for local VMs (FDB on advN, neighbours on brcN).
 * Every change of either mirror marks its key dirty; reconcile() then
 * compares, per dirty key, what csvx should hold (derived from the kernel)
 * with what it holds, and what the kernel should hold for local VMs
 * (derived from csvx) with what it holds, and sends the difference.  A full
 * resynchronisation refills both mirrors from dumps and marks every key
 * dirty: missing entries are added, stale ones removed (mark and sweep),
 * nothing is sent twice.
 *
 * Ownership: the agent owns csvx's remote FDB entries, flood lists and
 * non-connected routes of every VNI/VRF (BGP's view); csvx's local entries
 * and ports (CloudStack's) are only read.
 */
#ifndef _EVPND_STATE_H
#define _EVPND_STATE_H

#include "csvx.h"
#include "rtnl.h"
#include "util.h"

int st_init(void);
void st_fini(void);

/* ---- csvx mirror (from notifications, and dumps with FROM_DUMP) ---- */
void st_csvx_vrf(const struct cx_vrf *v, bool del);
void st_csvx_vni(const struct cx_vni *v, bool del);
void st_csvx_fdb(const struct cx_fdb *f, bool del, bool from_dump);
void st_csvx_fdb_flush(uint32_t vni);
void st_csvx_flood(uint32_t vni, const struct addr *remote, bool del);
void st_csvx_route(const struct cx_route *r, bool del);
void st_csvx_route_flush(const char *vrf);
void st_csvx_port(const struct cx_port *p, bool del, bool from_dump);
void st_csvx_params(void);
/* The module went away: every csvx object is gone. */
void st_csvx_gone(void);

/* ---- kernel mirror ---- */
void st_k_fdb(int ifindex, const uint8_t *mac, const struct addr *dst, uint8_t flags,
	      uint16_t state, bool del);
void st_k_neigh(int ifindex, const struct addr *ip, const uint8_t *mac, uint8_t flags,
		uint16_t state, bool del);
void st_k_route(uint32_t table, const struct addr *prefix, uint8_t plen, uint32_t nhid,
		const struct rt_nh *nh, unsigned int nnh, bool del);
void st_k_nexthop(uint32_t id, const struct rt_nh *nh, const uint32_t *grp,
		  unsigned int ngrp, bool del);
void st_k_link_del(int ifindex);

/* Read the event sockets dry (the notifications that preceded some acks). */
void st_pump_events(void);

/* Full resynchronisation of both sides (csvx must be up): 0 or -errno. */
int st_resync(void);
/* Shadow devices to create or delete (VNIs/VRFs that came or went). */
void st_work(void);
/* Send what makes csvx and the kernel agree, for every dirty key. */
void st_reconcile(void);
/* Retry keys whose last write failed. */
void st_retry_tick(void);
/* Removals wait conf.withdraw_delay: take up those that are due, and say
 * when the next one is (0: none). */
void st_delayed_tick(uint64_t now);
uint64_t st_next_due(void);
/* Asked before anything is removed from csvx: does FRR run as it did?
 * (false also puts the state on hold) */
extern bool (*st_frr_ok)(void);
/* The state asks for a hold (FRR seems to have lost BGP). */
extern void (*st_hold_request)(const char *why);

/*
 * FRR restart: while held, nothing is removed from csvx (new and changed
 * entries still go in); at the end every key is compared again.
 */
void st_set_hold(bool hold);
/* zebra restarted: delete the remote state it left in the kernel, so that
 * what it (re)installs is all there is (it re-adds what it still has). */
void st_wipe_remote(void);

/* A one-line summary for the log. */
void st_stats(char *buf, size_t len);

#endif /* _EVPND_STATE_H */
