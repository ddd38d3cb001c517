/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only header through which kmod/tables reaches the kernel.
 *
 * In the kernel it pulls in the real headers; in user space (selftests/unit,
 * bench) shim_user.h provides the same names on top of libc and liburcu, so
 * the table code compiles unchanged in both.  Code under kmod/tables uses
 * nothing of the kernel that is not available through here.
 */
#ifndef _CSVX_SHIM_H
#define _CSVX_SHIM_H

#ifdef __KERNEL__

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <asm/byteorder.h>

#else

#include "shim_user.h"

#endif

#endif /* _CSVX_SHIM_H */
