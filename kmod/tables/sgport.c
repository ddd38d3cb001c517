// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: local VM interfaces by ifindex (and by VNI and MAC), the policy
 * each one follows, and the groups' member sets they fill (see sg.h).
 */
#include "sg_priv.h"

static u32 mac_hash(const struct csvx_htab *h, u32 vni, const u8 *mac)
{
	return hsiphash_3u32(vni, (u32)mac[0] << 24 | mac[1] << 16 |
			     mac[2] << 8 | mac[3], mac[4] << 8 | mac[5],
			     &h->key);
}

struct csvx_port *csvx_port_lookup(struct csvx_sgs *sgs, int ifindex)
{
	u32 hash = csvx_htab_hash1(&sgs->ports, ifindex);
	struct csvx_port *port;
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(&sgs->ports, n, hash, &pr) {
		port = container_of(n, struct csvx_port, node);
		if (port->ifindex == ifindex)
			return port;
	}
	return NULL;
}

struct csvx_port *csvx_port_by_mac(struct csvx_sgs *sgs, u32 vni,
				   const u8 *mac)
{
	u32 hash = mac_hash(&sgs->port_macs, vni, mac);
	struct csvx_port *port;
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(&sgs->port_macs, n, hash, &pr) {
		port = container_of(n, struct csvx_port, mac_node);
		if (port->vni == vni && !memcmp(port->mac, mac, ETH_ALEN))
			return port;
	}
	return NULL;
}

static void port_free(struct csvx_port *port)
{
	if (port->owns_stats)
		free_percpu(port->stats);
	kfree(port);
}

static void port_free_rcu(struct rcu_head *head)
{
	port_free(container_of(head, struct csvx_port, rcu));
}

static bool addr_usable(const struct csvx_addr *a)
{
	if (a->family == AF_INET)
		return a->ip4 && (be32_to_cpu(a->ip4) >> 28) != 0xe &&
		       a->ip4 != (__force __be32)U32_MAX;
	if (a->family == AF_INET6)
		return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) &&
		       a->ip6.s6_addr[0] != 0xff;
	return false;
}

static struct csvx_set *member_set(const struct csvx_sg_policy *pol, int i,
				   const struct csvx_addr *a)
{
	return pol->sgs[i]->members[a->family == AF_INET6];
}

/* Add (@add) or drop one reference to each of @port's IPs in its groups. */
static int port_members(struct csvx_port *port, bool add)
{
	const struct csvx_sg_policy *pol = port->policy;
	int i, j, k, done = 0, err = 0;
	const char *msg;

	for (i = 0; pol && i < pol->nr; i++) {
		for (j = 0; j < port->nr_ips; j++) {
			const struct csvx_addr *a = &port->ips[j];
			u8 bits = csvx_family_bits(a->family);

			if (!add) {
				csvx_set_del(member_set(pol, i, a), a, bits,
					     true, &msg);
				continue;
			}
			err = csvx_set_add(member_set(pol, i, a), a, bits, true,
					   &msg);
			if (err)
				goto undo;
			done++;
		}
	}
	return 0;
undo:
	for (k = 0; k < done; k++) {
		const struct csvx_addr *a = &port->ips[k % port->nr_ips];

		csvx_set_del(member_set(pol, k / port->nr_ips, a), a,
			     csvx_family_bits(a->family), true, &msg);
	}
	return err;
}

static int cmp_ptr(const void *a, const void *b)
{
	unsigned long x = (unsigned long)*(void *const *)a;
	unsigned long y = (unsigned long)*(void *const *)b;

	return x < y ? -1 : x > y;
}

static void sort_groups(struct csvx_sg **g, int n)
{
	int i, j;

	/* At most CSVX_PORT_MAX_SGS: insertion sort. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cmp_ptr(&g[j - 1], &g[j]) > 0; j--)
			swap(g[j - 1], g[j]);
}

static void make_ll6(const u8 *mac, struct in6_addr *ll)
{
	memset(ll, 0, sizeof(*ll));
	ll->s6_addr[0] = 0xfe;
	ll->s6_addr[1] = 0x80;
	ll->s6_addr[8] = mac[0] ^ 0x02;
	ll->s6_addr[9] = mac[1];
	ll->s6_addr[10] = mac[2];
	ll->s6_addr[11] = 0xff;
	ll->s6_addr[12] = 0xfe;
	ll->s6_addr[13] = mac[3];
	ll->s6_addr[14] = mac[4];
	ll->s6_addr[15] = mac[5];
}

static int port_groups(struct csvx_sgs *sgs, const struct csvx_port_spec *spec,
		       const struct csvx_port *old, struct csvx_sg **g,
		       u8 *nr, const char **msg)
{
	int i, j;

	if (!spec->set_sgs && old) {
		*nr = old->policy ? old->policy->nr : 0;
		if (*nr)
			memcpy(g, old->policy->sgs, *nr * sizeof(*g));
		return 0;
	}
	if (spec->nr_sgs > CSVX_PORT_MAX_SGS) {
		*msg = "too many groups for one port";
		return -E2BIG;
	}
	for (i = 0; i < spec->nr_sgs; i++) {
		g[i] = csvx_sg_lookup(sgs, spec->sgs[i]);
		if (!g[i]) {
			*msg = "no such group";
			return -ENOENT;
		}
		for (j = 0; j < i; j++) {
			if (g[j] == g[i]) {
				*msg = "group listed twice";
				return -EINVAL;
			}
		}
	}
	*nr = spec->nr_sgs;
	sort_groups(g, *nr);
	return 0;
}

int csvx_port_prepare(struct csvx_sgs *sgs, const struct csvx_port_spec *spec,
		      enum csvx_port_mode mode, struct csvx_port_txn *txn,
		      const char **msg)
{
	struct csvx_sg *g[CSVX_PORT_MAX_SGS];
	struct csvx_port *old, *port, *other;
	struct csvx_sg_policy *pol = NULL;
	const struct csvx_addr *ips;
	u8 nr_ips, nr_g;
	int i, j, err;

	memset(txn, 0, sizeof(*txn));
	old = csvx_port_lookup(sgs, spec->ifindex);
	if (old && mode == CSVX_PORT_ADD) {
		*msg = "port exists already";
		return -EEXIST;
	}
	if (!old && mode == CSVX_PORT_UPDATE) {
		*msg = "no such port";
		return -ENOENT;
	}
	if (mode == CSVX_PORT_UPDATE) {
		ips = spec->set_ips ? spec->ips : old->ips;
		nr_ips = spec->set_ips ? spec->nr_ips : old->nr_ips;
	} else {
		ips = spec->ips;
		nr_ips = spec->nr_ips;
		if (!old && sg_limit_reached(sgs, CSVX_PARAM_MAX_PORTS)) {
			*msg = "too many ports (max-ports)";
			return -ENOSPC;
		}
	}
	if (nr_ips > CSVX_PORT_MAX_IPS) {
		*msg = "too many IPs for one port";
		return -E2BIG;
	}
	for (i = 0; i < nr_ips; i++) {
		if (!addr_usable(&ips[i])) {
			*msg = "port IP must be a unicast address";
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (csvx_addr_equal(&ips[i], &ips[j])) {
				*msg = "IP listed twice";
				return -EINVAL;
			}
		}
	}
	if (mode != CSVX_PORT_UPDATE) {
		other = csvx_port_by_mac(sgs, spec->vni, spec->mac);
		if (other && other != old) {
			*msg = "another port of the VNI has this MAC";
			return -EEXIST;
		}
	}
	err = port_groups(sgs, spec, mode == CSVX_PORT_UPDATE ? old : NULL,
			  g, &nr_g, msg);
	if (err)
		return err;

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		goto nomem;
	if (nr_g) {
		pol = csvx_sg_policy_find(sgs, g, nr_g);
		if (!pol) {
			pol = csvx_sg_policy_new(sgs, g, nr_g);
			if (!pol)
				goto nomem_port;
			txn->new_policy = true;
		}
	}
	port->ifindex = spec->ifindex;
	if (old && mode == CSVX_PORT_UPDATE) {
		port->vni = old->vni;
		port->zone = old->zone;
		port->zone_is_vni = old->zone_is_vni;
		memcpy(port->mac, old->mac, ETH_ALEN);
		strscpy(port->ifname, old->ifname, sizeof(port->ifname));
	} else {
		port->vni = spec->vni;
		port->zone = spec->zone;
		port->zone_is_vni = spec->zone_is_vni;
		memcpy(port->mac, spec->mac, ETH_ALEN);
		strscpy(port->ifname, spec->ifname ?: "", sizeof(port->ifname));
	}
	make_ll6(port->mac, &port->ll6);
	port->nr_ips = nr_ips;
	for (i = 0; i < nr_ips; i++) {
		port->ips[i] = ips[i];
		if (ips[i].family == AF_INET)
			memset(&port->ips[i].w[1], 0, 3 * sizeof(u32));
	}
	port->policy = pol;
	port->gen = pol ? rcu_dereference_protected(pol->cls, true)->gen : 0;
	if (old) {
		port->id = old->id;
		port->stats = old->stats;
	} else {
		port->id = ++sgs->next_port_id;
		port->stats = alloc_percpu(struct csvx_port_stats);
		if (!port->stats)
			goto nomem_pol;
	}
	port->owns_stats = true;
	err = port_members(port, true);
	if (err)
		goto nomem_stats;
	txn->old = old;
	txn->port = port;
	txn->policy = pol;
	return 0;

nomem_stats:
	if (!old)
		free_percpu(port->stats);
nomem_pol:
	if (txn->new_policy)
		csvx_sg_policy_free(pol);
nomem_port:
	kfree(port);
nomem:
	memset(txn, 0, sizeof(*txn));
	*msg = "out of memory";
	return -ENOMEM;
}

void csvx_port_abort(struct csvx_port_txn *txn)
{
	struct csvx_port *port = txn->port;

	if (!port)
		return;
	port_members(port, false);
	if (txn->new_policy)
		csvx_sg_policy_free(txn->policy);
	if (!txn->old)
		free_percpu(port->stats);
	kfree(port);
	memset(txn, 0, sizeof(*txn));
}

static void bloom_change(struct csvx_sgs *sgs, int ifindex, int delta)
{
	u32 bit = (u32)ifindex % CSVX_SG_BLOOM_BITS;
	u64 *w = &sgs->bloom[bit / 64];

	sgs->bloom_cnt[bit] += delta;
	if (sgs->bloom_cnt[bit])
		WRITE_ONCE(*w, *w | 1ULL << (bit % 64));
	else
		WRITE_ONCE(*w, *w & ~(1ULL << (bit % 64)));
}

/* What a port held in its groups and policy, given back. */
static void port_release(struct csvx_sgs *sgs, struct csvx_port *port)
{
	int i;

	port_members(port, false);
	if (port->policy) {
		for (i = 0; i < port->policy->nr; i++)
			port->policy->sgs[i]->nr_ports--;
		bloom_change(sgs, port->ifindex, -1);
		sgs->nr_filtered--;
	}
	csvx_sg_policy_put(sgs, port->policy);
}

void csvx_port_commit(struct csvx_sgs *sgs, struct csvx_port_txn *txn)
{
	struct csvx_port *port = txn->port, *old = txn->old;
	struct csvx_sg_policy *pol = txn->policy;
	int i;

	if (pol) {
		if (txn->new_policy)
			csvx_sg_policy_link(sgs, pol);
		pol->refs++;
		for (i = 0; i < pol->nr; i++)
			pol->sgs[i]->nr_ports++;
		bloom_change(sgs, port->ifindex, 1);
		sgs->nr_filtered++;
	}
	if (old) {
		csvx_htab_replace(&sgs->ports, &old->node, &port->node);
		if (old->vni == port->vni &&
		    !memcmp(old->mac, port->mac, ETH_ALEN)) {
			csvx_htab_replace(&sgs->port_macs, &old->mac_node,
					  &port->mac_node);
		} else {
			csvx_htab_remove(&sgs->port_macs, &old->mac_node);
			csvx_htab_insert(&sgs->port_macs, &port->mac_node,
					 mac_hash(&sgs->port_macs, port->vni,
						  port->mac));
		}
		port_release(sgs, old);
		old->owns_stats = false;
		call_rcu(&old->rcu, port_free_rcu);
	} else {
		csvx_htab_insert(&sgs->ports, &port->node,
				 csvx_htab_hash1(&sgs->ports, port->ifindex));
		csvx_htab_insert(&sgs->port_macs, &port->mac_node,
				 mac_hash(&sgs->port_macs, port->vni,
					  port->mac));
		sgs->t->count[CSVX_PARAM_MAX_PORTS]++;
	}
	sgs->t->gen++;
	memset(txn, 0, sizeof(*txn));
}

int csvx_port_del(struct csvx_sgs *sgs, int ifindex, const char **msg)
{
	struct csvx_port *port = csvx_port_lookup(sgs, ifindex);

	if (!port) {
		*msg = "no such port";
		return -ENOENT;
	}
	csvx_htab_remove(&sgs->ports, &port->node);
	csvx_htab_remove(&sgs->port_macs, &port->mac_node);
	port_release(sgs, port);
	sgs->t->count[CSVX_PARAM_MAX_PORTS]--;
	sgs->t->gen++;
	call_rcu(&port->rcu, port_free_rcu);
	return 0;
}

struct csvx_port *csvx_port_by_name(struct csvx_sgs *sgs, const char *ifname)
{
	struct csvx_port *port;
	struct csvx_hnode *n;

	for (n = sg_first_w(&sgs->ports); n; n = sg_next_w(n)) {
		port = container_of(n, struct csvx_port, node);
		if (!strcmp(port->ifname, ifname))
			return port;
	}
	return NULL;
}

void csvx_port_rename(struct csvx_sgs *sgs, int ifindex, const char *ifname)
{
	struct csvx_port *port = csvx_port_lookup(sgs, ifindex);

	if (port) {
		strscpy(port->ifname, ifname, sizeof(port->ifname));
		sgs->t->gen++;
	}
}

int csvx_port_walk(struct csvx_sgs *sgs, struct csvx_cursor *c,
		   int (*fn)(const struct csvx_port *, void *), void *arg)
{
	struct csvx_htab_iter it;
	struct csvx_htab_pos pos;
	int ret;

	sg_pos_get(c, 0, &pos);
	for (csvx_htab_iter_start(&sgs->ports, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		ret = fn(container_of(it.node, struct csvx_port, node), arg);
		if (ret) {
			sg_pos_put(c, 0, &it.pos);
			return ret;
		}
	}
	return 0;
}

void csvx_sg_ports_destroy(struct csvx_sgs *sgs)
{
	struct csvx_hnode *n, *next;

	for (n = sg_first_w(&sgs->ports); n; n = next) {
		next = sg_next_w(n);
		port_free(container_of(n, struct csvx_port, node));
	}
}
