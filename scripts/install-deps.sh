#!/usr/bin/env bash
# Install the real programs the integration tests run (idempotent; root only).
#   ocfs2-tools  mkfs.ocfs2 tunefs.ocfs2 debugfs.ocfs2 o2cb /etc/init.d/o2cb
#   open-iscsi   iscsiadm          tgt  tgtd + tgtadm (the iSCSI target on loopback)
#   kmod         /sbin/modprobe: REQUIRED, without it mkfs.ocfs2 1.8 forks a duplicate of
#                itself and exits 1 although the volume was formatted
#   openssh-*    a real sshd per simulated pool member, and the ssh client
#   iproute2     network namespaces; man-db groff: man pages render without warnings
#   zsh fish     the completion scripts are loaded into each real shell by the tests
#   ansible-core contrib/ansible/nfs-pool.yml is run by the real ansible-playbook (connection local)
#   systemd      systemd-analyze verify of contrib/ovsrepositories.service (not run as init)
#   ioping       hb-latency's direct-I/O timing (and the throttled loop-device test)
# Maintainer scripts would start tgtd (on 0.0.0.0:3260) and sshd on a non-systemd box unless
# /usr/sbin/policy-rc.d forbids it: when none exists, a temporary "deny" one is installed.
set -euo pipefail

pkgs=(ocfs2-tools open-iscsi tgt kmod openssh-server openssh-client iproute2 util-linux e2fsprogs fdisk man-db groff systemd zsh fish ansible-core ioping)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  tmp_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    tmp_policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' > "$tmp_policy"
    chmod 755 "$tmp_policy"
  fi
  trap '[ -n "$tmp_policy" ] && rm -f "$tmp_policy"' EXIT
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for b in ioping mkfs.ocfs2 tunefs.ocfs2 debugfs.ocfs2 o2cb iscsiadm tgtd tgtadm sshd ssh unshare ip losetup sfdisk man systemd-analyze zsh fish ansible-playbook; do
  command -v "$b" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$b" >/dev/null || { echo "install-deps: $b not found" >&2; exit 1; }
done
[ -x /sbin/modprobe ] || { echo "install-deps: /sbin/modprobe is missing (package kmod)" >&2; exit 1; }
