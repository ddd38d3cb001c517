#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""csvx drop-in for Apache CloudStack's scripts/vm/network/security_group.py.

The KVM agent runs it as `security_group.py COMMAND --option VALUE ...`, with
the commands, options and rule strings of CloudStack's own script; this one
carries them out as csvx groups, sets and ports (csvxctl) instead of
iptables, ebtables and ipset chains.  It is a thin adapter: filtering,
connection tracking and anti-spoofing live in the csvx module.

Per VM (by --vmname) it keeps one csvx group, "cs/<vm>/a" or "cs/<vm>/b",
holding the VM's rules; the VM's taps are csvx ports in that group, with the
VM's MAC and IPs (anti-spoofing) -- a port in a group admits nothing inbound
but what the rules allow.  A new rule set is built into the other group and
the ports are moved over in one request, then the old group goes: a packet
sees the old rules or the new ones, never a mix.  A rule's CIDRs become one
csvx rule each; more than SET_MIN of one family (a group the management
server expanded into /32s) become one hash:net set "cs/<vm>/<a|b>/r<n>v<4|6>".

Commands:
  can_bridge_firewall            csvx is usable (exit 1 if not); cleanup_rules
  default_network_rules          the VM's tap as a port: MAC, IPs, secondary
                                 IPs, no rule (nothing enters, all may leave)
  default_network_rules_systemvm system VMs are not filtered: logged only
  post_default_network_rules     logged only (csvx does no NAT)
  add_network_rules              replace the VM's rules; skipped when --sig
                                 and --seq are those applied, or --seq is
                                 older than the one applied
  network_rules_vmSecondaryIp    add (-A) or remove (-D) secondary IPs
  destroy_network_rules_for_vm   the VM's ports, groups, sets and logs go
  get_rule_logs_for_vms          vmName,vmID,vmIP,domID,signature,seqno;...
  cleanup_rules                  state of VMs that are gone goes
Unknown options are ignored; an unknown command exits 1.

Environment (defaults in brackets): CSVXCTL [csvxctl on PATH, else
/usr/sbin/csvxctl], CSVX_SG_LOGPATH [/var/run/cloud/] for the per-VM logs,
CSVX_SG_LOCK [/var/lock/cloudstack_security_group.lock], CSVX_SG_LOGFILE
[/var/log/cloudstack/agent/security_group.log if that directory exists].
"""

import argparse
import fcntl
import glob
import hashlib
import ipaddress
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time

LOGPATH = os.environ.get("CSVX_SG_LOGPATH", "/var/run/cloud/")
LOCK_FILE = os.environ.get("CSVX_SG_LOCK", "/var/lock/cloudstack_security_group.lock")
LOG_FILE = os.environ.get("CSVX_SG_LOGFILE",
                          "/var/log/cloudstack/agent/security_group.log")
PREFIX = "cs/"          # the groups and sets this script owns
SET_MIN = 8             # CIDRs of one family in a rule before a set is used
MAX_IPS = 8             # CSVX_PORT_MAX_IPS


class Failed(Exception):
    """A csvxctl command failed; the message is what it printed."""


def csvxctl_path():
    path = os.environ.get("CSVXCTL")
    if path:
        return path
    return shutil.which("csvxctl") or "/usr/sbin/csvxctl"


def csvxctl(*args, batch=None, force=False):
    """Run csvxctl ARGS, or a batch (a list of lines) given on stdin."""
    cmd = [csvxctl_path()]
    if batch is not None:
        cmd += ["-f"] if force else []
        cmd += ["-b", "-"]
        text = "".join(line + "\n" for line in batch)
        logging.debug("csvxctl batch:\n%s", text)
    else:
        cmd += list(args)
        text = None
        logging.debug("%s", " ".join(cmd))
    try:
        res = subprocess.run(cmd, input=text, capture_output=True, text=True,
                             check=False)
    except OSError as e:
        raise Failed("cannot run %s: %s" % (cmd[0], e)) from e
    if res.returncode and not force:
        raise Failed(res.stderr.strip() or "csvxctl exited %d" % res.returncode)
    return res.stdout


def csvxctl_json(*args):
    out = csvxctl("-j", *args)
    return json.loads(out) if out.strip() else []


# ---------------------------------------------------------------- names --

def vm_base(vm_name):
    """The VM's part of our names; names are at most 31 bytes."""
    if len(vm_name) <= 18:
        return vm_name
    return vm_name[:9] + hashlib.md5(vm_name.encode()).hexdigest()[:9]


def group_name(vm_name, slot):
    return "%s%s/%s" % (PREFIX, vm_base(vm_name), slot)


def vm_ports(ports, vm_name):
    """The ports in one of the VM's groups, and that group's slot."""
    mine = {group_name(vm_name, s): s for s in "ab"}
    found, slot = [], None
    for p in ports:
        for g in p.get("sg", []):
            if g in mine:
                found.append(p)
                slot = mine[g]
    return found, slot


# -------------------------------------------------------------- the logs --

def log_name(vm_name, ext="log"):
    return os.path.join(LOGPATH, "%s.%s" % (vm_name, ext))


def read_rule_log(vm_name):
    """[vmName, vmID, vmIP, domID, signature, seqno], or None."""
    try:
        with open(log_name(vm_name)) as f:
            fields = f.readline().rstrip("\n").split(",")
    except OSError:
        return None
    return fields if len(fields) == 6 else None


def write_rule_log(vm_name, vm_id, vm_ip, dom_id, sig, seq):
    os.makedirs(LOGPATH, exist_ok=True)
    tmp = log_name(vm_name, "log.tmp")
    with open(tmp, "w") as f:
        f.write(",".join([vm_name, str(vm_id), str(vm_ip), str(dom_id),
                          str(sig), str(seq)]) + "\n")
    os.replace(tmp, log_name(vm_name))


def remove_logs(vm_name):
    for ext in ("log", "ip"):
        try:
            os.remove(log_name(vm_name, ext))
        except OSError:
            pass


def dom_id(vm_name):
    """libvirt's domain id of the VM, "-1" if unknown (no virsh)."""
    if not vm_name or not shutil.which("virsh"):
        return "-1"
    res = subprocess.run(["virsh", "-q", "domid", vm_name], capture_output=True,
                         text=True, check=False)
    out = res.stdout.strip()
    return out if res.returncode == 0 and out.isdigit() else "-1"


def running_vms(states=("running",)):
    """The names of the VMs libvirt has in STATES; None without virsh."""
    if not shutil.which("virsh"):
        return None
    names = set()
    for state in states:
        flag = {"running": "--state-running", "paused": "--state-paused"}[state]
        res = subprocess.run(["virsh", "-q", "list", "--name", flag],
                             capture_output=True, text=True, check=False)
        if res.returncode:
            return None         # no libvirtd: do not guess
        names.update(n.strip() for n in res.stdout.splitlines() if n.strip())
    return names


# ---------------------------------------------------------------- rules --

def parse_rules(rules):
    """CloudStack's rule string into dicts: dir (I/E), proto, start, end,
    and the rule's networks by family."""
    out = []
    for line in (rules or "").split("NEXT;"):
        tokens = line.split(";", 3)
        if len(tokens) != 4 or ":" not in tokens[0]:
            if line.strip():
                logging.warning("rule `%s' ignored: not DIR:PROTO;START;END;CIDRS", line)
            continue
        direction, proto = tokens[0].split(":", 1)
        try:
            start, end = int(tokens[1]), int(tokens[2])
        except ValueError:
            logging.warning("rule `%s' ignored: bad ports or ICMP type/code", line)
            continue
        nets = {4: [], 6: []}
        for cidr in tokens[3].split(","):
            cidr = cidr.strip()
            if not cidr:
                continue
            try:
                net = ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                logging.warning("rule `%s': `%s' is no CIDR, left out", line, cidr)
                continue
            if net not in nets[net.version]:
                nets[net.version].append(net)
        out.append({"dir": direction, "proto": proto.lower(), "start": start,
                    "end": end, "nets": nets})
    return out


def rule_words(rule, family):
    """The csvxctl words of a rule for one family (direction, protocol,
    ports or ICMP type/code), or None if csvx cannot say it."""
    direction = {"I": "ingress", "E": "egress"}.get(rule["dir"])
    proto, start, end = rule["proto"], rule["start"], rule["end"]
    if direction is None:
        return None
    words = [direction]
    if proto in ("tcp", "udp"):
        words += ["proto", proto]
        if start == 0 and end == 0 or start < 0:
            pass                        # any port
        elif 0 <= start <= end <= 65535:
            words += ["dport", str(start) if start == end else "%d-%d" % (start, end)]
        else:
            return None
    elif proto == "icmp":
        words += ["proto", "icmp" if family == 4 else "icmpv6"]
        if 0 <= start <= 255:
            words += ["type", str(start)]
            if 0 <= end <= 255:
                words += ["code", str(end)]
    elif proto == "all":
        words += ["proto", "any"]
    else:
        return None
    return words


def group_batch(group, rules):
    """The batch lines that create GROUP with RULES, and the sets they
    create."""
    lines = ["sg add %s" % group]
    set_names = []
    rule_lines = []
    egress = {4: False, 6: False}
    nsets = 0
    for rule in rules:
        for family in (4, 6):
            nets = rule["nets"][family]
            if not nets:
                continue
            words = rule_words(rule, family)
            if words is None:
                logging.warning("rule %s:%s;%d;%d not supported by csvx, left out",
                                rule["dir"], rule["proto"], rule["start"], rule["end"])
                continue
            if words[0] == "egress":
                egress[family] = True
            if any(n.prefixlen == 0 for n in nets):
                nets = [ipaddress.ip_network("0.0.0.0/0" if family == 4 else "::/0")]
            if len(nets) > SET_MIN:
                nsets += 1
                name = "%s/r%dv%d" % (group, nsets, family)
                set_names.append(name)
                lines.append("set add %s type hash:net family %s maxelem %d" %
                             (name, "inet" if family == 4 else "inet6",
                              max(65536, len(nets))))
                lines += ["set member add %s %s" % (name, n) for n in nets]
                remotes = [["set", name]]
            else:
                remotes = [["cidr", str(n)] for n in nets]
            for remote in remotes:
                line = " ".join(["sg rule add", group] + words + remote)
                if line not in rule_lines:
                    rule_lines.append(line)
    # CloudStack opens egress per family: egress rules of one family only
    # must not close the other, as they would in csvx.
    for family, other in ((4, 6), (6, 4)):
        if egress[family] and not egress[other]:
            rule_lines.append("sg rule add %s egress proto any cidr %s" %
                              (group, "0.0.0.0/0" if other == 4 else "::/0"))
    return lines + rule_lines, set_names


# ---------------------------------------------------------------- ports --

def addresses(vm_ip, vm_ip6, sec_ips):
    """The VM's IPs for anti-spoofing: primary, IPv6, secondary."""
    ips = []
    candidates = [vm_ip, vm_ip6]
    if sec_ips:
        candidates += [s for s in re.split(r"[;,]", sec_ips) if s and s != "0"]
    for ip in candidates:
        try:
            addr = ipaddress.ip_address((ip or "").strip())
        except ValueError:
            continue
        if not addr.is_unspecified and str(addr) not in ips:
            ips.append(str(addr))
    if len(ips) > MAX_IPS:
        logging.error("csvx takes %d IPs per port; left out: %s", MAX_IPS,
                      " ".join(ips[MAX_IPS:]))
        ips = ips[:MAX_IPS]
    return ips


def bridge_vni(brname):
    """The VNI whose csvx VTEP device is a port of bridge BRNAME."""
    if not brname:
        return None
    for vni in csvxctl_json("vni", "show"):
        dev = vni.get("dev")
        master = "/sys/class/net/%s/master" % dev
        if dev and os.path.islink(master) and \
                os.path.basename(os.readlink(master)) == brname:
            return vni["vni"]
    match = re.match(r"^brvx-(\d+)$", brname)
    return int(match.group(1)) if match else None


def apply(args, rules, port_spec, keep_port=False):
    """Give the VM the group with RULES; PORT_SPEC (vif, mac, ips, bridge)
    (re)creates its port (with KEEP_PORT, only if it is not there), and the
    VM's other ports move to the new group."""
    vm = args.vmName
    ports = csvxctl_json("port", "show")
    mine, slot = vm_ports(ports, vm)
    new_slot = "b" if slot == "a" else "a"
    old, new = group_name(vm, slot or "b"), group_name(vm, new_slot)
    sets = [s["name"] for s in csvxctl_json("set", "show")]

    # What a failed run may have left of the new group.
    stale = ["sg del %s" % new]
    stale += ["set del %s" % s for s in sets if s.startswith(new + "/")]
    csvxctl(batch=stale, force=True)

    batch, new_sets = group_batch(new, rules)
    undo = ["sg del %s" % new] + ["set del %s" % s for s in new_sets]
    moved = set()
    if port_spec:
        vif, mac, ips, brname = port_spec
        current = next((p for p in ports if p.get("dev") == vif), None)
        if current is None or not keep_port:
            vni = current["vni"] if current else bridge_vni(brname)
            if vni is None:
                raise Failed("no csvx VNI for bridge %s (vif %s)" % (brname, vif))
            batch.append(" ".join(["port replace dev", vif, "vni", str(vni), "mac", mac] +
                                  [w for ip in ips for w in ("ip", ip)] + ["sg", new]))
            moved.add(vif)
        elif current not in mine:
            mine.append(current)
    for p in mine:
        if p["dev"] not in moved:
            batch.append("port set dev %s sg %s" % (p["dev"], new))
            moved.add(p["dev"])
    if not moved:
        raise Failed("VM %s has no port (no --vif, and none in csvx)" % vm)
    try:
        csvxctl(batch=batch)
    except Failed:
        # The ports move last: if a line failed, they are where they were
        # and what was built goes.
        csvxctl(batch=undo, force=True)
        raise
    retire = ["sg del %s" % old]
    retire += ["set del %s" % s for s in sets if s.startswith(old + "/")]
    csvxctl(batch=retire, force=True)


# ------------------------------------------------------------- commands --

def port_spec_of(args):
    if not args.vif or not args.vmMAC:
        return None
    return (args.vif, args.vmMAC.lower(), addresses(args.vmIP, args.vmIP6, args.nicSecIps),
            args.brname)


def default_network_rules(args):
    spec = port_spec_of(args)
    if spec is None:
        raise Failed("default_network_rules needs --vif and --vmmac")
    apply(args, [], spec)
    if args.nicSecIps and args.nicSecIps not in ("0", "0;", ""):
        os.makedirs(LOGPATH, exist_ok=True)
        with open(log_name(args.vmName, "ip"), "w") as f:
            f.write(",".join([args.vmName, args.nicSecIps, str(args.vmID)]) + "\n")
    if args.vmIP:
        write_rule_log(args.vmName, args.vmID, args.vmIP, dom_id(args.vmName),
                       "_initial_", "-1")
    logging.info("default rules for %s on %s", args.vmName, args.vif)


def add_network_rules(args):
    vm = args.vmName
    logged = read_rule_log(vm)
    if logged:
        same = logged[0] == vm and logged[1] == str(args.vmID) and \
            logged[2] == str(args.vmIP) and logged[4] == str(args.sig) and \
            logged[5] == str(args.seq)
        if same:
            mine, _ = vm_ports(csvxctl_json("port", "show"), vm)
            if mine:
                logging.debug("rules already programmed for %s", vm)
                return
        try:
            stale = int(args.seq) < int(logged[5])
        except (TypeError, ValueError):
            stale = False
        if stale:
            logging.info("rules for %s with seq %s ignored: seq %s is applied",
                         vm, args.seq, logged[5])
            return
    # As upstream, the port's addresses (anti-spoofing) are set again only
    # when the VM is new here or its name, id or IP changed.
    keep = bool(logged) and logged[:3] == [vm, str(args.vmID), str(args.vmIP)]
    apply(args, parse_rules(args.rules), port_spec_of(args), keep)
    write_rule_log(vm, args.vmID, args.vmIP, dom_id(vm), args.sig, args.seq)
    logging.info("rules of %s (seq %s) applied", vm, args.seq)


def destroy_vm(vm_name, ports=None, sets=None):
    """Remove the VM's ports, groups and sets, and its logs."""
    if ports is None:
        ports = csvxctl_json("port", "show")
    if sets is None:
        sets = [s["name"] for s in csvxctl_json("set", "show")]
    mine, _ = vm_ports(ports, vm_name)
    base = PREFIX + vm_base(vm_name) + "/"
    batch = ["port del dev %s" % p["dev"] for p in mine]
    batch += ["sg del %s%s" % (base, s) for s in "ab"]
    batch += ["set del %s" % s for s in sets if s.startswith(base)]
    csvxctl(batch=batch, force=True)
    remove_logs(vm_name)


def destroy_network_rules_for_vm(args):
    destroy_vm(args.vmName)
    logging.info("rules of %s destroyed", args.vmName)


def vm_logs():
    """The VMs with a rule log: name -> its fields."""
    out = {}
    for path in glob.glob(os.path.join(LOGPATH, "*.log")):
        name = os.path.basename(path)[:-4]
        fields = read_rule_log(name)
        if fields:
            out[name] = fields
    return out


def get_rule_logs_for_vms(args):
    del args
    running = running_vms()
    try:
        ports = csvxctl_json("port", "show")
    except Failed as e:
        logging.error("get_rule_logs_for_vms: %s", e)
        ports = None
    result = []
    for name, fields in sorted(vm_logs().items()):
        if not name.startswith("i-") or (running is not None and name not in running):
            continue
        # A VM whose taps went (a reboot outside CloudStack) lost its
        # port: seqno -1 makes the management server send its rules again.
        if ports is not None and not vm_ports(ports, name)[0] and fields[5] != "-1":
            fields[5] = "-1"
            write_rule_log(*fields)
        result.append(",".join(fields))
    print(";".join(result))


def cleanup_rules(args):
    del args
    groups = csvxctl_json("sg", "show")
    ports = csvxctl_json("port", "show")
    sets = [s["name"] for s in csvxctl_json("set", "show")]
    alive = running_vms(("running", "paused"))
    logs = vm_logs()
    by_base = {vm_base(name): name for name in logs}
    gone = set()
    for g in groups:
        match = re.match(r"^%s(.+)/[ab]$" % re.escape(PREFIX), g.get("name", ""))
        if not match:
            continue
        base = match.group(1)
        vm = by_base.get(base)
        # A running VM whose tap went (rebooted outside CloudStack) keeps
        # its state until libvirt says it is gone; without libvirt, a
        # group with no port left is a VM that is gone.
        if alive is not None and vm is not None:
            if vm not in alive:
                gone.add(base)
        elif g.get("ports", 0) == 0:
            gone.add(base)
    for base in gone:
        vm = by_base.get(base)
        if vm:
            destroy_vm(vm, ports, sets)
        else:
            # No log: the names are all that is left.
            batch = ["sg del %s%s/%s" % (PREFIX, base, s) for s in "ab"]
            batch += ["set del %s" % s for s in sets if s.startswith(PREFIX + base + "/")]
            csvxctl(batch=batch, force=True)
    if alive is not None:
        for name in logs:
            if name not in alive and vm_base(name) not in gone:
                remove_logs(name)
    logging.info("cleaned up %d VMs", len(gone))


def network_rules_vm_secondary_ip(args):
    ips = addresses(None, None, args.nicSecIps)
    remove = (args.action or "").strip() == "-D"
    mine, _ = vm_ports(csvxctl_json("port", "show"), args.vmName)
    if not mine:
        raise Failed("VM %s has no port" % args.vmName)
    batch = []
    for p in mine:
        have = list(p.get("ip", []))
        for ip in ips:
            if remove and ip in have:
                have.remove(ip)
            elif not remove and ip not in have:
                have.append(ip)
        words = [w for ip in have[:MAX_IPS] for w in ("ip", ip)] or ["ip", "none"]
        batch.append(" ".join(["port set dev", p["dev"]] + words))
    csvxctl(batch=batch)


def default_network_rules_systemvm(args):
    # System VMs are not filtered (upstream: an ACCEPT chain).
    write_rule_log(args.vmName, "-1", "_ignore_", dom_id(args.vmName), "_initial_", "-1")


def post_default_network_rules(args):
    # Upstream redirects the metadata server (DNAT); csvx does no NAT.
    logging.info("post_default_network_rules for %s: nothing to do with csvx", args.vmName)
    write_rule_log(args.vmName, args.vmID, args.vmIP, dom_id(args.vmName),
                   "_initial_", "-1")


def can_bridge_firewall(args):
    try:
        csvxctl("params", "show")
    except Failed as e:
        print("no csvx on your host machine: %s" % e)
        sys.exit(1)
    os.makedirs(LOGPATH, exist_ok=True)
    cleanup_rules(args)


COMMANDS = {
    "can_bridge_firewall": can_bridge_firewall,
    "default_network_rules": default_network_rules,
    "default_network_rules_systemvm": default_network_rules_systemvm,
    "post_default_network_rules": post_default_network_rules,
    "add_network_rules": add_network_rules,
    "network_rules_vmSecondaryIp": network_rules_vm_secondary_ip,
    "destroy_network_rules_for_vm": destroy_network_rules_for_vm,
    "get_rule_logs_for_vms": get_rule_logs_for_vms,
    "cleanup_rules": cleanup_rules,
}


def setup_logging():
    """The agent's log file if it is there, else standard error; returns
    whether it is the file."""
    if os.path.isdir(os.path.dirname(LOG_FILE)):
        logging.basicConfig(filename=LOG_FILE, level=logging.DEBUG,
                            format="%(asctime)s %(levelname)s %(message)s")
        return True
    logging.basicConfig(level=logging.WARNING, format="security_group.py: %(message)s")
    return False


def lock():
    """CloudStack's lock, waited for 15 s; then, as upstream, go on."""
    try:
        handle = open(LOCK_FILE, "w")
    except OSError as e:
        logging.warning("no lock %s: %s", LOCK_FILE, e)
        return None
    for _ in range(30):
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except OSError:
            time.sleep(0.5)
    logging.warning("lock %s held by another process; going on", LOCK_FILE)
    return handle


OPTIONS = (("--vmname", "vmName"), ("--vmip", "vmIP"), ("--vmip6", "vmIP6"),
           ("--vmid", "vmID"), ("--vmmac", "vmMAC"), ("--vif", "vif"),
           ("--sig", "sig"), ("--seq", "seq"), ("--rules", "rules"),
           ("--brname", "brname"), ("--localbrname", "localbrname"),
           ("--dhcpSvr", "dhcpSvr"), ("--hostIp", "hostIp"),
           ("--hostMacAddr", "hostMacAddr"), ("--nicsecips", "nicSecIps"),
           ("--action", "action"), ("--privnic", "privnic"), ("--ruletype", "ruletype"))


def joined(argv):
    """"--opt VALUE" as "--opt=VALUE", so that a value starting with a
    dash ("--action -A") is not taken for an option."""
    known = {opt for opt, _ in OPTIONS}
    out, i = [], 0
    while i < len(argv):
        if argv[i] in known and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            out.append(argv[i] + "=" + argv[i + 1])
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def main():
    parser = argparse.ArgumentParser(description="csvx security groups for Apache CloudStack",
                                     allow_abbrev=False)
    parser.add_argument("command")
    for opt, dest in OPTIONS:
        parser.add_argument(opt, dest=dest)
    args, unknown = parser.parse_known_args(joined(sys.argv[1:]))
    to_file = setup_logging()
    if unknown:
        logging.debug("ignored: %s", " ".join(unknown))
    fn = COMMANDS.get(args.command)
    if fn is None:
        logging.error("unknown command: %s", args.command)
        sys.exit(1)
    if args.command not in ("can_bridge_firewall", "get_rule_logs_for_vms",
                            "cleanup_rules") and not args.vmName:
        logging.error("%s needs --vmname", args.command)
        sys.exit(1)
    handle = lock()
    try:
        fn(args)
    except (Failed, OSError, ValueError) as e:
        logging.error("%s failed: %s", args.command, e)
        if to_file:
            print("%s failed: %s" % (args.command, e), file=sys.stderr)
        sys.exit(1)
    finally:
        if handle:
            handle.close()


if __name__ == "__main__":
    main()
