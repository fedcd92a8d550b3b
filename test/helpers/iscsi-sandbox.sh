#!/bin/bash
# Run a command as the iSCSI initiator of an integration test, with a private open-iscsi.
# Called inside `unshare --mount --propagation private` (test/helpers/sandbox.ts) and, for
# the network, `nsenter --net=...` of the test's namespace (test/helpers/tgt.ts):
#   STATE/etc-iscsi -> /etc/iscsi   the record database (nodes/, send_targets/, ifaces/)
#   STATE/run       -> /run         iscsiadm's lock files, the ovs run lock, init script pids
#   STATE/var-log   -> /var/log     the ovs journal
#   tmpfs           -> /sys/class   holding only iscsi_transport/tcp/{handle,caps}
# caps 0x2039 is iscsi_tcp's capability set without CAP_TEXT_NEGO (0x80): iscsiadm then does
# SendTargets discovery itself over plain TCP, with no kernel module and no iscsid. This stub
# is the only fake thing; the discovery exchange with tgtd and the record writes are real.
# The iface "ovs0" carries the initiator name, which iscsid would otherwise supply.
# usage: iscsi-sandbox.sh STATE PROGRAM [ARGS...]
set -euo pipefail
S=$1
shift
mkdir -p "$S/run/lock"
mount --bind "$S/etc-iscsi" /etc/iscsi
mount --bind "$S/run" /run
mount --bind "$S/var-log" /var/log
mount -t tmpfs ovs-test-sysclass /sys/class
mkdir -p /sys/class/iscsi_transport/tcp
echo 1 >/sys/class/iscsi_transport/tcp/handle
echo 0x2039 >/sys/class/iscsi_transport/tcp/caps
if [ ! -e /etc/iscsi/ifaces/ovs0 ]; then
  iscsiadm -m iface -I ovs0 -o new >/dev/null
  iscsiadm -m iface -I ovs0 -o update -n iface.transport_name -v tcp >/dev/null
  iscsiadm -m iface -I ovs0 -o update -n iface.initiatorname -v "$(sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi)" >/dev/null
fi
exec "$@"
