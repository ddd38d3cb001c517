// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace state: created with the namespace, freed with it.
 */
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>

#include "netns.h"
#include "dp/dp.h"
#include "dp/sg_hook.h"

unsigned int csvx_net_id __read_mostly;

static int __net_init csvx_net_init(struct net *net)
{
	struct csvx_net *cn = csvx_net(net);
	int err;

	cn->net = net;
	mutex_init(&cn->lock);
	err = csvx_tables_init(&cn->tables);
	if (err)
		return err;
	err = csvx_sg_net_init(cn);
	if (err)
		csvx_tables_destroy(&cn->tables);
	return err;
}

/*
 * By the time a namespace exits no socket of it is left, so no netlink
 * request can race with this.  Our pernet_device exit runs before the
 * core's, so the VTEP devices still exist: remove them (and with them the
 * VNIs) and close the UDP sockets.  Packets may still be inside an RCU
 * read section, hence one grace period for the batch before freeing.
 */
static void __net_exit csvx_net_exit_batch(struct list_head *net_list)
{
	LIST_HEAD(kill);
	struct net *net;

	/* Security groups first: no port follows its device any more, the
	 * bridge hooks are gone and the connection GC has stopped.
	 */
	list_for_each_entry(net, net_list, exit_list)
		csvx_sg_net_stop(csvx_net(net));

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list)
		csvx_vtep_destroy_all(net, &kill);
	unregister_netdevice_many(&kill);
	list_for_each_entry(net, net_list, exit_list)
		csvx_sock_close(csvx_net(net));
	rtnl_unlock();

	synchronize_rcu();
	list_for_each_entry(net, net_list, exit_list) {
		struct csvx_net *cn = csvx_net(net);

		mutex_lock(&cn->lock);
		csvx_sg_net_free(cn);
		csvx_tables_destroy(&cn->tables);
		mutex_unlock(&cn->lock);
		mutex_destroy(&cn->lock);
	}
}

static struct pernet_operations csvx_net_ops = {
	.init = csvx_net_init,
	.exit_batch = csvx_net_exit_batch,
	.id = &csvx_net_id,
	.size = sizeof(struct csvx_net),
};

int csvx_netns_init(void)
{
	return register_pernet_device(&csvx_net_ops);
}

void csvx_netns_exit(void)
{
	unregister_pernet_device(&csvx_net_ops);
}
