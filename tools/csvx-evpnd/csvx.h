/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The csvx generic netlink family: resolving it (it comes and goes with the
 * module), its notify group, dumps into the agent's mirror of csvx, and the
 * writes the agent makes (remote FDB entries, flood lists, VRF routes).
 */
#ifndef _EVPND_CSVX_H
#define _EVPND_CSVX_H

#include <net/if.h>
#include <linux/csvx.h>

#include "nl.h"
#include "util.h"

struct cx_vrf {
	char name[CSVX_NAME_MAX];
	uint32_t id;
	uint32_t l3vni;
	uint8_t rmac[ETH_ALEN];
};

struct cx_vni {
	uint32_t vni;
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	struct addr local;
	char vrf[CSVX_NAME_MAX];	/* "" : in no VRF */
};

struct cx_fdb {
	uint32_t vni;
	uint8_t mac[ETH_ALEN];
	struct addr remote;		/* unset: a local entry */
	unsigned int nips;
	struct addr ips[CSVX_FDB_MAX_IPS];
};

struct cx_route {
	char vrf[CSVX_NAME_MAX];
	struct addr prefix;
	uint8_t plen;
	struct addr remote;
	uint8_t rmac[ETH_ALEN];
	bool connected;
};

struct cx_port {
	char ifname[IFNAMSIZ];
	uint32_t ifindex;		/* the port goes with its device */
	uint32_t vni;
	uint8_t mac[ETH_ALEN];
	unsigned int nips;
	struct addr ips[CSVX_FDB_MAX_IPS];
};

struct csvx {
	struct nlsock cmd;		/* requests, dumps */
	struct nlsock ev;		/* csvx "notify" + nlctrl "notify" */
	uint32_t ctrl_grp;		/* nlctrl's notify group */
	int family;			/* 0 while the family is absent */
	uint32_t grp;
	uint32_t version;
	unsigned int udp_port;
	bool up;
	bool ports;			/* the module knows PORT objects */
	bool appeared;			/* nlctrl: the family was registered */
	bool gone;			/* nlctrl: the family was unregistered */
};

extern struct csvx cx;

int cx_init(void);
void cx_fini(void);
/* Resolve the family and join its group: 0, -ENOENT if it is absent. */
int cx_connect(void);
void cx_disconnect(void);

/* Dumps into the state (st_csvx_*), synchronous: 0 or -errno (-EINTR if
 * the dump raced with a change). */
int cx_dump(uint8_t cmd);
int cx_get_params(void);

/* Writes; DONE gets the kernel's verdict. */
void cx_fdb_write(const struct cx_fdb *f, bool del, nl_done_fn done, void *arg);
void cx_flood_write(uint32_t vni, const struct addr *remote, bool del,
		    nl_done_fn done, void *arg);
void cx_route_write(const struct cx_route *r, bool del, nl_done_fn done, void *arg);

#endif /* _EVPND_CSVX_H */
