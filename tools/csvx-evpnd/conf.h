/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/csvx/evpnd.conf: "key = value" lines, '#' comments.  See
 * evpnd.conf.example and csvx-evpnd(8) for every key.
 */
#ifndef _EVPND_CONF_H
#define _EVPND_CONF_H

#include <limits.h>
#include <net/if.h>

#include "util.h"

#define CONF_DEFAULT_PATH	"/etc/csvx/evpnd.conf"
#define CONF_PREFIX_MAX		8	/* prefix + 8 VNI digits fit IFNAMSIZ */

struct conf {
	unsigned int shadow_port;		/* shadow-udp-port */
	bool vtep_auto;				/* vtep-address = auto */
	struct addr vtep;			/* vtep-address = ADDR */
	char vtep_dev[IFNAMSIZ];		/* vtep-interface */
	unsigned int resync_interval;		/* seconds, 0: never */
	unsigned int restart_hold;		/* seconds */
	unsigned int withdraw_delay;		/* milliseconds */
	char frr_rundir[PATH_MAX];		/* "" : no FRR restart detection */
	char bridge_prefix[CONF_PREFIX_MAX];	/* control bridge brcN */
	char vxlan_prefix[CONF_PREFIX_MAX];	/* shadow vxlan vxsN */
	char adv_prefix[CONF_PREFIX_MAX];	/* advertise port advN */
	char vrf_prefix[CONF_PREFIX_MAX];	/* kernel VRF device: prefix + name */
	unsigned int max_inflight;		/* requests in flight per socket */
};

extern struct conf conf;

/* Defaults; NETNS (or NULL) picks FRR's per-namespace run directory. */
void conf_defaults(struct conf *c, const char *netns);
/* 0, or -1 after logging what is wrong (file:line: ...). A missing file is
 * fine unless REQUIRED. */
int conf_load(struct conf *c, const char *path, bool required);

#endif /* _EVPND_CONF_H */
