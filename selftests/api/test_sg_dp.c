// SPDX-License-Identifier: GPL-2.0
/*
 * Security groups on the wire: a bridge with two ports (veth pairs), frames
 * written into one VM end with a packet socket and looked for at the
 * other, and the ports' counters.  Ingress closed but for rules and
 * replies, egress open without egress rules, anti-spoofing of MAC, IP and
 * ARP, non-IP frames, connections dropped when the rule that admitted
 * them goes (generation), a full connection table, unfiltered ports.
 *
 *   vm1 ==veth== tap1 --+
 *                       br0      (taps are the ports; vm ends are the VMs)
 *   vm2 ==veth== tap2 --+
 */
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <poll.h>

#include "csvx_test.h"
#include "csvx_sg.h"

#define M1	"02:00:00:00:00:01"
#define M2	"02:00:00:00:00:02"
#define IP1	0x0a000001	/* 10.0.0.1 */
#define IP2	0x0a000002

FIXTURE(dp) {
	struct csvx_sock s;
	int fd1, fd2;			/* packet sockets on vm1, vm2 */
	uint32_t marker;
};

static int packet_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex(ifname),
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -1;
	return fd;
}

/* No IPv6 autoconfiguration noise on the test's links. */
static void quiet(const char *dev)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 dev);
	f = fopen(path, "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
}

/* Run ip(8) once on a batch of commands (processes are slow in a guest). */
static int ip_batch(const char *cmds)
{
	char path[] = "/tmp/csvx-sg-dp-XXXXXX";
	int fd = mkstemp(path), ret;

	if (fd < 0)
		return -1;
	if (write(fd, cmds, strlen(cmds)) != (ssize_t)strlen(cmds)) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	ret = sg_sh("ip -batch %s", path);
	unlink(path);
	return ret;
}

FIXTURE_SETUP(dp)
{
	struct csvx_vni_cfg v = { .vni = 100, .ifname = "vx100" };
	struct csvx_sock *s = &self->s;
	const char *const devs[] = { "br0", "vm1", "vm2", "tap1", "tap2" };
	size_t i;

	csvx_setup(_metadata, s);
	if (ip_batch("link add br0 type bridge\n"
		     "link add vm1 address " M1 " type veth peer name tap1\n"
		     "link add vm2 address " M2 " type veth peer name tap2\n"
		     "link set tap1 master br0\n"
		     "link set tap2 master br0\n"))
		SKIP(return, "no bridge or veth (or no ip(8))");
	for (i = 0; i < ARRAY_SIZE(devs); i++)
		quiet(devs[i]);
	ASSERT_EQ(0, ip_batch("link set br0 up\nlink set vm1 up\n"
			      "link set vm2 up\nlink set tap1 up\n"
			      "link set tap2 up\n"));
	self->fd1 = packet_socket("vm1");
	self->fd2 = packet_socket("vm2");
	ASSERT_LE(0, self->fd1);
	ASSERT_LE(0, self->fd2);

	CSVX_OK(s, csvx_vni_new(s, 0, &v));
	CSVX_OK(s, sg_group(s, CSVX_CMD_NEW_SG, "web", NULL));
	CSVX_OK(s, sg_group(s, CSVX_CMD_NEW_SG, "db", NULL));
	/* db admits tcp 5432 from the ports of web */
	CSVX_OK(s, sg_rule(s, CSVX_CMD_NEW_SG_RULE,
			   SG_RULE(.sg = "db", .proto = 6, .lo = 5432,
				   .group = "web")));
	self->marker = 0x5ec00000;
}

FIXTURE_TEARDOWN(dp)
{
	if (self->fd1 > 0)
		close(self->fd1);
	if (self->fd2 > 0)
		close(self->fd2);
	csvx_close(&self->s);
}

static void add_ports(struct __test_metadata *_metadata, struct csvx_sock *s)
{
	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &(struct sg_port){
		.ifname = "tap1", .vni = 100, .mac = M1,
		.ips = { "10.0.0.1" }, .sgs = { "web" } }, NULL));
	CSVX_OK(s, sg_port(s, CSVX_CMD_NEW_PORT, &(struct sg_port){
		.ifname = "tap2", .vni = 100, .mac = M2,
		.ips = { "10.0.0.2" }, .sgs = { "db" } }, NULL));
}

/* ------------------------------------------------------------ frames */

struct frame {
	uint8_t b[128];
	size_t len;
};

static void put_mac(uint8_t *p, const char *mac)
{
	struct csvx_mac m = csvx_mac(mac);

	memcpy(p, m.a, 6);
}

static uint16_t csum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += b[i] << 8 | b[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Ethernet + IPv4 + TCP (flags) or UDP, the marker as payload. */
static struct frame ip4(const char *smac, const char *dmac, uint32_t src,
			uint32_t dst, uint8_t proto, uint16_t sport,
			uint16_t dport, uint8_t tcp_flags, uint32_t marker)
{
	struct frame f = {};
	uint8_t *ip = f.b + 14, *l4 = ip + 20;
	size_t l4len = proto == IPPROTO_TCP ? 20 : 8;
	uint16_t tot = 20 + l4len + 4;
	uint32_t v;

	put_mac(f.b, dmac);
	put_mac(f.b + 6, smac);
	f.b[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = tot >> 8;
	ip[3] = tot;
	ip[8] = 64;
	ip[9] = proto;
	v = htonl(src);
	memcpy(ip + 12, &v, 4);
	v = htonl(dst);
	memcpy(ip + 16, &v, 4);
	v = csum(ip, 20);
	ip[10] = v >> 8;
	ip[11] = v;
	l4[0] = sport >> 8;
	l4[1] = sport;
	l4[2] = dport >> 8;
	l4[3] = dport;
	if (proto == IPPROTO_TCP) {
		l4[12] = 5 << 4;
		l4[13] = tcp_flags;
		l4[14] = 0xff;
	} else {
		l4[4] = (8 + 4) >> 8;
		l4[5] = 8 + 4;
	}
	v = htonl(marker);
	memcpy(l4 + l4len, &v, 4);
	f.len = 14 + tot;
	return f;
}

/* Ethernet + IPv6 + TCP (flags), UDP or ICMPv6 (@sport: type, @dport:
 * code, @target: ND target or NULL), the marker last.
 */
static struct frame ip6(const char *smac, const char *dmac, const char *src,
			const char *dst, uint8_t proto, uint16_t sport,
			uint16_t dport, uint8_t tcp_flags, const char *target,
			uint32_t marker)
{
	struct frame f = {};
	uint8_t *ip = f.b + 14, *l4 = ip + 40;
	size_t l4len = proto == IPPROTO_TCP ? 20 : 8;
	struct csvx_ip a;
	uint32_t v;

	put_mac(f.b, dmac);
	put_mac(f.b + 6, smac);
	f.b[12] = 0x86;
	f.b[13] = 0xdd;
	ip[0] = 0x60;
	ip[6] = proto;
	ip[7] = 255;
	a = csvx_ip(src);
	memcpy(ip + 8, a.a, 16);
	a = csvx_ip(dst);
	memcpy(ip + 24, a.a, 16);
	if (proto == IPPROTO_ICMPV6) {
		l4[0] = sport;
		l4[1] = dport;
		if (target) {
			a = csvx_ip(target);
			memcpy(l4 + 8, a.a, 16);
			l4len += 16;
		}
	} else {
		l4[0] = sport >> 8;
		l4[1] = sport;
		l4[2] = dport >> 8;
		l4[3] = dport;
		if (proto == IPPROTO_TCP) {
			l4[12] = 5 << 4;
			l4[13] = tcp_flags;
		}
	}
	v = htonl(marker);
	memcpy(l4 + l4len, &v, 4);
	ip[4] = (l4len + 4) >> 8;
	ip[5] = l4len + 4;
	f.len = 14 + 40 + l4len + 4;
	return f;
}

/* An ICMP error (@type/@code) from @src to @dst about packet @inner. */
static struct frame icmp4_error(const char *smac, const char *dmac,
				uint32_t src, uint32_t dst, uint8_t type,
				uint8_t code, const struct frame *inner,
				uint32_t marker)
{
	struct frame f = ip4(smac, dmac, src, dst, IPPROTO_ICMP, 0, 0, 0, 0);
	uint8_t *l4 = f.b + 14 + 20;
	uint16_t tot = 20 + 8 + 28 + 4;
	uint32_t v;

	memset(l4, 0, 8);
	l4[0] = type;
	l4[1] = code;
	/* the inner IP header and 8 bytes of its transport header */
	memcpy(l4 + 8, inner->b + 14, 28);
	v = htonl(marker);
	memcpy(l4 + 8 + 28, &v, 4);
	v = csum(l4, tot - 20);
	l4[2] = v >> 8;
	l4[3] = v;
	/*
	 * The length changed: the header checksum must follow, or a bridge
	 * with br_netfilter (the debug kernel has it built in) drops the
	 * frame as a bad IP header before any csvx hook counts it.
	 */
	f.b[14 + 2] = tot >> 8;
	f.b[14 + 3] = tot;
	f.b[14 + 10] = 0;
	f.b[14 + 11] = 0;
	v = csum(f.b + 14, 20);
	f.b[14 + 10] = v >> 8;
	f.b[14 + 11] = v;
	f.len = 14 + tot;
	return f;
}

static struct frame arp(const char *smac, const char *sha, uint32_t sip,
			uint32_t tip, uint32_t marker)
{
	struct frame f = {};
	uint8_t *a = f.b + 14;
	uint32_t v;

	memset(f.b, 0xff, 6);
	put_mac(f.b + 6, smac);
	f.b[12] = 0x08;
	f.b[13] = 0x06;
	a[1] = 1;		/* Ethernet */
	a[2] = 0x08;		/* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = 1;		/* request */
	put_mac(a + 8, sha);
	v = htonl(sip);
	memcpy(a + 14, &v, 4);
	v = htonl(tip);
	memcpy(a + 24, &v, 4);
	/* the marker in the padding */
	v = htonl(marker);
	memcpy(a + 28, &v, 4);
	f.len = 14 + 28 + 4;
	return f;
}

/* Write @f into @from; does a frame with @marker come out of @to? */
static bool passes(int from, int to, const struct frame *f, uint32_t marker)
{
	uint8_t buf[2048];
	struct pollfd p = { .fd = to, .events = POLLIN };
	uint32_t m = htonl(marker);
	double end;

	while (recv(to, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	if (send(from, f->b, f->len, 0) != (ssize_t)f->len)
		return false;
	/* Long enough for a debug kernel under TCG (kmemleak scans stall). */
	end = csvx_now() + (getenv("CSVX_DP_WAIT") ? atof(getenv("CSVX_DP_WAIT")) :
			    1.5);
	while (csvx_now() < end) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvfrom(to, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&sll, &sl);
		if (n < 4 || sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (memmem(buf, n, &m, 4))
			return true;
	}
	return false;
}

#define DROPS(port, r)	sg_port_counter(&self->s, port, CSVX_A_DROPS, r)
#define STATS(port, r)	sg_port_counter(&self->s, port, CSVX_A_STATS, r)

/* ------------------------------------------------------------- tests */

TEST_F_TIMEOUT(dp, ingress_rules_and_replies, 180)
{
	struct frame f;
	uint32_t k = self->marker;

	add_ports(_metadata, &self->s);
	/* web -> db:5432 admitted (web has no egress rule) */
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x02, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	/* the reply, though web admits nothing inbound */
	f = ip4(M2, M1, IP2, IP1, IPPROTO_TCP, 5432, 40000, 0x12, ++k);
	EXPECT_TRUE(passes(self->fd2, self->fd1, &f, k));
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x10, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	/* db:22: no rule */
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40001, 22, 0x02, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(1, DROPS("tap2", CSVX_DROP_SG_NO_RULE));
	/* db -> web, not a reply: web admits nothing */
	f = ip4(M2, M1, IP2, IP1, IPPROTO_TCP, 5432, 40002, 0x02, ++k);
	EXPECT_FALSE(passes(self->fd2, self->fd1, &f, k));
	EXPECT_EQ(1, DROPS("tap1", CSVX_DROP_SG_NO_RULE));
	/* udp to db: no rule */
	f = ip4(M1, M2, IP1, IP2, IPPROTO_UDP, 5000, 5432, 0, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	/* counters: the connection, admitted frames */
	EXPECT_LE(1, STATS("tap2", CSVX_STAT_SG_CONNS));
	EXPECT_LE(2, STATS("tap2", CSVX_STAT_SG_INGRESS));
	EXPECT_LE(2, STATS("tap1", CSVX_STAT_SG_EGRESS));
}

TEST_F_TIMEOUT(dp, anti_spoofing, 180)
{
	struct frame f;
	uint32_t k = self->marker;

	add_ports(_metadata, &self->s);
	/* db admits anything from anywhere, so only spoofing stops a frame */
	CSVX_OK(&self->s, sg_rule(&self->s, CSVX_CMD_NEW_SG_RULE,
				  SG_RULE(.sg = "db", .prefix = "0.0.0.0/0")));
	f = ip4(M1, M2, IP1, IP2, IPPROTO_UDP, 5000, 53, 0, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	f = ip4(M1, M2, 0x0a000009, IP2, IPPROTO_UDP, 5000, 53, 0, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(1, DROPS("tap1", CSVX_DROP_SG_SPOOF_IP));
	f = ip4("02:00:00:00:00:09", M2, IP1, IP2, IPPROTO_UDP, 5000, 53, 0,
		++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(1, DROPS("tap1", CSVX_DROP_SG_SPOOF_MAC));
	/* ARP: the sender must be the port */
	f = arp(M1, M1, IP1, IP2, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	f = arp(M1, M1, 0x0a000009, IP2, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	f = arp(M1, "02:00:00:00:00:09", IP1, IP2, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(2, DROPS("tap1", CSVX_DROP_SG_SPOOF_ARP));
	f = arp(M1, M1, 0, IP2, ++k);		/* a probe, from 0.0.0.0 */
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	/* another ethertype */
	f = ip4(M1, M2, IP1, IP2, IPPROTO_UDP, 5000, 53, 0, ++k);
	f.b[12] = 0x88;
	f.b[13] = 0xb5;
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(1, DROPS("tap1", CSVX_DROP_SG_NOT_IP));
	/* DHCP from 0.0.0.0 leaves (db has a rule for it) */
	f = ip4(M1, "ff:ff:ff:ff:ff:ff", 0, 0xffffffff, IPPROTO_UDP, 68, 67,
		0, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(1, DROPS("tap1", CSVX_DROP_SG_SPOOF_IP));
}

/*
 * A connection admitted by a rule is dropped once that rule is gone: the
 * port's rules have a new generation, the connection is classified again
 * on its next packet, and forgotten.  (Had db's VM answered meanwhile, its
 * open egress would have made that a connection of its own, as conntrack
 * would: only what enters db is checked again.)
 */
TEST_F_TIMEOUT(dp, rule_removal_drops_connections, 180)
{
	const struct nlattr *tb[CSVX_A_MAX + 1] = {};
	struct csvx_msgs reply;
	uint32_t k = self->marker, gen;
	struct frame f;

	add_ports(_metadata, &self->s);
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x02, ++k);
	ASSERT_TRUE(passes(self->fd1, self->fd2, &f, k));
	f = ip4(M2, M1, IP2, IP1, IPPROTO_TCP, 5432, 40000, 0x12, ++k);
	ASSERT_TRUE(passes(self->fd2, self->fd1, &f, k));
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x10, ++k);
	ASSERT_TRUE(passes(self->fd1, self->fd2, &f, k));

	ASSERT_EQ(0, sg_port_get(&self->s, "tap2", &reply, tb));
	gen = sg_attr_u32(tb[CSVX_A_GEN]);
	csvx_msgs_free(&reply);
	CSVX_OK(&self->s, sg_rule(&self->s, CSVX_CMD_DEL_SG_RULE,
				  SG_RULE(.sg = "db", .proto = 6, .lo = 5432,
					  .group = "web")));
	ASSERT_EQ(0, sg_port_get(&self->s, "tap2", &reply, tb));
	EXPECT_NE(gen, sg_attr_u32(tb[CSVX_A_GEN]));
	csvx_msgs_free(&reply);

	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x10, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(1, DROPS("tap2", CSVX_DROP_SG_NO_RULE));
	/* forgotten: the next one is a miss, and no rule admits it */
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x18, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(2, DROPS("tap2", CSVX_DROP_SG_NO_RULE));
	/* A rule admitting it again: new connections pass again. */
	CSVX_OK(&self->s, sg_rule(&self->s, CSVX_CMD_NEW_SG_RULE,
				  SG_RULE(.sg = "db", .proto = 6, .lo = 5432,
					  .prefix = "10.0.0.0/24")));
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40003, 5432, 0x02, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
}

/* Only replied connections in a full table: a new one is refused. */
TEST_F_TIMEOUT(dp, connection_table_full, 180)
{
	uint32_t k = self->marker;
	struct frame f;

	/* Before the first filtered port: the table is made that big. */
	CSVX_OK(&self->s, csvx_param_set(&self->s, CSVX_PARAM_MAX_FLOWS, 2));
	add_ports(_metadata, &self->s);
	/* one connection: an entry at each port, both replied */
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x02, ++k);
	ASSERT_TRUE(passes(self->fd1, self->fd2, &f, k));
	f = ip4(M2, M1, IP2, IP1, IPPROTO_TCP, 5432, 40000, 0x12, ++k);
	ASSERT_TRUE(passes(self->fd2, self->fd1, &f, k));
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40001, 5432, 0x02, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(1, DROPS("tap1", CSVX_DROP_SG_CONN_FULL));
	/* the established one goes on */
	f = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x10, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
}

/* A port in no group is not filtered; a port that goes is not either. */
TEST_F_TIMEOUT(dp, unfiltered, 180)
{
	uint32_t k = self->marker;
	struct frame f;

	add_ports(_metadata, &self->s);
	f = ip4(M2, M1, IP2, IP1, IPPROTO_UDP, 5000, 7, 0, ++k);
	EXPECT_FALSE(passes(self->fd2, self->fd1, &f, k));
	CSVX_OK(&self->s, sg_port(&self->s, CSVX_CMD_SET_PORT, &(struct sg_port){
		.ifname = "tap1", .has_sgs = true }, NULL));
	f = ip4(M2, M1, IP2, IP1, IPPROTO_UDP, 5000, 7, 0, ++k);
	EXPECT_TRUE(passes(self->fd2, self->fd1, &f, k));
	/* spoofing from an unfiltered port is not checked */
	f = ip4(M1, M2, 0x0a000009, 0x0a000063, IPPROTO_UDP, 5000, 7, 0, ++k);
	f.b[6 + 5] = 9;
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));	/* db drops it */
	EXPECT_EQ(0, DROPS("tap1", CSVX_DROP_SG_SPOOF_MAC));
	CSVX_OK(&self->s, sg_port(&self->s, CSVX_CMD_DEL_PORT, &(struct sg_port){
		.ifname = "tap2" }, NULL));
	f = ip4(M1, M2, IP1, IP2, IPPROTO_UDP, 5000, 7, 0, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
}

/* IPv6: rules, spoofing, neighbour discovery. */
TEST_F_TIMEOUT(dp, ipv6, 180)
{
	/* fe80:: + EUI-64 of M1 */
	static const char *const ll1 = "fe80::ff:fe00:1";
	uint32_t k = self->marker;
	struct frame f;

	CSVX_OK(&self->s, sg_port(&self->s, CSVX_CMD_NEW_PORT, &(struct sg_port){
		.ifname = "tap1", .vni = 100, .mac = M1,
		.ips = { "10.0.0.1", "2001:db8::1" }, .sgs = { "web" } }, NULL));
	CSVX_OK(&self->s, sg_port(&self->s, CSVX_CMD_NEW_PORT, &(struct sg_port){
		.ifname = "tap2", .vni = 100, .mac = M2,
		.ips = { "10.0.0.2", "2001:db8::2" }, .sgs = { "db" } }, NULL));
	/* the group rule admits web's IPv6 address too */
	f = ip6(M1, M2, "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 40000, 5432,
		0x02, NULL, ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	f = ip6(M1, M2, "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 40000, 22,
		0x02, NULL, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	f = ip6(M1, M2, "2001:db8::9", "2001:db8::2", IPPROTO_TCP, 40000, 5432,
		0x02, NULL, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(1, DROPS("tap1", CSVX_DROP_SG_SPOOF_IP));
	/* ND: from the EUI-64 link-local, from another link-local, DAD */
	f = ip6(M1, "33:33:ff:00:00:02", ll1, "ff02::1:ff00:2", IPPROTO_ICMPV6,
		135, 0, 0, "2001:db8::2", ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	f = ip6(M1, "33:33:ff:00:00:02", "fe80::1234", "ff02::1:ff00:2",
		IPPROTO_ICMPV6, 135, 0, 0, "2001:db8::2", ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	f = ip6(M1, "33:33:ff:00:00:01", "::", "ff02::1:ff00:1",
		IPPROTO_ICMPV6, 135, 0, 0, "2001:db8::1", ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
	/* but not TCP from that other link-local */
	f = ip6(M1, M2, "fe80::1234", "fe80::2", IPPROTO_TCP, 40000, 5432,
		0x02, NULL, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	/* an advertisement for someone else's address, a VM's RA */
	f = ip6(M1, "33:33:00:00:00:01", "2001:db8::1", "ff02::1",
		IPPROTO_ICMPV6, 136, 0, 0, "2001:db8::2", ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	f = ip6(M1, "33:33:00:00:00:01", ll1, "ff02::1", IPPROTO_ICMPV6, 134,
		0, 0, NULL, ++k);
	EXPECT_FALSE(passes(self->fd1, self->fd2, &f, k));
	EXPECT_EQ(4, DROPS("tap1", CSVX_DROP_SG_SPOOF_IP));
	/* its own advertisement is fine */
	f = ip6(M1, "33:33:00:00:00:01", "2001:db8::1", "ff02::1",
		IPPROTO_ICMPV6, 136, 0, 0, "2001:db8::1", ++k);
	EXPECT_TRUE(passes(self->fd1, self->fd2, &f, k));
}

/* ICMP errors about a connection of the port are admitted, others not. */
TEST_F_TIMEOUT(dp, icmp_errors, 180)
{
	uint32_t k = self->marker;
	struct frame f, in;

	add_ports(_metadata, &self->s);
	in = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40000, 5432, 0x02, ++k);
	ASSERT_TRUE(passes(self->fd1, self->fd2, &in, k));
	/* db says "port unreachable" about it: web admits that */
	f = icmp4_error(M2, M1, IP2, IP1, 3, 3, &in, ++k);
	EXPECT_TRUE(passes(self->fd2, self->fd1, &f, k)) {
		int r;

		for (r = 1; r <= CSVX_DROP_MAX; r++)
			TH_LOG("drop %d: tap1 %llu tap2 %llu", r,
			       (unsigned long long)DROPS("tap1", r),
			       (unsigned long long)DROPS("tap2", r));
	}
	/* about another connection: no */
	in = ip4(M1, M2, IP1, IP2, IPPROTO_TCP, 40009, 5432, 0x02, 0);
	f = icmp4_error(M2, M1, IP2, IP1, 3, 3, &in, ++k);
	EXPECT_FALSE(passes(self->fd2, self->fd1, &f, k));
	EXPECT_EQ(1, DROPS("tap1", CSVX_DROP_SG_NO_RULE));
}

TEST_HARNESS_MAIN
