// SPDX-License-Identifier: GPL-2.0
/*
 * Text in and out: keywords, numbers, names, addresses, MACs, prefixes and
 * the words of a batch line.  Called once per word of every batch line, so
 * nothing here allocates.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/csvx.h>

#include "parse.h"

int kw_lookup(const char *arg, const char *const *words, const int *alias)
{
	size_t n = strlen(arg);
	int found = KW_NONE;

	if (!n)
		return KW_NONE;
	for (int i = 0; words[i]; i++) {
		int id = alias ? alias[i] : i;

		if (!strcmp(arg, words[i]))
			return id;
		if (strncmp(arg, words[i], n))
			continue;
		if (found >= 0 && found != id)
			found = KW_AMBIGUOUS;
		else if (found != KW_AMBIGUOUS)
			found = id;
	}
	return found;
}

bool parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		x = x * 10 + (unsigned)(*s - '0');
		if (x > UINT32_MAX)
			return false;
	}
	*v = (uint32_t)x;
	return true;
}

bool parse_u8(const char *s, uint8_t *v)
{
	uint32_t x;

	if (!parse_u32(s, &x) || x > UINT8_MAX)
		return false;
	*v = (uint8_t)x;
	return true;
}

bool parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[12];
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : strlen(s);
	uint32_t a, b;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!parse_u32(buf, &a) || a > UINT16_MAX)
		return false;
	b = a;
	if (dash && (!parse_u32(dash + 1, &b) || b > UINT16_MAX || b < a))
		return false;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return true;
}

bool parse_vni(const char *s, uint32_t *v)
{
	return parse_u32(s, v) && *v >= 1 && *v <= CSVX_VNI_MAX;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(*s++), lo;

		if (hi < 0)
			return false;
		lo = hexval(*s);
		if (lo >= 0) {
			hi = hi << 4 | lo;
			s++;
		}
		mac[i] = (uint8_t)hi;
		if (*s != (i == 5 ? '\0' : ':'))
			return false;
		s++;
	}
	return true;
}

bool parse_addr(const char *s, struct addr *a)
{
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->len = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->len = 16;
		return true;
	}
	return false;
}

bool parse_prefix(const char *s, struct addr *a, uint8_t *plen, bool host_ok)
{
	char buf[PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t p;

	if (n >= ADDR_STRLEN)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!parse_addr(buf, a))
		return false;
	if (!slash) {
		*plen = (uint8_t)(a->len * 8);
		return host_ok;
	}
	if (!parse_u32(slash + 1, &p) || p > a->len * 8U)
		return false;
	*plen = (uint8_t)p;
	return true;
}

bool parse_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n >= 1 && n < max;
}

int split_names(char *s, const char **out, int max, size_t namemax)
{
	int n = 0;

	for (;;) {
		char *comma = strchr(s, ',');

		if (comma)
			*comma = '\0';
		if (n == max || !parse_name(s, namemax))
			return -1;
		out[n++] = s;
		if (!comma)
			return n;
		s = comma + 1;
	}
}

struct kw_value {
	const char *name;
	uint8_t value;
};

static const struct kw_value protos[] = {
	{ "any", 0 }, { "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "icmpv6", 58 },
};
static const struct kw_value set_types[] = {
	{ "hash:ip", CSVX_SET_HASH_IP }, { "hash:net", CSVX_SET_HASH_NET },
};
static const struct kw_value families[] = {
	{ "inet", AF_INET }, { "inet6", AF_INET6 },
};

#define NKW(t)	(sizeof(t) / sizeof((t)[0]))

static const char *name_of(const struct kw_value *t, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

static bool value_of(const struct kw_value *t, size_t n, const char *s, uint8_t *v)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, s)) {
			*v = t[i].value;
			return true;
		}
	return false;
}

bool parse_proto(const char *s, uint8_t *proto)
{
	return value_of(protos, NKW(protos), s, proto) || parse_u8(s, proto);
}

const char *proto_name(uint8_t proto)
{
	return name_of(protos, NKW(protos), proto);
}

bool parse_set_type(const char *s, uint8_t *type)
{
	return value_of(set_types, NKW(set_types), s, type);
}

const char *set_type_name(uint8_t type)
{
	return name_of(set_types, NKW(set_types), type);
}

bool parse_family(const char *s, uint8_t *family)
{
	return value_of(families, NKW(families), s, family);
}

const char *family_name(uint8_t family)
{
	return name_of(families, NKW(families), family);
}

const char *fmt_addr(const void *b, int len, char buf[ADDR_STRLEN])
{
	if ((len != 4 && len != 16) ||
	    !inet_ntop(len == 4 ? AF_INET : AF_INET6, b, buf, ADDR_STRLEN))
		strcpy(buf, "?");
	return buf;
}

const char *fmt_mac(const void *b, char buf[MAC_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *m = b;
	char *p = buf;

	for (int i = 0; i < 6; i++) {
		*p++ = hex[m[i] >> 4];
		*p++ = hex[m[i] & 15];
		*p++ = i == 5 ? '\0' : ':';
	}
	return buf;
}

int tokenize(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r' ||
		       *r == '\v' || *r == '\f')
			r++;
		if (!*r || *r == '#')
			break;
		if (argc == max)
			return -2;
		argv[argc++] = w;
		while (*r && !isspace((unsigned char)*r)) {
			char q = *r;

			if (q == '\'' || q == '"') {
				for (r++; *r != q; r++) {
					if (!*r)
						return -1;
					if (q == '"' && *r == '\\' && r[1]) {
						r++;
						*w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
					} else {
						*w++ = *r;
					}
				}
				r++;
			} else if (q == '\\' && r[1]) {
				r++;
				*w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
				r++;
			} else {
				*w++ = *r++;
			}
		}
		/* w never passes r: the separator (or NUL) at r is consumed here. */
		if (*r)
			r++;
		*w++ = '\0';
	}
	return argc;
}

void print_word(FILE *f, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (isspace((unsigned char)*p) || *p == '"' || *p == '\'' ||
		    *p == '\\' || *p == '#')
			break;
	if (*s && !*p) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (p = s; *p; p++) {
		if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else {
			if (*p == '"' || *p == '\\')
				fputc('\\', f);
			fputc(*p, f);
		}
	}
	fputc('"', f);
}
