/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * csvx: the generic netlink family that programs the csvx fast path.
 *
 * One family, "csvx", netnsok: every object lives in the network namespace
 * of the socket that created it, and two namespaces are two independent
 * hypervisors.  The objects mirror what BGP EVPN distributes:
 *
 *   VRF    a tenant routing domain: id, L3VNI and this host's router MAC
 *   VNI    an L2 segment (24-bit VNI) with its VTEP device, optionally in a
 *          VRF with a distributed anycast gateway            [local config]
 *   FLOOD  one remote VTEP of a VNI's head-end replication list [type 3]
 *   FDB    a remote MAC in a VNI -> remote VTEP, with its IPs   [type 2]
 *   ROUTE  a prefix in a VRF -> remote VTEP + router MAC        [type 5]
 *
 * Message layout: every request and reply carries flat top-level attributes
 * from enum csvx_attr.  Each command has its own strict policy: an attribute
 * that a command does not take is rejected with an extended ack, as is any
 * attribute of the wrong type or length.  Every rejection carries an extack
 * message and, where one attribute is at fault, points at it.
 *
 * Commands: NEW_x creates; with NLM_F_REPLACE it replaces an existing object
 * (or creates it), with NLM_F_EXCL an existing object is EEXIST.  Without
 * either flag NEW_x on an existing identical key behaves as NLM_F_EXCL.
 * DEL_x removes (ENOENT if absent).  GET_x with the key attributes returns one
 * object; with NLM_F_DUMP it dumps all (optionally filtered, see each object)
 * and dumps resume across messages.  A dump that races with a change is
 * flagged NLM_F_DUMP_INTR.  Mutations need CAP_NET_ADMIN in the user
 * namespace owning the network namespace; GETs do not.
 *
 * Every change is announced on the multicast group CSVX_MCGRP_NOTIFY with
 * the same layout as a GET reply and the command that caused it (NEW_x,
 * DEL_x, FLUSH_x, SET_PARAMS).
 *
 * Addresses (CSVX_A_LOCAL, _REMOTE, _GW, _PREFIX and CSVX_IPS_A_ADDR) are
 * binary attributes of 4 bytes (IPv4) or 16 bytes (IPv6), network byte order;
 * the length is the address family.  MACs are binary attributes of 6 bytes.
 *
 * Every table has a limit (enum csvx_param); reaching it is ENOSPC.
 */
#ifndef _UAPI_LINUX_CSVX_H
#define _UAPI_LINUX_CSVX_H

#define CSVX_GENL_NAME		"csvx"
/* Bumped on every incompatible change; additions keep the number. */
#define CSVX_GENL_VERSION	1
#define CSVX_MCGRP_NOTIFY	"notify"

/* Longest object name, terminating NUL included (like IFNAMSIZ). */
#define CSVX_NAME_MAX		16
#define CSVX_VNI_MAX		0xffffffU	/* VNIs are 24 bits: 1..16777215 */
#define CSVX_FDB_MAX_IPS	8		/* IPs per remote MAC */

enum csvx_cmd {
	CSVX_CMD_UNSPEC,

	CSVX_CMD_GET_PARAMS,	/* reply: VERSION, MOD_VERSION, PARAMS, USAGE */
	CSVX_CMD_SET_PARAMS,	/* PARAMS (any subset) */

	CSVX_CMD_NEW_VRF,	/* VRF, VRF_ID, L3VNI, RMAC */
	CSVX_CMD_DEL_VRF,	/* VRF; EBUSY while a VNI is in it */
	CSVX_CMD_GET_VRF,	/* [VRF] */

	CSVX_CMD_NEW_VNI,	/* VNI, IFNAME, [VRF] [LOCAL] [GW GW_PLEN GW_MAC] [MTU] */
	CSVX_CMD_DEL_VNI,	/* VNI; its flood list and FDB go with it */
	CSVX_CMD_GET_VNI,	/* [VNI] */

	CSVX_CMD_NEW_FLOOD,	/* VNI, REMOTE */
	CSVX_CMD_DEL_FLOOD,	/* VNI, REMOTE */
	CSVX_CMD_GET_FLOOD,	/* dump only, filter: [VNI] */

	CSVX_CMD_NEW_FDB,	/* VNI, MAC, [REMOTE] [IPS] [SEQ] [FLAGS] */
	CSVX_CMD_DEL_FDB,	/* VNI, MAC */
	CSVX_CMD_GET_FDB,	/* VNI, MAC; dump filter: [VNI] */
	CSVX_CMD_FLUSH_FDB,	/* VNI: every FDB entry of that VNI */

	CSVX_CMD_NEW_ROUTE,	/* VRF, PREFIX, PLEN, REMOTE, RMAC */
	CSVX_CMD_DEL_ROUTE,	/* VRF, PREFIX, PLEN */
	CSVX_CMD_GET_ROUTE,	/* VRF, PREFIX, PLEN; dump filter: [VRF] */
	CSVX_CMD_FLUSH_ROUTE,	/* VRF: every non-connected route of that VRF */

	CSVX_CMD_GET_STATS,	/* [VNI]: STATS, DROPS of the VNI; without VNI
				 * the namespace's drops that belong to no VNI;
				 * dump: one message per VNI
				 */

	__CSVX_CMD_MAX,
};

#define CSVX_CMD_MAX (__CSVX_CMD_MAX - 1)

enum csvx_attr {
	CSVX_A_UNSPEC,
	CSVX_A_PAD,		/* alignment of 64-bit attributes */

	CSVX_A_VERSION,		/* u32: CSVX_GENL_VERSION of the module */
	CSVX_A_MOD_VERSION,	/* string: module version */
	CSVX_A_PARAMS,		/* nest: enum csvx_param, u32 each */
	CSVX_A_USAGE,		/* nest: enum csvx_param, u32 each: entries in use */

	CSVX_A_VRF,		/* string: VRF name, 1..CSVX_NAME_MAX-1 bytes */
	CSVX_A_VRF_ID,		/* u32: VRF id (table id), 1..2^32-1, unique */
	CSVX_A_L3VNI,		/* u32: the VRF's L3VNI, 1..CSVX_VNI_MAX */
	CSVX_A_RMAC,		/* binary[6]: router MAC (unicast, non-zero) */

	CSVX_A_VNI,		/* u32: 1..CSVX_VNI_MAX */
	CSVX_A_IFNAME,		/* string: VTEP device name, 1..IFNAMSIZ-1 bytes */
	CSVX_A_IFINDEX,		/* u32: VTEP device ifindex (reply; 0 = gone) */
	CSVX_A_LOCAL,		/* addr: VTEP source address */
	CSVX_A_GW,		/* addr: anycast gateway address */
	CSVX_A_GW_PLEN,		/* u8: gateway subnet prefix length */
	CSVX_A_GW_MAC,		/* binary[6]: anycast gateway MAC */
	CSVX_A_MTU,		/* u32: VTEP device MTU, 68..65535 */

	CSVX_A_REMOTE,		/* addr: remote VTEP */
	CSVX_A_MAC,		/* binary[6]: unicast MAC */
	CSVX_A_IPS,		/* nest: CSVX_IPS_A_ADDR, up to CSVX_FDB_MAX_IPS */
	CSVX_A_SEQ,		/* u32: EVPN MAC mobility sequence number */
	CSVX_A_FLAGS,		/* u32: CSVX_F_* */

	CSVX_A_PREFIX,		/* addr: route prefix (host bits must be 0) */
	CSVX_A_PLEN,		/* u8: prefix length, 0..32 or 0..128 */

	CSVX_A_STATS,		/* nest: enum csvx_stat, u64 each */
	CSVX_A_DROPS,		/* nest: enum csvx_drop, u64 each */

	__CSVX_A_MAX,
};

#define CSVX_A_MAX (__CSVX_A_MAX - 1)

enum csvx_ips_attr {
	CSVX_IPS_A_UNSPEC,
	CSVX_IPS_A_ADDR,	/* addr; repeated */
	__CSVX_IPS_A_MAX,
};

#define CSVX_IPS_A_MAX (__CSVX_IPS_A_MAX - 1)

/* CSVX_A_FLAGS */
enum csvx_flags {
	CSVX_F_STICKY		= 1U << 0,	/* fdb: the MAC never moves */
	CSVX_F_CONNECTED	= 1U << 1,	/* route: a local VNI's subnet (reply) */
};

/*
 * Tunables and limits, in CSVX_A_PARAMS (settable) and CSVX_A_USAGE (the
 * number of entries in use, reply only).  All u32.  Lowering a limit below
 * what is in use is refused (EBUSY).
 */
enum csvx_param {
	CSVX_PARAM_UNSPEC,
	CSVX_PARAM_UDP_PORT,	/* VXLAN UDP port, 1..65535, default 4789 */
	CSVX_PARAM_MAX_VRFS,
	CSVX_PARAM_MAX_VNIS,
	CSVX_PARAM_MAX_FLOOD,	/* flood entries over all VNIs */
	CSVX_PARAM_MAX_FDB,	/* FDB entries over all VNIs */
	CSVX_PARAM_MAX_ROUTES,	/* routes over all VRFs */
	CSVX_PARAM_MAX_FLOWS,	/* connection-table entries */
	__CSVX_PARAM_MAX,
};

#define CSVX_PARAM_MAX (__CSVX_PARAM_MAX - 1)

/* Per-VNI counters in CSVX_A_STATS (u64; type 0 is alignment padding). */
enum csvx_stat {
	CSVX_STAT_UNSPEC,
	CSVX_STAT_RX_PACKETS,	/* decapsulated and delivered */
	CSVX_STAT_RX_BYTES,
	CSVX_STAT_TX_PACKETS,	/* encapsulated (each flood copy counts) */
	CSVX_STAT_TX_BYTES,
	CSVX_STAT_TX_FLOOD,	/* BUM frames replicated to the flood list */
	CSVX_STAT_ARP_SUPPRESSED, /* ARP requests answered locally */
	CSVX_STAT_ND_SUPPRESSED,  /* neighbour solicitations answered locally */
	CSVX_STAT_ROUTED,	/* frames routed in the VRF */
	__CSVX_STAT_MAX,
};

#define CSVX_STAT_MAX (__CSVX_STAT_MAX - 1)

/* Drop reasons, counted per VNI in CSVX_A_DROPS (u64; type 0 is padding). */
enum csvx_drop {
	CSVX_DROP_UNSPEC,
	CSVX_DROP_BAD_HEADER,	/* malformed outer or VXLAN header */
	CSVX_DROP_UNKNOWN_VNI,	/* counted on the namespace, not a VNI */
	CSVX_DROP_NO_ROUTE,	/* no route in the VRF */
	CSVX_DROP_TTL,		/* TTL / hop limit exhausted when routing */
	CSVX_DROP_NO_FLOOD,	/* BUM frame and an empty flood list */
	CSVX_DROP_TOO_BIG,	/* larger than the path MTU allows */
	CSVX_DROP_UNDERLAY,	/* no underlay route to the remote VTEP */
	CSVX_DROP_NOMEM,	/* allocation failure */
	CSVX_DROP_LOOP,		/* a frame that would loop (own MAC, own VTEP) */
	CSVX_DROP_NO_NEIGH,	/* routed to a local subnet, owner unknown */
	__CSVX_DROP_MAX,
};

#define CSVX_DROP_MAX (__CSVX_DROP_MAX - 1)

#endif /* _UAPI_LINUX_CSVX_H */
