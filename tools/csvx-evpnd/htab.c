// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "util.h"

#define HTAB_MIN	64

static const void *node_key(const struct htab *h, const struct hnode *n)
{
	return (const char *)n + h->koff;
}

void htab_init(struct htab *h, size_t koff, size_t klen)
{
	h->b = xcalloc(HTAB_MIN, sizeof(*h->b));
	h->mask = HTAB_MIN - 1;
	h->n = 0;
	h->koff = koff;
	h->klen = klen;
}

void htab_free(struct htab *h)
{
	free(h->b);
	h->b = NULL;
	h->n = 0;
}

struct hnode *htab_find(const struct htab *h, const void *key)
{
	uint32_t hash = hash_bytes(key, h->klen);
	struct hnode *n;

	for (n = h->b[hash & h->mask]; n; n = n->next)
		if (n->hash == hash && !memcmp(node_key(h, n), key, h->klen))
			return n;
	return NULL;
}

static void resize(struct htab *h, uint32_t size)
{
	struct hnode **b = xcalloc(size, sizeof(*b));

	for (uint32_t i = 0; i <= h->mask; i++) {
		struct hnode *n = h->b[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (size - 1)];
			b[n->hash & (size - 1)] = n;
		}
	}
	free(h->b);
	h->b = b;
	h->mask = size - 1;
}

void htab_insert(struct htab *h, struct hnode *n)
{
	struct hnode **slot;

	n->hash = hash_bytes(node_key(h, n), h->klen);
	if (h->n >= h->mask + 1)
		resize(h, (h->mask + 1) * 2);
	slot = &h->b[n->hash & h->mask];
	n->next = *slot;
	*slot = n;
	h->n++;
}

void htab_remove(struct htab *h, struct hnode *n)
{
	struct hnode **p = &h->b[n->hash & h->mask];

	for (; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			n->next = NULL;
			h->n--;
			return;
		}
	}
}

static struct hnode *advance(struct hiter *it)
{
	while (it->i <= it->h->mask) {
		struct hnode *n = it->h->b[it->i++];

		if (n)
			return n;
	}
	return NULL;
}

struct hnode *htab_first(const struct htab *h, struct hiter *it)
{
	struct hnode *n;

	it->h = h;
	it->i = 0;
	n = advance(it);
	it->next = n ? (n->next ? n->next : advance(it)) : NULL;
	return n;
}

struct hnode *htab_next(struct hiter *it)
{
	struct hnode *n = it->next;

	if (n)
		it->next = n->next ? n->next : advance(it);
	return n;
}
