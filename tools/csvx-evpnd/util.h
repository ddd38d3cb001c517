/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small things every file of the agent uses: addresses, MACs, an intrusive
 * list, time.
 */
#ifndef _EVPND_UTIL_H
#define _EVPND_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define ETH_ALEN	6
#define MAC_STRLEN	18
#define ADDR_STRLEN	INET6_ADDRSTRLEN

/*
 * An IPv4 or IPv6 address.  Always fully initialised (padding included),
 * because addresses are parts of hash keys compared with memcmp().
 * family 0 means "no address".
 */
struct addr {
	uint8_t family;		/* 0, AF_INET or AF_INET6 */
	uint8_t pad[3];
	uint8_t b[16];		/* network byte order; IPv4 in b[0..3] */
};

static inline size_t addr_len(const struct addr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

static inline bool addr_is_set(const struct addr *a)
{
	return a->family != 0;
}

/* From 4 or 16 bytes; false (and no address) for any other length. */
bool addr_set(struct addr *a, const void *data, size_t len);
/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes the IPv4 address. */
void addr_unmap(struct addr *a);
int addr_cmp(const struct addr *x, const struct addr *y);
static inline bool addr_eq(const struct addr *x, const struct addr *y)
{
	return !addr_cmp(x, y);
}
const char *addr_str(const struct addr *a, char buf[ADDR_STRLEN]);
bool addr_parse(const char *s, struct addr *a);
/* Host bits beyond PLEN cleared. */
void addr_mask(struct addr *a, unsigned int plen);

const char *mac_str(const uint8_t *mac, char buf[MAC_STRLEN]);
bool mac_parse(const char *s, uint8_t mac[ETH_ALEN]);
bool mac_is_zero(const uint8_t *mac);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t now_ms(void);

/* A seeded hash of a byte string (the seed is random per run). */
void hash_seed_init(void);
uint32_t hash_bytes(const void *p, size_t n);

/* Intrusive doubly linked list. */
struct list {
	struct list *next, *prev;
};

static inline void list_init(struct list *l)
{
	l->next = l->prev = l;
}

static inline bool list_empty(const struct list *l)
{
	return l->next == l;
}

static inline bool list_linked(const struct list *n)
{
	return n->next && n->next != n;
}

static inline void list_add_tail(struct list *head, struct list *n)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static inline void list_del(struct list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

#define list_for_each_safe(pos, tmp, head) \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif /* _EVPND_UTIL_H */
