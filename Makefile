# SPDX-License-Identifier: GPL-2.0
#
#   make                       csvx.ko (for KDIR) and csvxctl
#   make KDIR=/lib/modules/V/build module
#   make check                 every test suite (selftests/run_all.sh)
#   make unit                  native unit tests of the table code
#   make bench                 native table benchmarks vs DPDK (BENCHMARKS.md)
#   make install [DESTDIR=]    csvxctl, man page, CloudStack scripts

VERSION := $(shell cat VERSION)
# The build host's own kernel may have no headers (or no module support):
# default to the running kernel's tree, else the newest installed one.
KVER ?= $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
	$(lastword $(sort $(wildcard /lib/modules/*/build))))
W ?= 1

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) modules

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

tools:
	$(MAKE) -C tools/csvxctl

unit:
	$(MAKE) -C selftests/unit run

bench:
	$(MAKE) -C bench run

check:
	./selftests/run_all.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C tools/csvxctl clean
	-$(MAKE) -C selftests/unit clean
	-$(MAKE) -C selftests/api clean
	-$(MAKE) -C bench clean

.PHONY: all module sparse tools unit bench check clean
