// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "log.h"

struct conf conf;

void conf_defaults(struct conf *c, const char *netns)
{
	memset(c, 0, sizeof(*c));
	c->shadow_port = 4790;
	c->vtep_auto = true;
	snprintf(c->vtep_dev, sizeof(c->vtep_dev), "lo");
	c->resync_interval = 300;
	c->restart_hold = 90;
	c->withdraw_delay = 1000;
	/* frrinit.sh's layout: /run/frr/<pathspace>/ for "start <ns>" */
	if (netns && !strchr(netns, '/'))
		snprintf(c->frr_rundir, sizeof(c->frr_rundir), "/run/frr/%s", netns);
	else
		snprintf(c->frr_rundir, sizeof(c->frr_rundir), "/run/frr");
	snprintf(c->bridge_prefix, sizeof(c->bridge_prefix), "brc");
	snprintf(c->vxlan_prefix, sizeof(c->vxlan_prefix), "vxs");
	snprintf(c->adv_prefix, sizeof(c->adv_prefix), "adv");
	c->vrf_prefix[0] = '\0';
	c->max_inflight = 512;
}

static bool parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *v)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n < lo || n > hi)
		return false;
	*v = (unsigned int)n;
	return true;
}

static bool set_prefix(char *dst, const char *v, bool empty_ok)
{
	size_t len = strlen(v);

	if ((!len && !empty_ok) || len >= CONF_PREFIX_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_')
			return false;
	memcpy(dst, v, len + 1);
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int apply(struct conf *c, const char *key, const char *val)
{
	if (!strcmp(key, "shadow-udp-port"))
		return parse_uint(val, 1, 65535, &c->shadow_port) ? 0 : -1;
	if (!strcmp(key, "vtep-address")) {
		if (!strcmp(val, "auto")) {
			c->vtep_auto = true;
			return 0;
		}
		c->vtep_auto = false;
		return addr_parse(val, &c->vtep) ? 0 : -1;
	}
	if (!strcmp(key, "vtep-interface")) {
		if (!*val || strlen(val) >= IFNAMSIZ)
			return -1;
		snprintf(c->vtep_dev, sizeof(c->vtep_dev), "%s", val);
		return 0;
	}
	if (!strcmp(key, "resync-interval"))
		return parse_uint(val, 0, 86400 * 7, &c->resync_interval) ? 0 : -1;
	if (!strcmp(key, "restart-hold"))
		return parse_uint(val, 0, 3600, &c->restart_hold) ? 0 : -1;
	if (!strcmp(key, "withdraw-delay"))
		return parse_uint(val, 0, 60000, &c->withdraw_delay) ? 0 : -1;
	if (!strcmp(key, "frr-rundir")) {
		if (strlen(val) >= sizeof(c->frr_rundir) - 16)
			return -1;
		/* "none" turns FRR restart detection off */
		snprintf(c->frr_rundir, sizeof(c->frr_rundir), "%s",
			 strcmp(val, "none") ? val : "");
		return 0;
	}
	if (!strcmp(key, "bridge-prefix"))
		return set_prefix(c->bridge_prefix, val, false) ? 0 : -1;
	if (!strcmp(key, "vxlan-prefix"))
		return set_prefix(c->vxlan_prefix, val, false) ? 0 : -1;
	if (!strcmp(key, "advertise-prefix"))
		return set_prefix(c->adv_prefix, val, false) ? 0 : -1;
	if (!strcmp(key, "vrf-prefix"))
		return set_prefix(c->vrf_prefix, val, true) ? 0 : -1;
	if (!strcmp(key, "max-inflight"))
		return parse_uint(val, 1, 4096, &c->max_inflight) ? 0 : -1;
	return -2;
}

int conf_load(struct conf *c, const char *path, bool required)
{
	unsigned int lineno = 0;
	char line[1024];
	int ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !required)
			return 0;
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *val;
		int rc;

		lineno++;
		s = strchr(line, '#');
		if (s)
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			log_err("%s:%u: expected `key = value'", path, lineno);
			ret = -1;
			continue;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		rc = apply(c, key, val);
		if (rc == -2) {
			log_err("%s:%u: unknown key `%s'", path, lineno, key);
			ret = -1;
		} else if (rc) {
			log_err("%s:%u: invalid value `%s' for %s", path, lineno, val, key);
			ret = -1;
		}
	}
	fclose(f);
	if (!strcmp(c->bridge_prefix, c->vxlan_prefix) ||
	    !strcmp(c->bridge_prefix, c->adv_prefix) ||
	    !strcmp(c->vxlan_prefix, c->adv_prefix)) {
		log_err("%s: bridge-prefix, vxlan-prefix and advertise-prefix must differ", path);
		ret = -1;
	}
	return ret;
}
