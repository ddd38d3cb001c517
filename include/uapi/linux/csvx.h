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
 * and the security groups of the VMs on this host (see "Security groups"
 * below): SET (ipset-style address sets), SG (a group of rules), PORT (a
 * local VM interface, filtered by the groups it is in).
 *
 * Message layout: every request and reply carries flat top-level attributes
 * from enum csvx_attr.  Each command has its own strict policy: an attribute
 * that a command does not take is rejected with an extended ack, as is any
 * attribute of the wrong type or length.  Every rejection carries an extack
 * message and, where one attribute is at fault, points at it.
 *
 * Commands: NEW_x creates an object; an existing one is EEXIST unless the
 * request carries the flag CSVX_A_REPLACE, which overwrites it (or creates
 * it).  Generic netlink reserves the nlmsg_flags NLM_F_CREATE, NLM_F_EXCL
 * and NLM_F_REPLACE: requests carrying them are refused by the core.  FDB
 * entries follow EVPN MAC mobility instead (see CSVX_CMD_NEW_FDB).
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
 *
 * Bulk FDB changes: NEW_FDB and DEL_FDB also take CSVX_A_ENTRIES instead of
 * one entry's attributes: a nest holding up to CSVX_BULK_MAX nests (of any
 * type), each with the attributes that command takes for one entry.  All
 * are validated first (a malformed one refuses the request, nothing
 * applied); then they are applied in order, each announced as if
 * requested alone; the first
 * refused entry ends the request: those before it stay applied, those
 * after it are not, and the extended ack points into the refused entry's
 * nest.  A batch that stops at its first error (csvxctl -b) sends many
 * lines per message this way and knows which line failed.
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
/* Set and security group names, NUL included (ipset's limit). */
#define CSVX_SET_NAME_MAX	32
#define CSVX_SG_NAME_MAX	32
#define CSVX_PORT_MAX_IPS	CSVX_FDB_MAX_IPS	/* IPs per port */
#define CSVX_BULK_MAX		1024		/* entries per CSVX_A_ENTRIES */
#define CSVX_PORT_MAX_SGS	16			/* groups per port */

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

	/* VNI, MAC, [REMOTE] [IPS] [SEQ] [FLAGS] [REPLACE].  EVPN MAC
	 * mobility: an existing MAC is updated (moved) by a higher SEQ; an
	 * equal SEQ is EEXIST, a lower one ESTALE; with REPLACE the entry is
	 * written whatever its SEQ.  A sticky MAC never moves to another
	 * REMOTE (EPERM).  No REMOTE: a local MAC (its IPs serve ARP/ND
	 * suppression and routed delivery).
	 */
	CSVX_CMD_NEW_FDB,
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

	/* Security groups: sets, groups and their rules, ports. */
	CSVX_CMD_NEW_SET,	/* SET, SET_TYPE, [FAMILY] [MAXELEM] [REPLACE]:
				 * REPLACE changes an existing set's MAXELEM
				 */
	CSVX_CMD_DEL_SET,	/* SET; EBUSY while a rule uses it */
	CSVX_CMD_GET_SET,	/* [SET] */
	CSVX_CMD_FLUSH_SET,	/* SET: removes every member */
	CSVX_CMD_SWAP_SET,	/* SET, SET2: exchanges their contents */
	CSVX_CMD_NEW_SET_MEMBER, /* SET, PREFIX, [PLEN] [REPLACE]: with REPLACE
				  * a member already there is no error
				  */
	CSVX_CMD_DEL_SET_MEMBER, /* SET, PREFIX, [PLEN] */
	CSVX_CMD_GET_SET_MEMBER, /* SET, PREFIX: the member that matches the
				  * address (ipset test); dump filter: [SET]
				  */

	CSVX_CMD_NEW_SG,	/* SG, [REPLACE] */
	CSVX_CMD_DEL_SG,	/* SG; EBUSY while a port is in it or another
				 * group's rule names it
				 */
	CSVX_CMD_GET_SG,	/* [SG] */
	CSVX_CMD_NEW_SG_RULE,	/* SG, DIR, [PROTO] [DPORT_LO [DPORT_HI]]
				 * [ICMP_TYPE [ICMP_CODE]], one remote: PREFIX
				 * [PLEN], SET or REMOTE_SG; [REPLACE]: a rule
				 * already there is no error.  In a batch (many
				 * requests in one sendmsg()), the rules are
				 * compiled once, after the buffer's last rule
				 * request (GEN of the ports changes then)
				 */
	CSVX_CMD_DEL_SG_RULE,	/* the same attributes as NEW_SG_RULE */
	CSVX_CMD_GET_SG_RULE,	/* dump only, filter: [SG] */

	CSVX_CMD_NEW_PORT,	/* IFNAME, VNI, MAC, [IPS] [SGS] [REPLACE] */
	CSVX_CMD_SET_PORT,	/* IFNAME, [IPS] [SGS]: what is given replaces */
	CSVX_CMD_DEL_PORT,	/* IFNAME */
	CSVX_CMD_GET_PORT,	/* [IFNAME]; the reply has the port's counters */

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
	CSVX_A_MTU,		/* u32: VTEP device MTU, 68..65465 (65535 less the
				 * IPv6 encapsulation)
				 */

	CSVX_A_REMOTE,		/* addr: remote VTEP */
	CSVX_A_MAC,		/* binary[6]: unicast MAC */
	CSVX_A_IPS,		/* nest: CSVX_IPS_A_ADDR, up to CSVX_FDB_MAX_IPS */
	CSVX_A_SEQ,		/* u32: EVPN MAC mobility sequence number */
	CSVX_A_FLAGS,		/* u32: CSVX_F_* */

	CSVX_A_PREFIX,		/* addr: route prefix (host bits must be 0) */
	CSVX_A_PLEN,		/* u8: prefix length, 0..32 or 0..128 */

	CSVX_A_STATS,		/* nest: enum csvx_stat, u64 each */
	CSVX_A_DROPS,		/* nest: enum csvx_drop, u64 each */

	CSVX_A_REPLACE,		/* flag: NEW_x overwrites an existing object */

	CSVX_A_SET,		/* string: set name, 1..CSVX_SET_NAME_MAX-1 bytes */
	CSVX_A_SET_TYPE,	/* u8: enum csvx_set_type */
	CSVX_A_FAMILY,		/* u8: AF_INET (2, default) or AF_INET6 (10) */
	CSVX_A_MAXELEM,		/* u32: most members of the set, default 65536 */
	CSVX_A_SET2,		/* string: the second set of a swap */
	CSVX_A_COUNT,		/* u32 (reply): members of a set, rules of a group */
	CSVX_A_REFS,		/* u32 (reply): rules that name the set or group */
	CSVX_A_SG,		/* string: group name, 1..CSVX_SG_NAME_MAX-1 bytes */
	CSVX_A_DIR,		/* u8: enum csvx_sg_dir */
	CSVX_A_PROTO,		/* u8: IPPROTO_TCP, _UDP, _ICMP, _ICMPV6; 0 any */
	CSVX_A_DPORT_LO,	/* u16: first destination port (tcp, udp) */
	CSVX_A_DPORT_HI,	/* u16: last one, >= DPORT_LO (default DPORT_LO) */
	CSVX_A_ICMP_TYPE,	/* u8: ICMP type (icmp, icmpv6; default any) */
	CSVX_A_ICMP_CODE,	/* u8: ICMP code, with ICMP_TYPE (default any) */
	CSVX_A_REMOTE_SG,	/* string: a group as a rule's remote */
	CSVX_A_PACKETS,		/* u64 (reply): connections a rule admitted */
	CSVX_A_SGS,		/* nest: CSVX_SGS_A_NAME, up to CSVX_PORT_MAX_SGS;
				 * an empty nest: no group (port not filtered)
				 */
	CSVX_A_NR_PORTS,	/* u32 (reply): ports in a group */
	CSVX_A_GEN,		/* u32 (reply): generation of a port's rules */
	CSVX_A_ENTRIES,		/* nest of nests, each one entry's attributes
				 * (NEW_FDB, DEL_FDB): up to CSVX_BULK_MAX
				 * entries applied in order under one request,
				 * the first refused one ending it (see below)
				 */

	__CSVX_A_MAX,
};

#define CSVX_A_MAX (__CSVX_A_MAX - 1)

enum csvx_ips_attr {
	CSVX_IPS_A_UNSPEC,
	CSVX_IPS_A_ADDR,	/* addr; repeated */
	__CSVX_IPS_A_MAX,
};

#define CSVX_IPS_A_MAX (__CSVX_IPS_A_MAX - 1)

enum csvx_sgs_attr {
	CSVX_SGS_A_UNSPEC,
	CSVX_SGS_A_NAME,	/* string: a group; repeated */
	__CSVX_SGS_A_MAX,
};

#define CSVX_SGS_A_MAX (__CSVX_SGS_A_MAX - 1)

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
	CSVX_PARAM_MAX_SETS,	/* sets (a group's own member list is none) */
	CSVX_PARAM_MAX_SET_MEMBERS, /* members over all sets */
	CSVX_PARAM_MAX_SGS,	/* security groups */
	CSVX_PARAM_MAX_RULES,	/* rules over all groups */
	CSVX_PARAM_MAX_PORTS,	/* ports */
	/* Connection timeouts in seconds (USAGE reports 0 for them). */
	CSVX_PARAM_CT_TCP_SYN,	/* handshake not completed, default 120 */
	CSVX_PARAM_CT_TCP_EST,	/* established, default 432000 (5 days) */
	CSVX_PARAM_CT_TCP_FIN,	/* a FIN was seen, default 120 */
	CSVX_PARAM_CT_TCP_CLOSE, /* a RST was seen, default 10 */
	CSVX_PARAM_CT_UDP,	/* UDP and other protocols, unreplied, default 30 */
	CSVX_PARAM_CT_UDP_REPLIED, /* ... once replied, default 180 */
	CSVX_PARAM_CT_ICMP,	/* ICMP echo, default 30 */
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
	/* Per port (GET_PORT), zero per VNI: */
	CSVX_STAT_SG_INGRESS,	/* frames admitted to the port */
	CSVX_STAT_SG_EGRESS,	/* frames admitted from the port */
	CSVX_STAT_SG_CONNS,	/* connections created for the port */
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
	/* Per port (GET_PORT), zero per VNI: */
	CSVX_DROP_SG_SPOOF_MAC,	/* source MAC is not the port's */
	CSVX_DROP_SG_SPOOF_IP,	/* source IP (or ND target) is not the port's */
	CSVX_DROP_SG_SPOOF_ARP,	/* ARP sender MAC or IP is not the port's */
	CSVX_DROP_SG_NO_RULE,	/* no rule admits it (not a reply either) */
	CSVX_DROP_SG_CONN_FULL,	/* admitted, but the connection table is full */
	CSVX_DROP_SG_NOT_IP,	/* neither IPv4, IPv6 nor ARP (VLAN tags too) */
	CSVX_DROP_SG_MALFORMED,	/* truncated or malformed IP/ARP header */
	__CSVX_DROP_MAX,
};

#define CSVX_DROP_MAX (__CSVX_DROP_MAX - 1)

/*
 * Security groups
 * ---------------
 * SET     a named set of addresses of one family, as ipset's hash:ip (single
 *         addresses) or hash:net (prefixes; PREFIX/PLEN, host bits 0).  A
 *         lookup costs one hash probe (hash:ip) or one per prefix length
 *         present in the set (hash:net), whatever the number of members.
 *         SWAP_SET exchanges the contents (members and MAXELEM) of two sets
 *         of the same type and family atomically: a packet sees one or the
 *         other.  A set named by a rule cannot be deleted (EBUSY).
 * SG      a security group: a list of rules.  Each rule admits, in one
 *         direction of the port (INGRESS: to the VM, EGRESS: from it), one
 *         protocol (PROTO 0: any) with a destination port range (tcp, udp)
 *         or an ICMP type and code (icmp, icmpv6), from/to one remote:
 *         a prefix (PREFIX/PLEN), a SET, or REMOTE_SG: the addresses of the
 *         ports currently in that group (kept current as ports change).
 *         Rules are compared as a whole: adding one twice is EEXIST, DEL
 *         names it by the same attributes.  PACKETS counts the connections
 *         the rule admitted (first packets).
 * PORT    a local VM interface (a bridge port, by ifindex: it goes away
 *         with its device), in a VNI, with its MAC and IPs.  The port's
 *         MAC and IPs become a local FDB entry of the VNI (ARP/ND
 *         suppression, routed delivery).  A port in at least one group is
 *         filtered:
 *   - anti-spoofing on frames from it: source MAC = the port's MAC; IPv4
 *     source one of its IPs (0.0.0.0 only for DHCP to port 67); IPv6 source
 *     one of its IPs or its EUI-64 link-local address (any fe80::/10 or ::
 *     only for ND/MLD ICMPv6; a neighbour advertisement's target must be
 *     the port's too); ARP sender MAC = the port's MAC and sender IP one of
 *     its IPv4s or 0.0.0.0 (probe); no router advertisement or redirect;
 *     other ethertypes and VLAN-tagged frames are dropped;
 *   - ingress: nothing is admitted but what a rule of one of its groups
 *     admits, and the replies of admitted connections; egress: everything
 *     while its groups have no egress rule (of either family), only what
 *     the rules admit once they have one.  Always admitted: ARP, DHCP and
 *     DHCPv6 between client and server ports, ND, RS/RA and MLD, ICMP
 *     errors that belong to a known connection, and IP fragments after the
 *     first (the first one is filtered; without it nothing reassembles).
 *   Frames between the port and the host itself pass anti-spoofing only.
 * Connections (max-flows, timeouts as params) are tracked per port and
 * direction, keyed by the port, its zone (the VNI's VRF, or the VNI) and
 * the 5-tuple (ICMP echo: the id), TCP state aware.  When a port's rules
 * change (a rule added or removed, its groups changed) their generation
 * (GEN) changes, and each connection created under an older one is
 * classified again on its next packet: dropped and forgotten if its rules
 * no longer admit it.  A change of a set's or a group's members does not
 * touch established connections.
 */
enum csvx_set_type {
	CSVX_SET_TYPE_UNSPEC,
	CSVX_SET_HASH_IP,	/* "hash:ip" */
	CSVX_SET_HASH_NET,	/* "hash:net" */
	__CSVX_SET_TYPE_MAX,
};

#define CSVX_SET_TYPE_MAX (__CSVX_SET_TYPE_MAX - 1)

enum csvx_sg_dir {
	CSVX_SG_INGRESS,	/* to the VM; the remote is the source */
	CSVX_SG_EGRESS,		/* from the VM; the remote is the destination */
	__CSVX_SG_DIR_MAX,
};

#define CSVX_SG_DIR_MAX (__CSVX_SG_DIR_MAX - 1)

#endif /* _UAPI_LINUX_CSVX_H */
