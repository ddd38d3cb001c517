/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An intrusive, resizable chained hash keyed by a fixed-size byte string
 * that sits at a fixed offset from the node in the containing object.
 * Keys must be fully initialised (padding too): they are compared with
 * memcmp().
 */
#ifndef _EVPND_HTAB_H
#define _EVPND_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct hnode {
	struct hnode *next;
	uint32_t hash;
};

struct htab {
	struct hnode **b;
	uint32_t mask;		/* buckets - 1 */
	size_t n;
	size_t koff;		/* key offset from the node */
	size_t klen;
};

/* KOFF: offsetof(obj, key) - offsetof(obj, node). */
void htab_init(struct htab *h, size_t koff, size_t klen);
void htab_free(struct htab *h);			/* the buckets only */
struct hnode *htab_find(const struct htab *h, const void *key);
void htab_insert(struct htab *h, struct hnode *n);
void htab_remove(struct htab *h, struct hnode *n);

/* Iteration that survives removal (not insertion) of the current node. */
struct hiter {
	const struct htab *h;
	uint32_t i;
	struct hnode *next;
};
struct hnode *htab_first(const struct htab *h, struct hiter *it);
struct hnode *htab_next(struct hiter *it);

#define htab_for_each(n, it, h) \
	for ((n) = htab_first((h), (it)); (n); (n) = htab_next(it))

#endif /* _EVPND_HTAB_H */
