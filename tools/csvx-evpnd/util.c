// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "log.h"
#include "util.h"

bool addr_set(struct addr *a, const void *data, size_t len)
{
	memset(a, 0, sizeof(*a));
	if (len != 4 && len != 16)
		return false;
	a->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(a->b, data, len);
	return true;
}

void addr_unmap(struct addr *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	uint8_t v4[4];

	if (a->family != AF_INET6 || memcmp(a->b, prefix, sizeof(prefix)))
		return;
	memcpy(v4, a->b + 12, 4);
	addr_set(a, v4, 4);
}

int addr_cmp(const struct addr *x, const struct addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->b, y->b, sizeof(x->b));
}

const char *addr_str(const struct addr *a, char buf[ADDR_STRLEN])
{
	if (!a->family || !inet_ntop(a->family, a->b, buf, ADDR_STRLEN))
		snprintf(buf, ADDR_STRLEN, "-");
	return buf;
}

bool addr_parse(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->family = AF_INET6;
		return true;
	}
	memset(a, 0, sizeof(*a));
	return false;
}

void addr_mask(struct addr *a, unsigned int plen)
{
	size_t len = addr_len(a);

	for (size_t i = 0; i < len; i++) {
		unsigned int bits = plen > i * 8 ? plen - (unsigned int)i * 8 : 0;

		if (bits < 8)
			a->b[i] &= (uint8_t)(0xff00 >> bits);
	}
}

const char *mac_str(const uint8_t *mac, char buf[MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

bool mac_parse(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int v[ETH_ALEN];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &end) != ETH_ALEN)
		return false;
	for (int i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

bool mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[ETH_ALEN];

	return !memcmp(mac, zero, ETH_ALEN);
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t seed;

void hash_seed_init(void)
{
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = now_ms() ^ ((uint64_t)getpid() << 32);
}

/* Tenants choose MACs and IPs: a keyed mix keeps chains short anyway. */
uint32_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *s = p;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL), v;

	while (n >= 8) {
		memcpy(&v, s, 8);
		h ^= v;
		h *= 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		s += 8;
		n -= 8;
	}
	v = 0;
	memcpy(&v, s, n);
	h ^= v;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

static void oom(void)
{
	log_msg(LOG_CRIT, "out of memory");
	exit(EXIT_FAILURE);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}
