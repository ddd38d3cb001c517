// SPDX-License-Identifier: GPL-2.0
/*
 * The generic RCU hash table (kmod/tables/htab.c) on its own: the hash
 * against the kernel's test vectors, structure invariants through growth
 * and shrinking, equal hashes, walks resumed across changes and resizes, a
 * randomized run against a plain array, readers racing a writer, and a
 * million nodes.
 */
#include "unit.h"

#define LIVE	0x4c495645u
#define DEAD	0xdeadbeefu

struct item {
	struct csvx_hnode node;
	u32 key;
	u32 canary;
	struct rcu_head rcu;
};

static struct item *item_new(u32 key)
{
	struct item *it = calloc(1, sizeof(*it));

	if (it) {
		it->key = key;
		it->canary = LIVE;
	}
	return it;
}

/* After the grace period: poison first, so a late reader is caught even
 * where ASan is not watching.
 */
static void item_free_rcu(struct rcu_head *h)
{
	struct item *it = container_of(h, struct item, rcu);

	it->canary = DEAD;
	free(it);
}

static void item_free(struct item *it)
{
	call_rcu(&it->rcu, item_free_rcu);
}

/* Hash choices: the real keyed one, or one that puts 8 keys per hash. */
static u32 hash_of(const struct csvx_htab *h, u32 key, bool collide)
{
	if (collide)
		return (key / 8) * 0x9e3779b9u;
	return csvx_htab_hash1(h, key);
}

static struct item *find(const struct csvx_htab *h, u32 key, u32 hash)
{
	struct csvx_hprobe pr;
	struct csvx_hnode *n;

	csvx_htab_for_each_possible(h, n, hash, &pr) {
		struct item *it = container_of(n, struct item, node);

		if (it->key == key)
			return it;
	}
	return NULL;
}

/* Everything htab.c promises about its structure; NULL if all holds. */
static const char *invariants(const struct csvx_htab *h)
{
	const struct csvx_hbuckets *b = rcu_dereference(h->bkt);
	struct csvx_hnode *n, *prev = NULL;
	struct csvx_hnode __rcu **pp = (struct csvx_hnode __rcu **)&h->head;
	u32 count = 0, i, want;

	for (n = rcu_dereference(h->head); n; n = rcu_dereference(n->next)) {
		if (n->pprev != pp)
			return "pprev does not point at the previous link";
		if (prev && prev->hash > n->hash)
			return "list not sorted by hash";
		pp = &n->next;
		prev = n;
		count++;
	}
	if (count != h->count)
		return "count is wrong";
	if (h->last != prev)
		return "last is not the last node";
	if (!b)
		return count > 8 ? "more than 8 nodes and no buckets" : NULL;
	if (count > b->n * h->load)
		return "load factor above the table's limit";
	n = rcu_dereference(h->head);
	for (i = 0; i < b->n; i++) {
		const struct csvx_hline *l = &b->b[i];
		struct csvx_hnode *m;
		u32 run = 0, inslot = 0, s, t;

		while (n && csvx_hbucket(b, n->hash) < i)
			n = rcu_dereference(n->next);
		want = n && csvx_hbucket(b, n->hash) == i;
		if (rcu_dereference(l->first) != (want ? n : NULL))
			return "a line's first is not its bucket's first node";
		for (s = 0; s < CSVX_HB_SLOTS; s++) {
			m = rcu_dereference(l->slot[s]);
			if (!m)
				continue;
			if (h->load != 2)
				return "an index table has a node in a slot";
			if (csvx_hbucket(b, m->hash) != i || !m->pprev)
				return "a slot holds a node not in its bucket";
			if (l->tag[s] != (u16)m->hash)
				return "a slot's tag is not its node's";
			for (t = 0; t < s; t++)
				if (rcu_dereference(l->slot[t]) == m)
					return "a node is in two slots";
		}
		for (m = n; m && csvx_hbucket(b, m->hash) == i;
		     m = rcu_dereference(m->next)) {
			run++;
			for (s = 0; s < CSVX_HB_SLOTS; s++)
				if (rcu_dereference(l->slot[s]) == m)
					inslot++;
		}
		if (l->all && inslot != run)
			return "a line says all its nodes are in slots, and they are not";
		if (h->load == 2 && !l->all && run <= CSVX_HB_SLOTS)
			return "a run that fits its slots is not all in them";
	}
	return NULL;
}

static void free_all(struct csvx_htab *h)
{
	struct csvx_hnode *n, *next;

	for (n = rcu_dereference(h->head); n; n = next) {
		next = rcu_dereference(n->next);
		free(container_of(n, struct item, node));
	}
	csvx_htab_destroy(h);
}

FIXTURE(htab) {
	struct csvx_htab h;
};

FIXTURE_SETUP(htab)
{
	rcu_register_thread();
	csvx_htab_init(&self->h);
}

FIXTURE_TEARDOWN(htab)
{
	free_all(&self->h);
	EXPECT_EQ(0, unit_leaks());
	rcu_unregister_thread();
}

/* lib/siphash_kunit.c: hsiphash on 64-bit, key 00..0f, input 00 01 .. */
static const u32 kernel_vectors[64] = {
	0x050fc4dcU, 0x7d57ca93U, 0x4dc7d44dU, 0xe7ddf7fbU, 0x88d38328U,
	0x49533b67U, 0xc59f22a7U, 0x9bb11140U, 0x8d299a8eU, 0x6c063de4U,
	0x92ff097fU, 0xf94dc352U, 0x57b4d9a2U, 0x1229ffa7U, 0xc0f95d34U,
	0x2a519956U, 0x7d908b66U, 0x63dbd80cU, 0xb473e63eU, 0x8d297d1cU,
	0xa6cce040U, 0x2b45f844U, 0xa320872eU, 0xdae6c123U, 0x67349c8cU,
	0x705b0979U, 0xca9913a5U, 0x4ade3b35U, 0xef6cd00dU, 0x4ab1e1f4U,
	0x43c5e663U, 0x8c21d1bcU, 0x16a7b60dU, 0x7a8ff9bfU, 0x1f2a753eU,
	0xbf186b91U, 0xada26206U, 0xa3c33057U, 0xae3a36a1U, 0x7b108392U,
	0x99e41531U, 0x3f1ad944U, 0xc8138825U, 0xc28949a6U, 0xfaf8876bU,
	0x9f042196U, 0x68b1d623U, 0x8b5114fdU, 0xdf074c46U, 0x12cc86b3U,
	0x0a52098fU, 0x9d292f9aU, 0xa2f41f12U, 0x43a71ed0U, 0x73f0bce6U,
	0x70a7e980U, 0x243c6d75U, 0xfdb71513U, 0xa67d8a08U, 0xb7e8f148U,
	0xf7a644eeU, 0x0f1837f2U, 0x4b6694e0U, 0xb7bbb3a8U,
};

TEST(hsiphash_is_the_kernels)
{
	const hsiphash_key_t key = {{ 0x0706050403020100ULL,
				      0x0f0e0d0c0b0a0908ULL }};
	u8 in[64], unaligned[65];
	int i;

	for (i = 0; i < 64; i++)
		in[i] = unaligned[i + 1] = i;
	for (i = 0; i < 64; i++) {
		EXPECT_EQ(kernel_vectors[i], hsiphash(in, i, &key));
		EXPECT_EQ(kernel_vectors[i], hsiphash(unaligned + 1, i, &key));
	}
	EXPECT_EQ(kernel_vectors[4], hsiphash_1u32(0x03020100U, &key));
	EXPECT_EQ(kernel_vectors[8],
		  hsiphash_2u32(0x03020100U, 0x07060504U, &key));
	EXPECT_EQ(kernel_vectors[12],
		  hsiphash_3u32(0x03020100U, 0x07060504U, 0x0b0a0908U, &key));
	EXPECT_EQ(kernel_vectors[16],
		  hsiphash_4u32(0x03020100U, 0x07060504U, 0x0b0a0908U,
				0x0f0e0d0cU, &key));
}

TEST(tables_get_their_own_key)
{
	struct csvx_htab a, b;

	csvx_htab_init(&a);
	csvx_htab_init(&b);
	EXPECT_NE(csvx_htab_hash1(&a, 1), csvx_htab_hash1(&b, 1));
	csvx_htab_destroy(&a);
	csvx_htab_destroy(&b);
}

TEST_F(htab, empty)
{
	struct csvx_htab_pos pos = {};
	struct csvx_htab_iter it;

	rcu_read_lock();
	EXPECT_NULL(csvx_htab_seek(&self->h, 0));
	EXPECT_NULL(csvx_htab_seek(&self->h, U32_MAX));
	csvx_htab_iter_start(&self->h, &pos, &it);
	EXPECT_NULL(it.node);
	rcu_read_unlock();
	EXPECT_EQ(0, csvx_htab_memory(&self->h));
	EXPECT_NULL(invariants(&self->h));
}

TEST_F(htab, grows_and_shrinks)
{
	const u32 n = 20000;
	struct unit_rng r;
	struct item **items = calloc(n, sizeof(*items));
	size_t peak;
	u32 i, j;

	unit_rng_init(&r, "grows_and_shrinks");
	ASSERT_NE(NULL, items);
	for (i = 0; i < n; i++) {
		items[i] = item_new(i);
		ASSERT_NE(NULL, items[i]);
		csvx_htab_insert(&self->h, &items[i]->node,
				 hash_of(&self->h, i, false));
		if (i % 997 == 0 || i < 40)
			ASSERT_NULL(invariants(&self->h));
	}
	ASSERT_NULL(invariants(&self->h));
	peak = csvx_htab_memory(&self->h);
	/* 1..2 nodes per 64-byte line, and the header's line. */
	EXPECT_LE(peak, 64 * n + 64);
	EXPECT_GE(peak, 32 * n);
	for (i = 0; i < n; i++)
		ASSERT_EQ(items[i], find(&self->h, i, hash_of(&self->h, i, false)));

	/* Out in random order, checking as the table shrinks. */
	for (i = n; i > 0; i--) {
		j = rnd(&r, i);
		csvx_htab_remove(&self->h, &items[j]->node);
		ASSERT_NULL(find(&self->h, items[j]->key,
				 hash_of(&self->h, items[j]->key, false)));
		item_free(items[j]);
		items[j] = items[i - 1];
		if (i % 991 == 0 || i < 40)
			ASSERT_NULL(invariants(&self->h));
	}
	EXPECT_EQ(0, self->h.count);
	EXPECT_EQ(0, csvx_htab_memory(&self->h));
	EXPECT_NULL(rcu_dereference(self->h.head));
	free(items);
}

TEST_F(htab, equal_hashes_keep_their_order)
{
	struct item *it[8], *rep;
	struct csvx_htab_pos pos = {};
	struct csvx_htab_iter iter;
	struct csvx_hnode *n;
	const u32 h = 0x80000000u;
	int i;

	/* Neighbours on both sides and at both ends of the hash space. */
	const u32 others[] = { 0, 0, h - 1, h + 1, U32_MAX, U32_MAX };

	for (i = 0; i < 6; i++) {
		struct item *o = item_new(100 + i);

		ASSERT_NE(NULL, o);
		csvx_htab_insert(&self->h, &o->node, others[i]);
	}
	for (i = 0; i < 8; i++) {
		it[i] = item_new(i);
		ASSERT_NE(NULL, it[i]);
		csvx_htab_insert(&self->h, &it[i]->node, h);
	}
	ASSERT_NULL(invariants(&self->h));
	i = 0;
	csvx_htab_for_each_hash(&self->h, n, h)
		EXPECT_EQ(it[i++], container_of(n, struct item, node));
	EXPECT_EQ(8, i);

	/* A walk stopped at any of them resumes at that very node. */
	for (i = 0; i < 8; i++) {
		pos.hash = h;
		pos.rank = i;
		csvx_htab_iter_start(&self->h, &pos, &iter);
		EXPECT_EQ(&it[i]->node, iter.node);
		EXPECT_EQ(h, iter.pos.hash);
		EXPECT_EQ(i, iter.pos.rank);
	}
	/* Rank past the run: the next hash. */
	pos.rank = 8;
	csvx_htab_iter_start(&self->h, &pos, &iter);
	EXPECT_EQ(h + 1, iter.node->hash);
	EXPECT_EQ(0, iter.pos.rank);

	/* Both ends of the hash space, and the full walk's positions. */
	pos.hash = 0;
	pos.rank = 1;
	csvx_htab_iter_start(&self->h, &pos, &iter);
	EXPECT_EQ(101, container_of(iter.node, struct item, node)->key);
	pos.hash = U32_MAX;
	pos.rank = 1;
	csvx_htab_iter_start(&self->h, &pos, &iter);
	EXPECT_EQ(105, container_of(iter.node, struct item, node)->key);
	csvx_htab_iter_next(&iter);
	EXPECT_NULL(iter.node);

	/* Replace in the middle keeps the place; remove closes the gap. */
	rep = item_new(3);
	ASSERT_NE(NULL, rep);
	csvx_htab_replace(&self->h, &it[3]->node, &rep->node);
	item_free(it[3]);
	it[3] = rep;
	csvx_htab_remove(&self->h, &it[0]->node);
	item_free(it[0]);
	ASSERT_NULL(invariants(&self->h));
	i = 1;
	csvx_htab_for_each_hash(&self->h, n, h)
		EXPECT_EQ(it[i++], container_of(n, struct item, node));
	EXPECT_EQ(8, i);
}

/* ------------------------------------------------------- randomized model */

struct model {
	u32 nkeys;
	struct item **at;		/* the node of each key, NULL if absent */
	u32 count;
};

/* One random change; returns the key it touched. */
static u32 model_step(struct csvx_htab *h, struct model *m,
		      struct unit_rng *r, bool collide, int bias)
{
	u32 key = rnd(r, m->nkeys);
	int op = rnd(r, 100);
	struct item *it = m->at[key], *nw;

	if (!it && op < 50 + bias) {
		it = item_new(key);
		csvx_htab_insert(h, &it->node, hash_of(h, key, collide));
		m->at[key] = it;
		m->count++;
	} else if (it && op < 20) {
		nw = item_new(key);
		csvx_htab_replace(h, &it->node, &nw->node);
		item_free(it);
		m->at[key] = nw;
	} else if (it && op >= 50 + bias) {
		csvx_htab_remove(h, &it->node);
		item_free(it);
		m->at[key] = NULL;
		m->count--;
	}
	return key;
}

/*
 * Walk in slices the way a netlink dump does (stop at a node, resume there
 * in the next call), changing the table between slices; @bias grows or
 * shrinks it meanwhile, so slices straddle resizes.  Keys present at the
 * start and never removed must be seen exactly once, every key seen must
 * have existed during the walk, and positions never go backwards.
 */
static const char *sliced_walk(struct csvx_htab *h, struct model *m,
			       struct unit_rng *r, bool collide, int bias)
{
	u8 *state = calloc(m->nkeys, 1);	/* bit 0 stable, 1 seen, 2 existed */
	struct csvx_htab_pos pos = {};
	struct csvx_htab_iter it;
	const char *err = NULL;
	u32 k, i, last = 0;
	bool started = false;

	for (k = 0; k < m->nkeys; k++)
		state[k] = m->at[k] ? 1 | 4 : 0;
	for (;;) {
		u32 take = rnd(r, 40);

		rcu_read_lock();
		csvx_htab_iter_start(h, &pos, &it);
		for (i = 0; it.node && i < take; i++, csvx_htab_iter_next(&it)) {
			struct item *x = container_of(it.node, struct item, node);

			if (started && it.node->hash < last)
				err = "walk went backwards";
			last = it.node->hash;
			started = true;
			if (x->canary != LIVE)
				err = "walk met a freed node";
			if (!(state[x->key] & 4))
				err = "walk met a key that never existed";
			if ((state[x->key] & 3) == 3)
				err = "walk met a stable key twice";
			state[x->key] |= 2;
		}
		rcu_read_unlock();
		if (!it.node || err)
			break;
		pos = it.pos;
		for (i = rnd(r, 60); i; i--) {
			k = model_step(h, m, r, collide, bias);
			if (!m->at[k])
				state[k] &= ~1;	/* removed: no promise */
			else
				state[k] |= 4;
		}
	}
	for (k = 0; !err && k < m->nkeys; k++)
		if ((state[k] & 1) && !(state[k] & 2))
			err = "walk missed a stable key";
	free(state);
	return err;
}

static void model_check(struct __test_metadata *_metadata,
			struct csvx_htab *h, struct model *m, bool collide)
{
	struct csvx_htab_pos pos = {};
	struct csvx_htab_iter it;
	u32 k, seen = 0;

	ASSERT_NULL(invariants(h));
	ASSERT_EQ(m->count, h->count);
	for (k = 0; k < m->nkeys; k++)
		ASSERT_EQ(m->at[k], find(h, k, hash_of(h, k, collide)));
	for (csvx_htab_iter_start(h, &pos, &it); it.node;
	     csvx_htab_iter_next(&it)) {
		struct item *x = container_of(it.node, struct item, node);

		ASSERT_EQ(m->at[x->key], x);
		seen++;
	}
	ASSERT_EQ(m->count, seen);
}

static void model_run(struct __test_metadata *_metadata, struct csvx_htab *h,
		      bool collide, const char *name)
{
	struct model m = { .nkeys = 3000 };
	struct unit_rng r;
	u32 round, i, k;
	const char *err;

	unit_rng_init(&r, name);
	m.at = calloc(m.nkeys, sizeof(*m.at));
	ASSERT_NE(NULL, m.at);
	for (round = 0; round < 60; round++) {
		/* Phases that fill, drain and churn, to cross resizes. */
		int bias = round % 3 == 0 ? 40 : round % 3 == 1 ? -40 : 0;

		for (i = 0; i < 2000; i++) {
			k = model_step(h, &m, &r, collide, bias);
			ASSERT_EQ(m.at[k], find(h, k, hash_of(h, k, collide)));
		}
		model_check(_metadata, h, &m, collide);
		err = sliced_walk(h, &m, &r, collide, bias);
		ASSERT_NULL(err) TH_LOG("round %u: %s", round, err);
		model_check(_metadata, h, &m, collide);
	}
	free(m.at);
}

TEST_F(htab, randomized_against_a_model)
{
	model_run(_metadata, &self->h, false, "randomized_against_a_model");
}

/* An index table (no slots, long runs) keeps the same promises. */
TEST_F(htab, index_table_against_a_model)
{
	csvx_htab_destroy(&self->h);
	csvx_htab_init_index(&self->h);
	model_run(_metadata, &self->h, false, "index_table_against_a_model");
}

/* 8 keys per hash: runs of equal hash everywhere (no removals mid-walk
 * promise there, see htab.h, so the sliced walks only check what holds).
 */
TEST_F(htab, randomized_with_colliding_hashes)
{
	struct model m = { .nkeys = 2000 };
	struct unit_rng r;
	u32 i, k;

	unit_rng_init(&r, "randomized_with_colliding_hashes");
	m.at = calloc(m.nkeys, sizeof(*m.at));
	ASSERT_NE(NULL, m.at);
	for (i = 0; i < 100000; i++) {
		k = model_step(&self->h, &m, &r, true, i / 20000 % 2 ? -30 : 30);
		ASSERT_EQ(m.at[k], find(&self->h, k, hash_of(&self->h, k, true)));
		if (i % 5000 == 0)
			model_check(_metadata, &self->h, &m, true);
	}
	model_check(_metadata, &self->h, &m, true);
	free(m.at);
}

/*
 * The probe's word-at-a-time tag compare against one compare per slot, with
 * tags next to the one sought (a borrow or carry between half-words would
 * flag the wrong slot) as well as random ones.
 */
TEST(tags_match_as_one_compare_per_slot)
{
	static const u16 near[] = { 0, 1, 0xffff, 0x8000, 0x7fff, 0x0100 };
	struct csvx_hline l;
	struct unit_rng r;
	u32 i, k, want;
	u16 tag;

	unit_rng_init(&r, "tags_match_as_one_compare_per_slot");
	memset(&l, 0, sizeof(l));
	for (i = 0; i < 1000000; i++) {
		tag = rnd(&r, 4) ? rnd64(&r) : near[rnd(&r, ARRAY_SIZE(near))];
		want = 0;
		for (k = 0; k < CSVX_HB_SLOTS; k++) {
			switch (rnd(&r, 4)) {
			case 0:
				l.tag[k] = tag;
				break;
			case 1:
				l.tag[k] = tag ^ near[rnd(&r, ARRAY_SIZE(near))];
				break;
			case 2:
				l.tag[k] = tag + near[rnd(&r, ARRAY_SIZE(near))];
				break;
			default:
				l.tag[k] = rnd64(&r);
			}
			want |= (u32)(l.tag[k] == tag) << k;
		}
		ASSERT_EQ(want, csvx_htags_match(l.tags, l.tag[4], tag));
		/* the lowest of slots 0-3, ungathered (csvx_htab_first()) */
		if (want & 0xf) {
			ASSERT_EQ(__ffs(want),
				  csvx_htags_slot(csvx_htags_match4(l.tags, tag)));
		} else {
			ASSERT_EQ(0, csvx_htags_match4(l.tags, tag));
		}
	}
}

/*
 * csvx_htab_first(), the fast path of the FDB's lookup: it returns a node
 * of the hash sought or NULL, never another hash's node; it finds nearly
 * every node of a lookup table at its load (those in slots 0 to 3 that are
 * the first of their tag), none that is absent, and, with eight keys per
 * hash, one of the eight; and with no bucket array it defers to the probe.
 */
TEST_F(htab, first_candidate_or_nothing)
{
	const u32 n = 20000;
	struct item *x = calloc(2 * n, sizeof(*x));
	struct csvx_hnode *f;
	u32 i, pass, hits, other;

	ASSERT_NE(NULL, x);
	x[0].key = 0;
	csvx_htab_insert(&self->h, &x[0].node, hash_of(&self->h, 0, false));
	EXPECT_NULL(csvx_htab_first(&self->h, x[0].node.hash));
	csvx_htab_remove(&self->h, &x[0].node);
	for (pass = 0; pass < 2; pass++) {
		bool collide = pass;

		for (i = 0; i < n; i++) {
			x[i].key = i;
			csvx_htab_insert(&self->h, &x[i].node,
					 hash_of(&self->h, i, collide));
		}
		rcu_read_lock();
		hits = 0;
		other = 0;
		for (i = 0; i < n; i++) {
			f = csvx_htab_first(&self->h, x[i].node.hash);
			if (f)
				ASSERT_EQ(x[i].node.hash, f->hash);
			hits += f == &x[i].node;
			other += f && f != &x[i].node;
		}
		/*
		 * A key not in the table finds nothing, or a node of the same
		 * 32-bit hash: among 40000 keys two share one by chance in
		 * about one run in five, and the caller compares the key.
		 */
		for (i = n; i < 2 * n && !collide; i++) {
			u32 hs = hash_of(&self->h, i, false);

			f = csvx_htab_first(&self->h, hs);
			if (f)
				ASSERT_EQ(hs, f->hash);
			other += !!f;
		}
		rcu_read_unlock();
		ksft_print_msg("%s: %u of %u found first, %u another of their hash\n",
			       collide ? "8 keys per hash" : "keyed hash",
			       hits, n, other);
		if (collide) {
			EXPECT_LT(n / 8 * 9 / 10, hits);
			EXPECT_LT(n * 9 / 10, hits + other);
		} else {
			EXPECT_LT(n * 95 / 100, hits);
			/* only chance collisions of the full 32-bit hash */
			EXPECT_GE(4, other);
		}
		for (i = 0; i < n; i++)
			csvx_htab_remove(&self->h, &x[i].node);
	}
	free(x);
}

TEST_F(htab, walk_resumes_across_resizes)
{
	const u32 base = 1000, extra = 60000;
	struct csvx_htab_pos pos = {};
	struct csvx_htab_iter it;
	struct item **x = calloc(base + extra, sizeof(*x));
	u8 *seen = calloc(base, 1);
	u32 i, got = 0, phase = 0;

	ASSERT_NE(NULL, x);
	for (i = 0; i < base; i++) {
		x[i] = item_new(i);
		csvx_htab_insert(&self->h, &x[i]->node,
				 hash_of(&self->h, i, false));
	}
	for (;;) {
		csvx_htab_iter_start(&self->h, &pos, &it);
		for (i = 0; it.node && i < 100; i++, csvx_htab_iter_next(&it)) {
			u32 key = container_of(it.node, struct item, node)->key;

			if (key < base) {
				ASSERT_EQ(0, seen[key]);
				seen[key] = 1;
				got++;
			}
		}
		if (!it.node)
			break;
		pos = it.pos;
		/* Grow by 60x, then shrink back, between slices. */
		if (phase == 0) {
			for (i = base; i < base + extra; i++) {
				x[i] = item_new(i);
				csvx_htab_insert(&self->h, &x[i]->node,
						 hash_of(&self->h, i, false));
			}
		} else if (phase == 2) {
			for (i = base; i < base + extra; i++) {
				csvx_htab_remove(&self->h, &x[i]->node);
				item_free(x[i]);
			}
		}
		phase++;
	}
	EXPECT_EQ(base, got);
	EXPECT_NULL(invariants(&self->h));
	free(x);
	free(seen);
}

/* ------------------------------------------------------------ concurrency */

struct race {
	struct csvx_htab *h;
	u32 stable, churn;
	volatile int stop;
	const char *err;
	u64 lookups, walks;
};

static void *race_reader(void *arg)
{
	struct race *rc = arg;
	struct unit_rng r = { .s = (uintptr_t)&r };
	u32 key, seen;
	u64 n = 0;

	rcu_register_thread();
	while (!rc->stop && !rc->err) {
		struct item *it;

		rcu_read_lock();
		key = rnd(&r, rc->stable);
		it = find(rc->h, key, hash_of(rc->h, key, false));
		if (!it || it->key != key || it->canary != LIVE)
			rc->err = "a stable key was not found intact";
		key = rc->stable + rnd(&r, rc->churn);
		it = find(rc->h, key, hash_of(rc->h, key, false));
		if (it && (it->key != key || it->canary != LIVE))
			rc->err = "a churned key was found torn or freed";
		rcu_read_unlock();
		n++;

		if (n % 20000 == 0) {
			struct csvx_htab_pos pos = {};
			struct csvx_htab_iter iter;
			u32 last = 0;

			seen = 0;
			rcu_read_lock();
			for (csvx_htab_iter_start(rc->h, &pos, &iter);
			     iter.node; csvx_htab_iter_next(&iter)) {
				it = container_of(iter.node, struct item, node);
				if (it->canary != LIVE || iter.node->hash < last)
					rc->err = "a walk under RCU met a freed node or went back";
				last = iter.node->hash;
				if (it->key < rc->stable)
					seen++;
			}
			rcu_read_unlock();
			if (seen != rc->stable)
				rc->err = "a walk under RCU did not see every stable key once";
			__atomic_add_fetch(&rc->walks, 1, __ATOMIC_RELAXED);
		}
	}
	__atomic_add_fetch(&rc->lookups, n, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

TEST_F_TIMEOUT(htab, readers_race_a_writer, 120)
{
	struct race rc = { .h = &self->h, .stable = 2000, .churn = 20000 };
	struct item **at = calloc(rc.stable + rc.churn, sizeof(*at));
	pthread_t th[2];
	struct unit_rng r;
	u32 i, ops = unit_scale(600000), key;
	double t0;

	unit_rng_init(&r, "readers_race_a_writer");
	for (i = 0; i < rc.stable; i++) {
		at[i] = item_new(i);
		csvx_htab_insert(&self->h, &at[i]->node, hash_of(&self->h, i, false));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, race_reader, &rc));
	t0 = unit_now();
	for (i = 0; i < ops && !rc.err; i++) {
		/* Long phases of mostly-insert and mostly-remove resize the
		 * table under the readers again and again.
		 */
		bool filling = (i / 40000) % 2 == 0;
		struct item *nw;

		key = rc.stable + rnd(&r, rc.churn);
		if (!at[key] && (filling || rnd(&r, 4) == 0)) {
			at[key] = item_new(key);
			csvx_htab_insert(&self->h, &at[key]->node,
					 hash_of(&self->h, key, false));
		} else if (at[key] && rnd(&r, 3) == 0) {
			nw = item_new(key);
			csvx_htab_replace(&self->h, &at[key]->node, &nw->node);
			item_free(at[key]);
			at[key] = nw;
		} else if (at[key] && (!filling || rnd(&r, 4) == 0)) {
			csvx_htab_remove(&self->h, &at[key]->node);
			item_free(at[key]);
			at[key] = NULL;
		}
	}
	rc.stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	ksft_print_msg("%u writes, %llu reader lookups, %llu reader walks in %.2fs\n",
		       ops, (unsigned long long)rc.lookups,
		       (unsigned long long)rc.walks, unit_now() - t0);
	EXPECT_NULL(rc.err);
	EXPECT_NULL(invariants(&self->h));
	free(at);
}

/* ------------------------------------------------------------------ scale */

TEST_F_TIMEOUT(htab, a_million_nodes, 120)
{
	const u32 n = unit_scale(1000000);
	struct item *x = calloc(n, sizeof(*x));
	struct csvx_htab_pos pos = {};
	struct csvx_htab_iter it;
	struct unit_rng r;
	u32 i, *order = malloc(n * sizeof(u32)), found = 0;
	double t;

	ASSERT_NE(NULL, x);
	ASSERT_NE(NULL, order);
	unit_rng_init(&r, "a_million_nodes");
	for (i = 0; i < n; i++) {
		x[i].key = i;
		order[i] = i;
	}
	for (i = n - 1; i > 0; i--) {
		u32 j = rnd(&r, i + 1), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	t = unit_now();
	for (i = 0; i < n; i++)
		csvx_htab_insert(&self->h, &x[i].node, hash_of(&self->h, i, false));
	t = unit_now() - t;
	ksft_print_msg("htab: %u inserts: %.0f/s, buckets %zu bytes\n", n, n / t,
		       csvx_htab_memory(&self->h));
	t = unit_now();
	rcu_read_lock();
	for (i = 0; i < n; i++)
		found += find(&self->h, order[i], hash_of(&self->h, order[i], false)) != NULL;
	rcu_read_unlock();
	t = unit_now() - t;
	EXPECT_EQ(n, found);
	ksft_print_msg("htab: %u random lookups: %.0f/s (%.1f ns)\n", n, n / t,
		       t * 1e9 / n);
	t = unit_now();
	found = 0;
	for (csvx_htab_iter_start(&self->h, &pos, &it); it.node;
	     csvx_htab_iter_next(&it))
		found++;
	EXPECT_EQ(n, found);
	ksft_print_msg("htab: walk: %.0f nodes/s\n", n / (unit_now() - t));
	t = unit_now();
	for (i = 0; i < n; i++)
		csvx_htab_remove(&self->h, &x[order[i]].node);
	t = unit_now() - t;
	ksft_print_msg("htab: %u removes: %.0f/s\n", n, n / t);
	EXPECT_EQ(0, self->h.count);
	free(x);
	free(order);
}

TEST_HARNESS_MAIN
