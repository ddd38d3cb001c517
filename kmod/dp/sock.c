// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's VXLAN UDP sockets: one IPv4 and one IPv6 (v6only), both
 * on the udp-port parameter, with csvx_encap_rcv() as their encap handler.
 * Transmit uses them as the sending socket, read under RCU.
 */
#include <linux/in6.h>
#include <net/udp_tunnel.h>

#include "dp/dp.h"

static struct socket *csvx_sock_create(struct csvx_net *cn, int family,
				       u16 port, struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg tcfg = {};
	struct udp_port_cfg cfg = {};
	struct socket *sock;
	int err;

	cfg.family = family;
	cfg.local_udp_port = htons(port);
	if (family == AF_INET6) {
		cfg.local_ip6 = in6addr_any;
		cfg.ipv6_v6only = 1;
		/* RFC 7348 section 4.1: IPv6 needs real UDP checksums. */
		cfg.use_udp6_rx_checksums = 1;
		cfg.use_udp6_tx_checksums = 1;
	} else {
		cfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
	err = udp_sock_create(cn->net, &cfg, &sock);
	if (err) {
		if (err == -EADDRINUSE)
			NL_SET_ERR_MSG(extack,
				       "the VXLAN UDP port is in use by another socket");
		else
			NL_SET_ERR_MSG(extack, "could not open the VXLAN UDP socket");
		return ERR_PTR(err);
	}
	tcfg.sk_user_data = cn;
	tcfg.encap_type = 1;
	tcfg.encap_rcv = csvx_encap_rcv;
	setup_udp_tunnel_sock(cn->net, sock, &tcfg);
	return sock;
}

static int csvx_sock_pair(struct csvx_net *cn, u16 port, struct socket **s4,
			  struct socket **s6, struct netlink_ext_ack *extack)
{
	*s4 = csvx_sock_create(cn, AF_INET, port, extack);
	if (IS_ERR(*s4))
		return PTR_ERR(*s4);
	*s6 = NULL;
#if IS_ENABLED(CONFIG_IPV6)
	*s6 = csvx_sock_create(cn, AF_INET6, port, extack);
	if (IS_ERR(*s6)) {
		udp_tunnel_sock_release(*s4);
		return PTR_ERR(*s6);
	}
#endif
	return 0;
}

static void csvx_sock_swap(struct csvx_net *cn, struct socket *s4,
			   struct socket *s6)
{
	struct socket *old4 = rtnl_dereference(cn->sock4);
	struct socket *old6 = rtnl_dereference(cn->sock6);

	rcu_assign_pointer(cn->sock4, s4);
	rcu_assign_pointer(cn->sock6, s6);
	/* Each release waits for a grace period before the socket goes. */
	if (old4)
		udp_tunnel_sock_release(old4);
	if (old6)
		udp_tunnel_sock_release(old6);
}

int csvx_sock_open(struct csvx_net *cn, struct netlink_ext_ack *extack)
{
	struct socket *s4, *s6;
	int err;

	ASSERT_RTNL();
	if (rtnl_dereference(cn->sock4))
		return 0;
	err = csvx_sock_pair(cn, READ_ONCE(cn->tables.limit[CSVX_PARAM_UDP_PORT]),
			     &s4, &s6, extack);
	if (err)
		return err;
	csvx_sock_swap(cn, s4, s6);
	return 0;
}

/* A new port takes effect at once if the sockets are open. */
int csvx_sock_set_port(struct csvx_net *cn, u16 port,
		       struct netlink_ext_ack *extack)
{
	struct socket *s4, *s6;
	int err;

	ASSERT_RTNL();
	/* Same port: nothing to do (a new pair could not bind it anyway). */
	if (!rtnl_dereference(cn->sock4) ||
	    port == cn->tables.limit[CSVX_PARAM_UDP_PORT])
		return 0;
	err = csvx_sock_pair(cn, port, &s4, &s6, extack);
	if (err)
		return err;
	csvx_sock_swap(cn, s4, s6);
	return 0;
}

void csvx_sock_close(struct csvx_net *cn)
{
	ASSERT_RTNL();
	csvx_sock_swap(cn, NULL, NULL);
}
