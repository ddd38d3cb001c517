// SPDX-License-Identifier: GPL-2.0
/*
 * csvx: a VXLAN / BGP EVPN fast path for cloud hypervisors.
 *
 * Module entry points.  The order matters: per-namespace state must exist
 * before the netlink family can reach it, and the family must be gone
 * before that state is torn down.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "netns.h"
#include "ctl/genl.h"
#include "dp/dp.h"
#include "dp/sg_hook.h"

static int __init csvx_init(void)
{
	int err;

	/* The connection cache, before any namespace can create a table. */
	err = csvx_sg_init();
	if (err)
		return err;
	err = csvx_netns_init();
	if (err)
		goto err_netns;
	err = csvx_dp_init();
	if (err)
		goto err_dp;
	err = csvx_genl_init();
	if (err)
		goto err_genl;

	pr_info("csvx %s loaded\n", CSVX_MOD_VERSION);
	return 0;

err_genl:
	csvx_dp_exit();
err_dp:
	csvx_netns_exit();
err_netns:
	csvx_sg_exit();
	return err;
}

static void __exit csvx_exit(void)
{
	csvx_genl_exit();
	/* Removes every VTEP device, and so every VNI, in every namespace. */
	csvx_dp_exit();
	csvx_netns_exit();
	/* Objects freed with call_rcu()/kfree_rcu() must be gone before the
	 * module's text is.
	 */
	rcu_barrier();
	csvx_sg_exit();
	pr_info("csvx unloaded\n");
}

module_init(csvx_init);
module_exit(csvx_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VXLAN / BGP EVPN fast path with security groups for cloud hypervisors");
MODULE_AUTHOR("The csvx developers");
MODULE_VERSION(CSVX_MOD_VERSION);
MODULE_ALIAS_GENL_FAMILY(CSVX_GENL_NAME);
MODULE_ALIAS_RTNL_LINK("csvx");
