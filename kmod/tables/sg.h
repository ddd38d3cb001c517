/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Security groups: named sets, groups of rules, ports (local VM
 * interfaces), and the classifier compiled for each port.
 *
 * Ports that are in the same groups share one policy (struct
 * csvx_sg_policy), and each policy has one compiled classifier (struct
 * csvx_sg_cls), immutable, rebuilt when its groups' rules change and
 * published with rcu_assign_pointer().  The classifier is organised by
 * remote first, then by the 16-bit key (destination port, or ICMP
 * type << 8 | code), per direction, family and protocol class (tcp, udp,
 * icmp/icmpv6, other: "a tree"):
 *
 *  - every prefix the tree's rules name is one entry (struct
 *    csvx_sg_cent) holding the key ranges of the rules with that prefix,
 *    merged into disjoint ranges (up to two inline), and its parent: the
 *    next shorter prefix of the tree that covers it.  The prefixes cut the
 *    address space into intervals, each with its longest covering prefix,
 *    sorted by start (prefixes nest or are disjoint, so there are at most
 *    twice as many intervals as prefixes, plus one);
 *  - every set or group the tree's rules name is one reference, with its
 *    merged key ranges, and the tree keeps the union of those ranges.
 *
 * A first packet costs one binary search of its tree's intervals, a range
 * lookup in each prefix on the parent chain from there (as many as
 * prefixes nest at that address, usually one or two) and, unless that
 * admits it or no reference's ranges hold its key, the set part: one probe
 * of the namespace's member index per length present there (one when all
 * sets are hash:ip; sgset.h), and for each member found, a compare with
 * the current contents of each set the tree names (a few pointers: sets,
 * not rules).  None of this grows with the number of set members, nor
 * with the number of rules but for the search's logarithm; a classifier
 * takes O(rules) memory, and a set change touches the index only, not
 * the classifiers.  (Cutting the key space too, as rte_acl or
 * HiCuts do, copies wide ranges into every cut: rules x cuts memory.)
 *
 * Everything here is written under the caller's lock (tables.h); the
 * classifier, ports and sets are read by packets under RCU.
 */
#ifndef _CSVX_SG_H
#define _CSVX_SG_H

#include "tables.h"
#include "htab.h"
#include "sgset.h"

/* IP protocol numbers (linux/in.h is not reachable through the shim). */
#define CSVX_PROTO_ANY		0
#define CSVX_PROTO_ICMP		1
#define CSVX_PROTO_TCP		6
#define CSVX_PROTO_UDP		17
#define CSVX_PROTO_ICMPV6	58

#define CSVX_SG_NONE		U32_MAX
#define CSVX_SG_NCLASS		4	/* tcp, udp, icmp(v6), other */

/* Defaults of the security-group limits (enum csvx_param). */
#define CSVX_DEFAULT_MAX_SETS		4096
#define CSVX_DEFAULT_MAX_SET_MEMBERS	(1024 * 1024)
#define CSVX_DEFAULT_MAX_SGS		4096
#define CSVX_DEFAULT_MAX_RULES		65536
#define CSVX_DEFAULT_MAX_PORTS		4096
/* ... and of the connection timeouts, in seconds */
#define CSVX_DEFAULT_CT_TCP_SYN		120
#define CSVX_DEFAULT_CT_TCP_EST		432000
#define CSVX_DEFAULT_CT_TCP_FIN		120
#define CSVX_DEFAULT_CT_TCP_CLOSE	10
#define CSVX_DEFAULT_CT_UDP		30
#define CSVX_DEFAULT_CT_UDP_REPLIED	180
#define CSVX_DEFAULT_CT_ICMP		30

/* ifindexes of filtered ports, one bit per ifindex modulo this */
#define CSVX_SG_BLOOM_BITS	512
#define CSVX_SG_BLOOM_WORDS	(CSVX_SG_BLOOM_BITS / 64)

enum csvx_sg_remote {
	CSVX_SG_R_CIDR,
	CSVX_SG_R_SET,
	CSVX_SG_R_GROUP,
};

struct csvx_sg;

struct csvx_sg_rule {
	struct csvx_hnode node;		/* writer side: by group and content */
	struct csvx_sg_rule *next;	/* writer side: the group's list */
	struct csvx_sg_rule **pprev;
	struct csvx_sg_rule *dead_next;	/* removed, until recompiled */
	u32 id;				/* order of creation: dump cursor */
	u8 dir;				/* enum csvx_sg_dir */
	u8 proto;			/* CSVX_PROTO_* */
	u8 remote;			/* enum csvx_sg_remote */
	u8 plen;			/* CIDR */
	bool has_dport;
	u16 dport_lo, dport_hi;		/* tcp/udp, 0..65535 if !has_dport */
	s16 icmp_type, icmp_code;	/* icmp/icmpv6, -1: any */
	struct csvx_addr prefix;	/* CIDR, host bits clear */
	struct csvx_set *set;		/* SET */
	struct csvx_sg *group;		/* GROUP */
	struct csvx_sg *owner;
	atomic_long_t packets;		/* connections admitted */
	struct rcu_head rcu;
};

struct csvx_sg_rule_spec {
	u8 dir;
	u8 proto;
	bool has_dport;
	u16 dport_lo, dport_hi;
	s16 icmp_type, icmp_code;	/* -1: any */
	u8 remote;
	struct csvx_addr prefix;
	u8 plen;
	const char *set;
	const char *group;
};

struct csvx_sg {
	struct csvx_hnode node;		/* by name */
	struct csvx_sg_rule *rules;	/* in id order */
	struct csvx_sg_rule **tail;
	u32 nr_rules;
	u32 nr_egress;
	u32 refs;			/* rules naming it (its own included) */
	u32 nr_ports;
	/* The addresses of its ports, [0] IPv4 and [1] IPv6, as hash:ip
	 * sets (one reference per port address): REMOTE_SG tests these.
	 */
	struct csvx_set *members[2];
	char name[CSVX_SG_NAME_MAX];
};

/* Key ranges of a remote, disjoint, ascending; rule: the one admitting. */
struct csvx_sg_range {
	u16 lo, hi;
	u32 rule;
};

struct csvx_sg_ref {
	const struct csvx_set *set;
	u32 first, nr;			/* in cls->ranges */
};

/* A prefix of one tree: its merged key ranges, inline when few. */
#define CSVX_SG_INLINE_RANGES	2

struct csvx_sg_cent {
	u32 parent;			/* index, or CSVX_SG_NONE */
	u32 nr;
	/* inl, or in cls->ranges: no branch on which at the packet */
	const struct csvx_sg_range *rg;
	struct csvx_sg_range inl[CSVX_SG_INLINE_RANGES];
};

/* One direction, family and protocol class of a classifier. */
struct csvx_sg_tree {
	u32 iv, nr_iv;			/* in cls->start4/6 and cls->icent[fam] */
	u32 ref, nr_refs;		/* in cls->refs */
	u32 uni, nr_uni;		/* in cls->ranges: the refs' keys */
};

/* An IPv6 interval start, in host order, for compares. */
struct csvx_sg_a6 {
	u64 hi, lo;
};

struct csvx_sg_cls {
	u32 gen;			/* never 0 */
	bool egress_default;		/* no egress rule: egress admitted */
	u32 nr_rules;
	struct csvx_sg_rule **rules;	/* what the ranges' rule indexes mean */
	const struct csvx_sgidx *idx;	/* the namespace's, outlives this */
	struct csvx_sg_tree tree[2][2][CSVX_SG_NCLASS];
	u32 *start4;			/* interval starts, host order */
	struct csvx_sg_a6 *start6;
	u32 *icent[2];			/* an interval's longest prefix */
	u32 nr_iv[2];
	struct csvx_sg_cent *cents;
	u32 nr_cents;
	struct csvx_sg_ref *refs;
	u32 nr_refs;
	struct csvx_sg_range *ranges;
	u32 nr_ranges;
	size_t bytes;
	struct rcu_head rcu;
};

/* Ports in the same groups share a policy. */
struct csvx_sg_policy {
	struct csvx_sg_policy *next;	/* writer side */
	struct csvx_sg_cls __rcu *cls;
	struct csvx_sg_cls *pending;	/* writer side: compiled, unpublished */
	bool dirty;			/* writer side: rules changed since */
	u32 refs;			/* ports */
	u8 nr;
	struct csvx_sg *sgs[CSVX_PORT_MAX_SGS];	/* sorted by address */
	struct rcu_head rcu;
};

/* Per-CPU counters of a port: enum csvx_stat, enum csvx_drop. */
struct csvx_port_stats {
	u64 stat[CSVX_STAT_MAX + 1];
	u64 drop[CSVX_DROP_MAX + 1];
	struct u64_stats_sync syncp;
};

/*
 * A port.  The first cache line is what an established packet reads;
 * the port object is replaced as a whole when it changes.
 */
struct csvx_port {
	struct csvx_hnode node;		/* by ifindex */
	int ifindex;
	u32 id;				/* never reused: connections use it */
	u32 gen;			/* its classifier's generation */
	u32 zone;			/* VRF id, or the VNI for pure L2 */
	struct csvx_sg_policy *policy;	/* NULL: not filtered */
	struct csvx_port_stats __percpu *stats;
	u8 mac[ETH_ALEN];
	u8 nr_ips;
	u8 zone_is_vni;
	/* anti-spoofing */
	struct csvx_addr ips[CSVX_PORT_MAX_IPS];
	struct in6_addr ll6;		/* EUI-64 link-local of mac */
	/* writer side */
	struct csvx_hnode mac_node;	/* by (vni, mac) */
	u32 vni;
	bool owns_stats;
	char ifname[IFNAMSIZ];
	struct rcu_head rcu;
};

struct csvx_port_spec {
	int ifindex;
	const char *ifname;
	u32 vni;
	u32 zone;
	bool zone_is_vni;
	const u8 *mac;
	bool set_ips;			/* SET_PORT: replace the IPs */
	const struct csvx_addr *ips;
	u8 nr_ips;
	bool set_sgs;			/* SET_PORT: replace the groups */
	const char *const *sgs;
	u8 nr_sgs;
};

/*
 * A change of a port in two steps, so that the caller can do its own
 * fallible step (the port's FDB entry) in between: prepare checks and
 * allocates everything and may fail; then either commit (cannot fail)
 * or abort.
 */
struct csvx_port_txn {
	struct csvx_port *old;		/* NULL: a new port */
	struct csvx_port *port;		/* the new object */
	struct csvx_sg_policy *policy;	/* its policy (may be new) */
	bool new_policy;
};

/* Everything of one namespace. */
struct csvx_sgs {
	struct csvx_tables *t;		/* limits, counts, gen */
	struct csvx_htab sets;		/* struct csvx_set by name */
	struct csvx_htab groups;	/* struct csvx_sg by name */
	struct csvx_htab rules;		/* struct csvx_sg_rule by content */
	struct csvx_htab ports;		/* struct csvx_port by ifindex */
	struct csvx_htab port_macs;	/* by (vni, mac) */
	struct csvx_sgidx idx;		/* every set's members by address */
	struct csvx_sg_policy *policies;
	struct csvx_sg_rule *dead_rules;	/* removed, not yet unnamed */
	bool dirty;			/* a policy is, see csvx_sgs_commit() */
	u32 nr_filtered;		/* ports with a policy */
	u32 next_rule_id;
	u32 next_port_id;
	u32 gen;			/* of the last classifier compiled */
	u64 mark;
	u16 bloom_cnt[CSVX_SG_BLOOM_BITS];
	/* A clear bit: no filtered port has an ifindex of that residue. */
	u64 bloom[CSVX_SG_BLOOM_WORDS] ____cacheline_aligned;
};

void csvx_sgs_init(struct csvx_sgs *sgs, struct csvx_tables *t);
/* Frees everything now: no reader may be left. */
void csvx_sgs_destroy(struct csvx_sgs *sgs);
size_t csvx_sgs_memory(struct csvx_sgs *sgs);

/* ---------------------------------------------------------------- sets */

/* @maxelem 0: the default.  With @replace an existing set of the same type
 * and family takes the new maxelem.
 */
int csvx_sgset_add(struct csvx_sgs *sgs, const char *name, u8 type,
		   u8 family, u32 maxelem, bool replace, const char **msg);
int csvx_sgset_del(struct csvx_sgs *sgs, const char *name, const char **msg);
struct csvx_set *csvx_sgset_lookup(struct csvx_sgs *sgs, const char *name);
/* With @exist_ok an existing member is not an error (returns 1). */
int csvx_sgset_member_add(struct csvx_sgs *sgs, const char *name,
			  const struct csvx_addr *addr, u8 plen, bool exist_ok,
			  const char **msg);
int csvx_sgset_member_del(struct csvx_sgs *sgs, const char *name,
			  const struct csvx_addr *addr, u8 plen,
			  const char **msg);
/* Returns the number of members removed, or -errno. */
int csvx_sgset_flush(struct csvx_sgs *sgs, const char *name,
		     const char **msg);
int csvx_sgset_swap(struct csvx_sgs *sgs, const char *a, const char *b,
		    const char **msg);
/* Cursor: pos[0..1] the set, pos[2..3] the member (member walks). */
int csvx_sgset_walk(struct csvx_sgs *sgs, struct csvx_cursor *c,
		    int (*fn)(const struct csvx_set *, void *), void *arg);
/* set NULL: every set's members */
int csvx_sgset_member_walk(struct csvx_sgs *sgs, const struct csvx_set *set,
			   struct csvx_cursor *c,
			   int (*fn)(const struct csvx_set *,
				     const struct csvx_set_member *, void *),
			   void *arg);

/* -------------------------------------------------------------- groups */

int csvx_sg_add(struct csvx_sgs *sgs, const char *name, bool replace,
		const char **msg);
/* -EBUSY while a port is in it or another group's rule names it. */
int csvx_sg_del(struct csvx_sgs *sgs, const char *name, const char **msg);
struct csvx_sg *csvx_sg_lookup(struct csvx_sgs *sgs, const char *name);

/*
 * Rules.  Adding an existing rule is -EEXIST (with @exist_ok: 1, nothing
 * changes).  With @commit both recompile every policy that contains the
 * group (and every one left dirty before); if that cannot allocate,
 * nothing changes (-ENOMEM).  Without, the policies are only marked dirty
 * and keep their classifier until csvx_sgs_commit(): many rules, one
 * compilation (a batch of requests).
 */
int csvx_sg_rule_add(struct csvx_sgs *sgs, const char *group,
		     const struct csvx_sg_rule_spec *spec, bool exist_ok,
		     bool commit, const char **msg);
int csvx_sg_rule_del(struct csvx_sgs *sgs, const char *group,
		     const struct csvx_sg_rule_spec *spec, bool commit,
		     const char **msg);
/* Compile and publish what rule changes left dirty; -ENOMEM leaves it. */
int csvx_sgs_commit(struct csvx_sgs *sgs);
static inline bool csvx_sgs_dirty(const struct csvx_sgs *sgs)
{
	return sgs->dirty;
}

/* The rule of @group equal to @spec (NULL with *msg if none or invalid). */
struct csvx_sg_rule *csvx_sg_rule_find(struct csvx_sgs *sgs,
				       const char *group,
				       const struct csvx_sg_rule_spec *spec,
				       const char **msg);

/* Cursor: pos[0..1] the group, pos[2] the next rule id. */
int csvx_sg_walk(struct csvx_sgs *sgs, struct csvx_cursor *c,
		 int (*fn)(const struct csvx_sg *, void *), void *arg);
/* group NULL: every group's rules */
int csvx_sg_rule_walk(struct csvx_sgs *sgs, const struct csvx_sg *group,
		      struct csvx_cursor *c,
		      int (*fn)(const struct csvx_sg_rule *, void *),
		      void *arg);

/* --------------------------------------------------------------- ports */

/* @mode: add (-EEXIST if present), replace (add or overwrite), update. */
enum csvx_port_mode {
	CSVX_PORT_ADD,
	CSVX_PORT_REPLACE,
	CSVX_PORT_UPDATE,		/* SET_PORT: must exist, partial */
};

int csvx_port_prepare(struct csvx_sgs *sgs, const struct csvx_port_spec *spec,
		      enum csvx_port_mode mode, struct csvx_port_txn *txn,
		      const char **msg);
void csvx_port_commit(struct csvx_sgs *sgs, struct csvx_port_txn *txn);
void csvx_port_abort(struct csvx_port_txn *txn);
/* Removes the port now (its memory after a grace period). */
int csvx_port_del(struct csvx_sgs *sgs, int ifindex, const char **msg);
struct csvx_port *csvx_port_lookup(struct csvx_sgs *sgs, int ifindex); /* RCU */
struct csvx_port *csvx_port_by_mac(struct csvx_sgs *sgs, u32 vni,
				   const u8 *mac);		/* writer */
/* The port of the device named @ifname (a walk: for requests). Writer. */
struct csvx_port *csvx_port_by_name(struct csvx_sgs *sgs, const char *ifname);
/* Renaming a device keeps its port; the name is for show. Writer. */
void csvx_port_rename(struct csvx_sgs *sgs, int ifindex, const char *ifname);
/* Cursor: pos[0..1] */
int csvx_port_walk(struct csvx_sgs *sgs, struct csvx_cursor *c,
		   int (*fn)(const struct csvx_port *, void *), void *arg);

/*
 * The datapath's way in: a filtered port of this ifindex, or NULL.  Most
 * frames on a host are not to or from a filtered port; for them this reads
 * one cache line (the bitmap).  RCU.
 */
static inline struct csvx_port *csvx_port_filtered(struct csvx_sgs *sgs,
						   int ifindex)
{
	u32 bit = (u32)ifindex % CSVX_SG_BLOOM_BITS;
	struct csvx_port *port;

	if (!(READ_ONCE(sgs->bloom[bit / 64]) & (1ULL << (bit % 64))))
		return NULL;
	port = csvx_port_lookup(sgs, ifindex);
	return port && port->policy ? port : NULL;
}

/* --------------------------------------------------------- classifying */

/* What a first packet is classified on. */
struct csvx_sg_pkt {
	u8 dir;				/* enum csvx_sg_dir of the port */
	u8 family;
	u8 proto;
	u16 key;			/* dport, or icmp type << 8 | code */
	struct csvx_addr remote;	/* source (ingress), dest (egress) */
};

/*
 * Does the classifier admit the packet?  *rule is the admitting rule, NULL
 * when egress is admitted because the port has no egress rule.  RCU.
 */
bool csvx_sg_classify(const struct csvx_sg_cls *cls,
		      const struct csvx_sg_pkt *pkt,
		      struct csvx_sg_rule **rule);

static inline const struct csvx_sg_cls *
csvx_port_cls(const struct csvx_port *port)
{
	return port->policy ? rcu_dereference(port->policy->cls) : NULL;
}

/*
 * Compiling (sgcls.c, for sg.c): a new classifier for @pol's rules, NULL
 * when out of memory.  The result is private until published.
 */
struct csvx_sg_cls *csvx_sg_compile(struct csvx_sgs *sgs,
				    const struct csvx_sg_policy *pol);
void csvx_sg_cls_free(struct csvx_sg_cls *cls);		/* now */
void csvx_sg_cls_free_rcu(struct csvx_sg_cls *cls);	/* after a grace period */

/* The key a rule matches for ICMP type @type, code @code. */
static inline u16 csvx_sg_icmp_key(u8 type, u8 code)
{
	return (u16)type << 8 | code;
}

#endif /* _CSVX_SG_H */
