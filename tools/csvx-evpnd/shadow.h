/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow topology: the kernel devices stock FRR 8.4's zebra needs to
 * treat a csvx VNI or VRF as local, and nothing else.  No VM traffic ever
 * crosses them (see shadow.c).  This is the one place that knows how they
 * look, so that FRR 10's single-VXLAN-device mode (one "external vnifilter"
 * device on a VLAN-aware bridge, a VLAN per VNI) can replace the per-VNI
 * devices behind the same calls.
 *
 * Per L2 VNI N:  control bridge brcN (the SVI zebra reads neighbours from),
 *                shadow vxlan vxsN (id N, local VTEP, an unused UDP port,
 *                nolearning; the FDB zebra programs lands here), advertise
 *                port advN (a dummy: local MACs are written on it).
 * Per VRF:       a VRF device (table = csvx VRF id), and for its L3VNI a
 *                bridge brcL3VNI (the L3 SVI, MAC = router MAC) with the
 *                shadow vxlan vxsL3VNI in it.
 */
#ifndef _EVPND_SHADOW_H
#define _EVPND_SHADOW_H

#include <net/if.h>

#include "util.h"

enum shadow_role {
	SH_NONE,
	SH_L2_BR,	/* brcN: the L2VNI's SVI */
	SH_L2_VX,	/* vxsN */
	SH_L2_ADV,	/* advN */
	SH_L3_VRF,	/* the VRF device */
	SH_L3_BR,	/* brcL3VNI: the L3 SVI */
	SH_L3_VX,	/* vxsL3VNI */
};

struct shadow_vni {
	int br, vx, adv;	/* ifindexes, 0 if absent */
	struct addr vtep;	/* the VTEP the vxlan device was made with */
	int master;		/* the VRF device brcN is in, 0 if none */
	bool ok;		/* complete and up */
};

struct shadow_vrf {
	int dev, br, vx;
	struct addr vtep;
	bool ok;
};

int shadow_init(void);
void shadow_fini(void);

/*
 * Create (or check and repair: existing devices that fit are kept, so that
 * an agent restart does not make zebra withdraw anything) the devices of an
 * L2 VNI, brcN enslaved to the VRF device VRF_DEV (0: none).  OWNER is
 * returned by shadow_find() for each device.  0 or -errno.
 */
int shadow_vni_create(struct shadow_vni *sh, uint32_t vni, const struct addr *vtep,
		      int vrf_dev, void *owner);
void shadow_vni_delete(struct shadow_vni *sh, uint32_t vni);

int shadow_vrf_create(struct shadow_vrf *sh, const char *name, uint32_t table,
		      uint32_t l3vni, const uint8_t *rmac, const struct addr *vtep,
		      void *owner);
void shadow_vrf_delete(struct shadow_vrf *sh, const char *name, uint32_t l3vni);

/* The VNI or VRF a shadow device belongs to (its OWNER), and its role. */
void *shadow_find(int ifindex, enum shadow_role *role);
/* Forget one device (it was deleted behind our back). */
void shadow_forget(int ifindex);

/* Device names. */
void shadow_vni_names(uint32_t vni, char br[IFNAMSIZ], char vx[IFNAMSIZ],
		      char adv[IFNAMSIZ]);
bool shadow_vrf_devname(const char *vrf, char dev[IFNAMSIZ]);

/*
 * Delete every device the agent made (tagged with its alias) whose name
 * KEEP does not accept.  Returns the number deleted.
 */
int shadow_sweep(bool (*keep)(const char *name, void *arg), void *arg);

/* The first global address of conf.vtep_dev (IPv4 preferred): 0 or -errno. */
int shadow_vtep_auto(struct addr *out);

/* Devices in use (for the statistics line). */
unsigned int shadow_count(void);

#endif /* _EVPND_SHADOW_H */
