/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What sgset.c, sg.c and sgport.c share and nobody else uses.
 */
#ifndef _CSVX_SG_PRIV_H
#define _CSVX_SG_PRIV_H

#include "sg.h"

static inline struct csvx_hnode *sg_first_w(const struct csvx_htab *h)
{
	return rcu_dereference_protected(h->head, true);
}

static inline struct csvx_hnode *sg_next_w(const struct csvx_hnode *n)
{
	return rcu_dereference_protected(n->next, true);
}

static inline u32 sg_name_hash(const struct csvx_htab *h, const char *name)
{
	return csvx_htab_hash(h, name, strlen(name));
}

static inline int sg_check_name(const char *name, size_t max,
				const char **msg)
{
	size_t len = strnlen(name, max);

	if (!len) {
		*msg = "name must not be empty";
		return -EINVAL;
	}
	if (len == max) {
		*msg = "name too long";
		return -EINVAL;
	}
	return 0;
}

static inline bool sg_limit_reached(struct csvx_sgs *sgs, int param)
{
	return sgs->t->count[param] >= READ_ONCE(sgs->t->limit[param]);
}

/* A walk position in cursor words @i and @i + 1. */
static inline void sg_pos_get(const struct csvx_cursor *c, int i,
			      struct csvx_htab_pos *pos)
{
	pos->hash = c->pos[i];
	pos->rank = c->pos[i + 1];
}

static inline void sg_pos_put(struct csvx_cursor *c, int i,
			      const struct csvx_htab_pos *pos)
{
	c->pos[i] = pos->hash;
	c->pos[i + 1] = pos->rank;
}

/* sg.c, for sgport.c: the policy of groups @g[0..nr) (sorted), new or not. */
struct csvx_sg_policy *csvx_sg_policy_find(struct csvx_sgs *sgs,
					   struct csvx_sg *const *g, u8 nr);
/* A new, compiled, unlinked policy; NULL when out of memory. */
struct csvx_sg_policy *csvx_sg_policy_new(struct csvx_sgs *sgs,
					  struct csvx_sg *const *g, u8 nr);
void csvx_sg_policy_link(struct csvx_sgs *sgs, struct csvx_sg_policy *pol);
void csvx_sg_policy_put(struct csvx_sgs *sgs, struct csvx_sg_policy *pol);
/* Frees a policy no reader can reach (never published, or at teardown). */
void csvx_sg_policy_free(struct csvx_sg_policy *pol);

/* sgport.c, for sg.c */
void csvx_sg_ports_destroy(struct csvx_sgs *sgs);

#endif /* _CSVX_SG_PRIV_H */
