#!/usr/bin/env bash
# test-hosts.sh - simulated Oracle VM pool members on one Linux machine, for the propagation
# tests (adapted from the team's reference recipe; see test/helpers/test-hosts.ts).
#
# Each test host "vmserverK" (K = 1..N) gets:
#   - its own network namespace PREFIX-vmserverK with one veth ("eth0", SUBNET.(10+K)/24)
#     plugged into a bridge that lives in a namespace of its own (PREFIX-sw). Nothing is
#     added to the machine's own network namespace: the hosts can reach each other and
#     nothing else (no default route, no address in the root namespace);
#   - its own mount + UTS namespace: hostname vmserverK, a copy-on-write overlay of /etc and
#     of /var (so /etc/hosts, /etc/default/o2cb, ovs's backups and journal are per host),
#     a private tmpfs /run (sshd's privilege separation dir, ovs's run lock), and plain
#     directories bind-mounted on /etc/ocfs2 and /usr/local/sbin that the test reads and
#     writes from outside: STATEDIR/hosts/vmserverK/etc-ocfs2/, .../bin/ (on the remote
#     PATH: `ovs` there is what the pool members run);
#   - a real OpenSSH sshd on SUBNET.(10+K):22 with its own host key, root login by key only.
# Everything else (/usr, /root, /tmp, node, the checkout) is shared, except root's ~/.bashrc,
# which is hidden (it may run slow or noisy things in every remote command).
# The pool master runs inside a host (`exec -h vmserver1 ...`), as on a real pool.
#
# Every process started is stopped by its pid; `down` removes the namespaces (and with them
# the veths and the bridge). A failing `up` runs `down` itself (trap).
set -euo pipefail

PROG=${0##*/}
usage() {
  cat <<'EOF'
usage:
  test-hosts.sh up     -d STATEDIR -n N [-s 10.254.0] [-p PREFIX] [--ovs-repo DIR] [--no-check]
  test-hosts.sh down   -d STATEDIR
  test-hosts.sh exec   -d STATEDIR -h HOST [--] CMD [ARG...]
  test-hosts.sh status -d STATEDIR
  test-hosts.sh fail   -d STATEDIR -h HOST MODE
        MODE: sshd-down   stop the host's sshd          (clients: "Connection refused")
              unreachable unplug the host's link         (clients: "Connection timed out")
              hostkey     give the host a new host key   (known_hosts is now wrong)
              auth        empty the host's authorized_keys
              hang        SIGSTOP the host's sshd         (TCP connects, no SSH banner)
              rename      change the host's hostname to vmserverK-renamed
  test-hosts.sh heal   -d STATEDIR -h HOST     undo any of the above

--ovs-repo DIR writes STATEDIR/hosts/*/bin/ovs running `node DIR/bin/ovs`: what each host
runs as `ovs`. HOST is a name (vmserver2) or a number (2).
EOF
}

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*" >&2; }

CMD=${1:-}; [ $# -gt 0 ] && shift
D='' N='' SUBNET=10.254.0 PREFIX=ovst HOSTARG='' CHECK=1 REPO=''
while [ $# -gt 0 ]; do
  case $1 in
    -d) D=$2; shift 2 ;;
    -n) N=$2; shift 2 ;;
    -s) SUBNET=$2; shift 2 ;;
    -p) PREFIX=$2; shift 2 ;;
    -h) HOSTARG=$2; shift 2 ;;
    --ovs-repo) REPO=$2; shift 2 ;;
    --no-check) CHECK=; shift ;;
    --) shift; break ;;
    --help) usage; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
[ "$(id -u)" = 0 ] || die "must run as root"
[ -n "$D" ] || { usage >&2; exit 2; }
D=$(realpath -m -- "$D")

# ---------------------------------------------------------------- helpers
load_state() {
  [ -f "$D/state" ] || die "no test hosts are up in $D"
  # shellcheck disable=SC1091
  . "$D/state"
}

host_by_arg() { # ARG -> sets HN HIP HNS HVETH HD
  local a=$1 k
  case $a in ''|*[!0-9]*) k=${a#vmserver} ;; *) k=$a ;; esac
  case $k in ''|*[!0-9]*) die "unknown host '$a'" ;; esac
  [ "$k" -ge 1 ] && [ "$k" -le "$N" ] || die "unknown host '$a' (1..$N)"
  set_host "$k"
}

set_host() {
  HN=vmserver$1 HD=$D/hosts/vmserver$1 HIP=$SUBNET.$((10 + $1)) HNS=$PREFIX-vmserver$1 HVETH=h$1
}

pid_alive() { # running and not a zombie
  local st
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
read_pid() { [ -s "$1" ] && cat "$1" || true; }

PROC_MNT=
scan_proc() { # "PID MNTNS" for every process, read once per command
  local p
  PROC_MNT=$(for p in /proc/[0-9]*; do printf '%s %s\n' "${p#/proc/}" "$(readlink "$p/ns/mnt" 2>/dev/null)"; done)
}

host_pids() { # every process living in the current host's namespaces
  local mnt
  mnt=$(cat "$HD/mntns" 2>/dev/null || true)
  if [ -n "$mnt" ]; then
    if [ "$mnt" = "$(readlink /proc/self/ns/mnt)" ] || [ "$mnt" = "$(readlink /proc/1/ns/mnt)" ]; then
      say "refusing: recorded mount namespace of $HN is the root one"; return 0
    fi
    [ -n "$PROC_MNT" ] || scan_proc
    awk -v m="$mnt" '$2 == m { print $1 }' <<<"$PROC_MNT"
  fi
  if [ -e "/run/netns/$HNS" ]; then ip netns pids "$HNS" 2>/dev/null || true; fi
}

kill_pids() { # TERM (and CONT: a stopped process only dies once continued), wait, then KILL
  local p i alive
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  kill -CONT "$@" 2>/dev/null || true
  for i in $(seq 60); do
    alive=
    for p in "$@"; do pid_alive "$p" && alive=1; done
    [ -z "$alive" ] && return 0
    sleep 0.05
  done
  kill -KILL "$@" 2>/dev/null || true
}

nsenter_host() {
  local holder
  holder=$(read_pid "$HD/holder.pid")
  pid_alive "$holder" || die "$HN is not running"
  nsenter -t "$holder" -n -m -u "$@"
}

write_known_hosts() {
  local k
  : >"$D/known_hosts.new"
  for k in $(seq "$N"); do
    set_host "$k"
    echo "$HN,$HIP $(cut -d' ' -f1,2 "$HD/ssh_host_ed25519_key.pub")" >>"$D/known_hosts.new"
  done
  mv "$D/known_hosts.new" "$D/known_hosts"
}

add_link() { # the current host's veth: "hK" on the switch's bridge, "eth0" in the host
  ip -n "$SWNS" link add "$HVETH" type veth peer name eth0 netns "$HNS"
  ip -n "$SWNS" link set "$HVETH" master br0 up
  ip -n "$HNS" addr add "$HIP/24" dev eth0
  ip -n "$HNS" link set eth0 up
}

launch_sshd() { # (re)start the current host's sshd; it writes its pid file after listen()
  local old
  old=$(read_pid "$HD/sshd.pid")
  if pid_alive "$old"; then kill_pids "$old"; fi
  rm -f "$HD/sshd.pid"
  nsenter_host /usr/sbin/sshd -f "$HD/sshd_config" -E "$HD/sshd.log"
}

wait_sshd() {
  local i
  for i in $(seq 200); do
    [ -s "$HD/sshd.pid" ] && return 0
    sleep 0.05
  done
  die "sshd of $HN did not start; see $HD/sshd.log"
}

start_sshd() { launch_sshd; wait_sshd; }

# The first process of each host's mount+UTS namespace. $1 name, $2 host dir.
HOLDER_SCRIPT='
set -e
hostname "$1"
mount -t overlay "ovs-test-etc-$1" -o "lowerdir=/etc,upperdir=$2/etc/upper,workdir=$2/etc/wd" /etc
mount --bind "$2/etc-ocfs2" /etc/ocfs2
mount -t overlay "ovs-test-var-$1" -o "lowerdir=/var,upperdir=$2/var/upper,workdir=$2/var/wd" /var
mount -t tmpfs -o mode=0755 "ovs-test-run-$1" /run
mkdir -m 0755 /run/sshd
mkdir -m 1777 /run/lock
mount --bind "$2/bin" /usr/local/sbin
home=$(getent passwd root | cut -d: -f6)
if [ -f "$home/.bashrc" ]; then mount --bind /dev/null "$home/.bashrc"; fi
readlink /proc/self/ns/mnt >"$2/mntns"
exec sleep infinity
'

write_host_files() { # per-host configuration, written before the host starts
  local hosts_block=$1 node
  # every host starts clean (only its host key is kept from an earlier run, to save time)
  rm -rf "$HD/etc" "$HD/var" "$HD/etc-ocfs2" "$HD/bin"
  mkdir -p "$HD/etc/upper/ssh/ssh_config.d" "$HD/etc/upper/ocfs2" "$HD/etc/wd" "$HD/var/upper" "$HD/var/wd" "$HD/etc-ocfs2" "$HD/bin"
  [ -f "$HD/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "$HN" -f "$HD/ssh_host_ed25519_key"
  cp "$D/id_ed25519.pub" "$HD/authorized_keys"
  : >"$HD/known_hosts.user"
  echo "$HN" >"$HD/etc/upper/hostname"
  printf '%s\n' "$hosts_block" >"$HD/etc/upper/hosts"
  # names not in /etc/hosts fail at once and locally, never reach a real DNS server
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$HD/etc/upper/resolv.conf"
  # No IdentityFile: the product is given the key (--ssh-identity), as an operator would.
  cat >"$HD/etc/upper/ssh/ssh_config.d/00-ovs-test-hosts.conf" <<EOF
# written by test-hosts.sh: known host keys of the test pool
Host *
    GlobalKnownHostsFile $D/known_hosts
    UserKnownHostsFile $HD/known_hosts.user
    IdentitiesOnly yes
    BatchMode yes
    ConnectTimeout 5
EOF
  cat >"$HD/sshd_config" <<EOF
# written by test-hosts.sh for $HN
ListenAddress $HIP
Port 22
HostKey $HD/ssh_host_ed25519_key
PidFile $HD/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile $HD/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
PrintLastLog no
MaxStartups 200:30:400
MaxSessions 64
LogLevel VERBOSE
EOF
  if [ -n "$REPO" ]; then
    node=$(command -v node) || die "node not found"
    printf '#!/bin/sh\n# the ovs this test host runs\nexec %s %s/bin/ovs "$@"\n' "$node" "$REPO" >"$HD/bin/ovs"
    chmod 0755 "$HD/bin/ovs"
  fi
  rm -f "$HD/mntns" "$HD/sshd.pid" "$HD/holder.pid"
}

# ---------------------------------------------------------------- up
cmd_up() {
  local k i holder t0 hosts_block c
  case $N in ''|*[!0-9]*) die "-n N is required" ;; esac
  [ "$N" -ge 1 ] && [ "$N" -le 200 ] || die "N must be 1..200"
  [ -e "$D/state" ] && die "$D is already up (run down first)"
  for c in ip unshare nsenter ssh ssh-keygen /usr/sbin/sshd realpath; do command -v "$c" >/dev/null || die "missing $c"; done
  case $SUBNET in 10.254.[0-9]|10.254.[0-9][0-9]|10.254.[0-9][0-9][0-9]) ;; *) die "-s must be 10.254.X" ;; esac
  case $PREFIX in ''|*[!a-z0-9]*) die "-p PREFIX: lower-case letters and digits" ;; esac
  [ "${#PREFIX}" -le 8 ] || die "-p PREFIX: at most 8 characters"
  for c in sw $(seq -f 'vmserver%g' "$N"); do
    [ -e "/run/netns/$PREFIX-$c" ] && die "namespace $PREFIX-$c exists (another instance? use -p)"
  done
  [ -z "$REPO" ] || [ -f "$REPO/bin/ovs" ] || die "--ovs-repo $REPO: no bin/ovs there"
  t0=$(date +%s%N)
  mkdir -p "$D/hosts"
  # state first, so that a failing "up" can be undone by "down"
  {
    echo "N=$N SUBNET=$SUBNET PREFIX=$PREFIX SWNS=$PREFIX-sw"
    [ -d /run/netns ] || echo "CREATED_RUN_NETNS=1"
  } >"$D/state"
  . "$D/state"
  UP_DONE=
  trap 'if [ -z "$UP_DONE" ]; then say "up failed; cleaning up"; cmd_down || true; fi' EXIT
  [ -f "$D/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C ovs-test-master -f "$D/id_ed25519"

  ip netns add "$SWNS"
  ip netns exec "$SWNS" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6'
  ip -n "$SWNS" link add br0 type bridge
  ip -n "$SWNS" link set br0 up

  hosts_block="127.0.0.1 localhost"
  for k in $(seq "$N"); do set_host "$k"; hosts_block+=$'\n'"$HIP $HN"; done
  for k in $(seq "$N"); do
    set_host "$k"
    write_host_files "$hosts_block"
    ip netns add "$HNS"
    ip netns exec "$HNS" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6'
    ip -n "$HNS" link set lo up
    add_link
    ip netns exec "$HNS" unshare -m -u --propagation private \
      sh -c "$HOLDER_SCRIPT" holder "$HN" "$HD" </dev/null >"$HD/holder.log" 2>&1 &
    echo $! >"$HD/holder.pid"
  done
  for k in $(seq "$N"); do
    set_host "$k"
    holder=$(cat "$HD/holder.pid")
    for i in $(seq 100); do
      [ -s "$HD/mntns" ] && break
      pid_alive "$holder" || die "$HN failed to start: $(cat "$HD/holder.log")"
      sleep 0.05
    done
    [ -s "$HD/mntns" ] || die "$HN did not start"
  done
  write_known_hosts
  for k in $(seq "$N"); do set_host "$k"; launch_sshd; done
  for k in $(seq "$N"); do set_host "$k"; wait_sshd; done
  {
    printf '['
    for k in $(seq "$N"); do
      set_host "$k"
      [ "$k" -gt 1 ] && printf ','
      printf '{"name":"%s","ip":"%s","netns":"%s","dir":"%s"}' "$HN" "$HIP" "$HNS" "$HD"
    done
    printf ']\n'
  } >"$D/hosts.json"
  if [ -n "$CHECK" ]; then check_logins; fi
  UP_DONE=1
  trap - EXIT
  echo "statedir=$D"
  echo "key=$D/id_ed25519"
  echo "known_hosts=$D/known_hosts"
  echo "hosts_json=$D/hosts.json"
  for k in $(seq "$N"); do set_host "$k"; echo "host $HN $HIP $HNS"; done
  say "$N host(s) up in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

check_logins() { # one real ssh login from vmserver1 to every host, in parallel
  local k pids=()
  for k in $(seq "$N"); do
    set_host 1
    nsenter_host ssh -i "$D/id_ed25519" -o ConnectTimeout=3 "root@vmserver$k" true </dev/null 2>"$D/hosts/vmserver$k/check.err" &
    pids+=($!)
  done
  for k in $(seq "$N"); do
    wait "${pids[$((k - 1))]}" || die "vmserver$k does not answer ssh: $(cat "$D/hosts/vmserver$k/check.err")"
  done
}

# ---------------------------------------------------------------- down
cmd_down() {
  local k pids
  load_state
  scan_proc
  for k in $(seq "$N"); do
    set_host "$k"
    [ -d "$HD" ] || continue
    mapfile -t pids < <(host_pids | sort -un)
    kill_pids "${pids[@]}"
    ip netns del "$HNS" 2>/dev/null || true
    rm -f "$HD/mntns" "$HD/holder.pid" "$HD/sshd.pid"
  done
  ip netns del "$SWNS" 2>/dev/null || true # takes the bridge and the switch ends of the veths
  # "ip netns add" leaves /run/netns bind-mounted; undo if we made it and it is empty
  if [ -n "${CREATED_RUN_NETNS:-}" ] && [ -z "$(ip netns list 2>/dev/null)" ]; then
    umount /run/netns 2>/dev/null || true
    rmdir /run/netns 2>/dev/null || true
  fi
  rm -f "$D/state"
  say "down: $D"
}

# ---------------------------------------------------------------- others
cmd_exec() {
  load_state
  [ -n "$HOSTARG" ] || die "-h HOST is required"
  [ $# -gt 0 ] || die "no command"
  host_by_arg "$HOSTARG"
  nsenter_host --wd="$PWD" -- "$@"
}

cmd_status() {
  local k holder sshd st
  load_state
  for k in $(seq "$N"); do
    set_host "$k"
    holder=$(read_pid "$HD/holder.pid"); sshd=$(read_pid "$HD/sshd.pid")
    st=up
    pid_alive "$holder" || st=gone
    pid_alive "$sshd" || st="$st,sshd-down"
    if ip -n "$SWNS" -o link show "$HVETH" 2>/dev/null | grep -q 'state DOWN'; then st="$st,unplugged"; fi
    echo "$HN $HIP $st holder=$holder sshd=$sshd"
  done
}

cmd_fail() {
  local what=${1:-} pid
  load_state
  host_by_arg "$HOSTARG"
  case $what in
    sshd-down)
      pid=$(read_pid "$HD/sshd.pid"); if pid_alive "$pid"; then kill_pids "$pid"; fi; rm -f "$HD/sshd.pid" ;;
    unreachable) ip -n "$SWNS" link set "$HVETH" down ;;
    hostkey)
      rm -f "$HD/ssh_host_ed25519_key" "$HD/ssh_host_ed25519_key.pub"
      ssh-keygen -q -t ed25519 -N '' -C "$HN" -f "$HD/ssh_host_ed25519_key"
      start_sshd ;;
    auth) : >"$HD/authorized_keys" ;;
    hang)
      pid=$(read_pid "$HD/sshd.pid"); pid_alive "$pid" || die "sshd of $HN is not running"
      kill -STOP "$pid" ;;
    rename) nsenter_host hostname "$HN-renamed" ;;
    *) die "unknown failure mode '$what'" ;;
  esac
}

cmd_heal() {
  local pid
  load_state
  host_by_arg "$HOSTARG"
  cp "$D/id_ed25519.pub" "$HD/authorized_keys"
  nsenter_host hostname "$HN"
  pid=$(read_pid "$HD/sshd.pid")
  if pid_alive "$pid"; then kill -CONT "$pid"; fi
  ip -n "$SWNS" link set "$HVETH" up
  pid_alive "$(read_pid "$HD/sshd.pid")" || start_sshd
  write_known_hosts # accepts a new host key rather than restoring the old one
}

case $CMD in
  up) cmd_up ;;
  down) cmd_down ;;
  exec) cmd_exec "$@" ;;
  status) cmd_status ;;
  fail) cmd_fail "$@" ;;
  heal) cmd_heal ;;
  *) usage >&2; exit 2 ;;
esac
