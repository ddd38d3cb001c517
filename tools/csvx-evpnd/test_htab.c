// SPDX-License-Identifier: GPL-2.0
/*
 * Native test of the agent's hash table and address helpers: what the
 * mirrors are built on.  Prints one "ok"/"not ok" line per check (TAP).
 */
#include <stdio.h>
#include <stdlib.h>

#include "htab.h"
#include "util.h"

struct item {
	struct hnode node;
	struct {
		uint32_t vni;
		uint8_t mac[ETH_ALEN];
		uint8_t pad[2];
	} k;
	int alive;
};

static int tests, failed;

static void ok(int cond, const char *what)
{
	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tests, what);
}

static void key(struct item *it, uint32_t i)
{
	memset(&it->k, 0, sizeof(it->k));
	it->k.vni = 100 + i % 7;
	it->k.mac[2] = (uint8_t)(i >> 16);
	it->k.mac[3] = (uint8_t)(i >> 8);
	it->k.mac[4] = (uint8_t)i;
}

int main(void)
{
	enum { N = 200000 };
	struct item *items = xcalloc(N, sizeof(*items));
	struct htab h;
	struct hiter iter;
	struct hnode *n;
	struct addr a, b;
	char buf[ADDR_STRLEN];
	size_t count = 0;
	int found = 0, wrong = 0;

	printf("TAP version 13\n1..9\n");
	hash_seed_init();
	htab_init(&h, offsetof(struct item, k) - offsetof(struct item, node), sizeof(items[0].k));
	for (uint32_t i = 0; i < N; i++) {
		key(&items[i], i);
		items[i].alive = 1;
		htab_insert(&h, &items[i].node);
	}
	ok(h.n == N, "insert 200000 keys");
	for (uint32_t i = 0; i < N; i++) {
		struct item probe;

		key(&probe, i);
		n = htab_find(&h, &probe.k);
		found += n == &items[i].node;
	}
	ok(found == N, "every key is found, and is itself");
	for (uint32_t i = 0; i < N; i += 2) {
		htab_remove(&h, &items[i].node);
		items[i].alive = 0;
	}
	ok(h.n == N / 2, "remove every other key");
	htab_for_each(n, &iter, &h) {
		struct item *it = container_of(n, struct item, node);

		count++;
		wrong += !it->alive;
		/* removing the current node while iterating is allowed */
		if ((it - items) % 4 == 1) {
			htab_remove(&h, n);
			it->alive = 0;
		}
	}
	ok(count == N / 2 && !wrong, "iteration sees exactly the live keys");
	count = 0;
	htab_for_each(n, &iter, &h)
		count++;
	ok(count == N / 4 && h.n == N / 4, "removal during iteration");
	htab_free(&h);
	free(items);

	addr_parse("::ffff:10.99.0.1", &a);
	addr_unmap(&a);
	addr_parse("10.99.0.1", &b);
	ok(addr_eq(&a, &b) && a.family == AF_INET, "IPv4-mapped IPv6 address unmapped");
	addr_parse("10.1.2.3", &a);
	addr_mask(&a, 20);
	ok(!strcmp(addr_str(&a, buf), "10.1.0.0"), "addr_mask /20");
	addr_parse("2001:db8::1", &a);
	ok(addr_cmp(&a, &b) > 0 && addr_len(&a) == 16, "IPv6 sorts after IPv4");
	{
		uint8_t mac[ETH_ALEN];

		ok(mac_parse("02:00:5e:00:01:0a", mac) && mac[5] == 0x0a &&
		   !mac_parse("02:00:5e:00:01", mac), "mac_parse");
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       tests - failed, failed);
	return failed ? 1 : 0;
}
