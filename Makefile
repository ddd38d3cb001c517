# SPDX-License-Identifier: GPL-2.0
#
#   make                       csvx.ko (for KDIR) and csvxctl
#   make KDIR=/lib/modules/V/build module
#   make check                 every test suite (selftests/run_all.sh)
#   make unit                  native unit tests of the table code
#   make bench                 native table benchmarks vs DPDK (BENCHMARKS.md)
#   make bench-vm [BENCH_VM_ARGS=]
#                              in-guest datapath: csvx vs kernel vxlan + bridge,
#                              iptables + ipset (bench/vm/run.sh, BENCHMARKS.md)
#   make install [DESTDIR=] [PREFIX=/usr]
#                              csvxctl and csvxctl(8), the CloudStack scripts in
#                              $(PREFIX)/share/csvx/cloudstack, the modules-load.d
#                              entry; csvx-evpnd, its units and example config
#                              if tools/csvx-evpnd is there (EVPND=0: not)
#   make install-dkms [DESTDIR=]
#                              the module sources in /usr/src/csvx-$(VERSION)
#                              (then: dkms install csvx/$(VERSION))
#   make deb                   Debian packages in build/deb (scripts/build-deb.sh)

VERSION := $(shell cat VERSION)
# The build host's own kernel may have no headers (or no module support):
# default to the running kernel's tree, else the newest installed one.
KVER ?= $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
	$(lastword $(sort $(wildcard /lib/modules/*/build))))
W ?= 1

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
CSDIR ?= $(PREFIX)/share/csvx/cloudstack
MODULESLOADDIR ?= /usr/lib/modules-load.d
DKMSDIR ?= /usr/src/csvx-$(VERSION)
EVPND ?= $(if $(wildcard tools/csvx-evpnd/Makefile),1,0)

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

bench-vm:
	bench/vm/run.sh $(BENCH_VM_ARGS)

check:
	./selftests/run_all.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C tools/csvxctl clean
	-$(MAKE) -C selftests/unit clean
	-$(MAKE) -C selftests/api clean
	-$(MAKE) -C bench clean

.PHONY: all module sparse tools unit bench bench-vm check clean

# ---- installation (docs/INSTALL.md) ------------------------------------------------
# Each piece is installed if its source is in the tree (security_group.py,
# csvx-evpnd may come later); debian/rules stages the pieces per package.
CS_FILES := $(wildcard tools/cloudstack/modifyvxlan.sh tools/cloudstack/security_group.py)
instvars = DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR)

install: install-tools $(if $(filter 1,$(EVPND)),install-evpnd)

install-tools:
	$(MAKE) -C tools/csvxctl install $(instvars)
	install -d $(DESTDIR)$(CSDIR)
	$(foreach f,$(CS_FILES),install -m 0755 $(f) $(DESTDIR)$(CSDIR)/$(notdir $(f));)
	install -m 0644 tools/cloudstack/cloudstack.conf.example $(DESTDIR)$(CSDIR)/cloudstack.conf.example
	install -d $(DESTDIR)$(SBINDIR)
	sed 's|^csvx_dir=.*|csvx_dir=$${CSVX_CLOUDSTACK_DIR:-$(CSDIR)}|' tools/cloudstack/csvx-cloudstack \
		>$(DESTDIR)$(SBINDIR)/csvx-cloudstack
	chmod 0755 $(DESTDIR)$(SBINDIR)/csvx-cloudstack
	install -d $(DESTDIR)$(MODULESLOADDIR)
	printf '# csvx: VXLAN/EVPN fast path and security groups (csvx-dkms)\ncsvx\n' \
		>$(DESTDIR)$(MODULESLOADDIR)/csvx.conf
	chmod 0644 $(DESTDIR)$(MODULESLOADDIR)/csvx.conf

install-evpnd:
	$(MAKE) -C tools/csvx-evpnd install $(instvars)

# The module sources, as DKMS wants them: dkms.conf names this VERSION.
install-dkms:
	install -d $(DESTDIR)$(DKMSDIR)
	install -m 0644 Kbuild VERSION COPYING $(DESTDIR)$(DKMSDIR)/
	sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(VERSION)"/' dkms.conf >$(DESTDIR)$(DKMSDIR)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMSDIR)/dkms.conf
	find kmod include -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) \
		-exec install -D -m 0644 {} $(DESTDIR)$(DKMSDIR)/{} \;

deb:
	scripts/build-deb.sh build/deb

.PHONY: install install-tools install-evpnd install-dkms deb
