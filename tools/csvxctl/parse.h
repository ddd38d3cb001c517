/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing and formatting of what csvxctl reads and writes as text:
 * keywords, numbers, names, addresses, MACs, prefixes, batch lines.
 */
#ifndef _CSVXCTL_PARSE_H
#define _CSVXCTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* An IPv4 or IPv6 address as the family carries it: the length is the family. */
struct addr {
	uint8_t len;		/* 4 or 16 */
	uint8_t b[16];
};

#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define PREFIX_STRLEN	(ADDR_STRLEN + 4)
#define MAC_STRLEN	18

#define KW_NONE		(-1)
#define KW_AMBIGUOUS	(-2)

/*
 * Look ARG up in a NULL-terminated list of keywords: an exact match or an
 * unambiguous abbreviation (a prefix of exactly one keyword, iproute2 style).
 * Several spellings of one keyword may share an index through ALIAS (may be
 * NULL): ALIAS[i] is the index that WORDS[i] stands for.
 */
int kw_lookup(const char *arg, const char *const *words, const int *alias);

bool parse_u32(const char *s, uint32_t *v);
bool parse_u8(const char *s, uint8_t *v);
/* A port or port range "LO[-HI]" (0..65535, LO <= HI); HI = LO without -HI. */
bool parse_port_range(const char *s, uint16_t *lo, uint16_t *hi);
bool parse_vni(const char *s, uint32_t *v);
bool parse_mac(const char *s, uint8_t mac[6]);
bool parse_addr(const char *s, struct addr *a);
/* ADDR/PLEN; without /PLEN a host prefix if HOST_OK. */
bool parse_prefix(const char *s, struct addr *a, uint8_t *plen, bool host_ok);
/* An object name of 1..max-1 bytes (max counts the NUL, as CSVX_NAME_MAX). */
bool parse_name(const char *s, size_t max);
/*
 * Split a comma-separated list of names ("web,db") in place into OUT (at
 * most MAX); each name 1..NAMEMAX-1 bytes.  Returns the number of names, or
 * -1 on an empty or too long name, or more than MAX of them.
 */
int split_names(char *s, const char **out, int max, size_t namemax);

/*
 * Security-group keywords.  Protocols: "tcp", "udp", "icmp", "icmpv6",
 * "any" (0), or a number 0..255; proto_name() is NULL for a number with no
 * name.  Set types "hash:ip" and "hash:net" (enum csvx_set_type), families
 * "inet" and "inet6" (AF_INET, AF_INET6); the names are NULL if unknown.
 */
bool parse_proto(const char *s, uint8_t *proto);
const char *proto_name(uint8_t proto);
bool parse_set_type(const char *s, uint8_t *type);
const char *set_type_name(uint8_t type);
bool parse_family(const char *s, uint8_t *family);
const char *family_name(uint8_t family);

const char *fmt_addr(const void *b, int len, char buf[ADDR_STRLEN]);
const char *fmt_mac(const void *b, char buf[MAC_STRLEN]);

/*
 * Split a batch line into words, in place: blanks separate words, "..." and
 * '...' quote (a backslash escapes the next character outside single quotes,
 * \n and \t are a newline and a tab), an unquoted # starts a comment.
 * Returns the number of words, -1 on an unterminated quote, -2 if there are
 * more than MAX words.
 */
int tokenize(char *line, char **argv, int max);

/* Print a word so that tokenize() reads it back unchanged. */
void print_word(FILE *f, const char *s);

#endif /* _CSVXCTL_PARSE_H */
