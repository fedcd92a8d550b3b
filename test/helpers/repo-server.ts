/**
 * Simulated pool servers for the repository integration tests: each one a mount namespace
 * of its own (held by a `sleep` process, entered with nsenter for every command) whose root
 * is a copy-on-write overlay of the machine's / (so `/OVS` can be created without touching
 * the real one), with its own /etc/ovs and /var/ovs bind-mounted from scratch directories
 * the test reads from outside, a private /run, and the scratch directory itself shared
 * (the "NFS server's" exports live there, seen by every server). Programs run chrooted into
 * that root, so /proc/mounts shows the server's own mounts under their own paths.
 *
 * With `o2cbOnline`, /sys is rebuilt from the real one except /sys/kernel, which holds a
 * configfs stand-in registering this node in that O2CB cluster (there is no configfs here).
 *
 * stop() kills the namespace's holder by its pid; the kernel then drops every mount in it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface Result {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RepoServer {
  name: string;
  pid: number;
  /** Where its root is mounted (a path inside its own namespace only). */
  root: string;
  /** Its /etc/ovs and /var/ovs, readable from outside. */
  etcOvs: string;
  varOvs: string;
  /** Run a program inside (chrooted into its root). */
  exec(argv: string[], opts?: { env?: Record<string, string>; input?: string }): Result;
  /** Start a long-running program inside; the caller kills it by its pid. */
  spawn(argv: string[]): ChildProcess;
  ovs(args: string[], env?: Record<string, string>): Result;
  stop(): Promise<void>;
}

const SETUP = String.raw`
set -euo pipefail
S=$1 ROOT=$2 T=$3 NAME=$4 CLUSTER=$5
mount -t tmpfs tmpfs "$T"
mkdir -p "$T/up" "$T/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$T/up,workdir=$T/work" "$ROOT"
mount --rbind /dev "$ROOT/dev"
mount --rbind /proc "$ROOT/proc"
if [ -z "$CLUSTER" ]; then
  mount --rbind /sys "$ROOT/sys"
else
  mount -t tmpfs tmpfs "$ROOT/sys"
  for d in /sys/*; do
    [ "$d" = /sys/kernel ] && continue
    mkdir -p "$ROOT$d"
    mount --rbind "$d" "$ROOT$d"
  done
  node="$ROOT/sys/kernel/config/cluster/$CLUSTER/node/$NAME"
  mkdir -p "$node"
  echo 1 > "$node/local"
  echo 0 > "$node/num"
fi
mount -t tmpfs tmpfs "$ROOT/run"
mkdir -p "$ROOT/run/lock" "$ROOT/etc/ovs" "$ROOT/var/ovs"
mount --bind "$S/$NAME/etc-ovs" "$ROOT/etc/ovs"
mount --bind "$S/$NAME/var-ovs" "$ROOT/var/ovs"
mount --bind "$S" "$ROOT$S"
`;

function waitForNamespace(pid: number): void {
  const ours = readlinkSync('/proc/self/ns/mnt');
  for (let i = 0; i < 200; i++) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/mnt`) !== ours) return;
    } catch {
      /* not there yet */
    }
    spawnSync('sleep', ['0.01']);
  }
  throw new Error(`the namespace of pid ${pid} did not appear`);
}

export function startRepoServer(scratch: string, name: string, opts: { path: string; o2cbOnline?: string }): RepoServer {
  const base = join(scratch, name);
  for (const d of ['root', 't', 'etc-ovs', 'var-ovs']) mkdirSync(join(base, d), { recursive: true });
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sleep', '600'], { stdio: 'ignore' });
  const pid = holder.pid as number;
  waitForNamespace(pid);
  const root = join(base, 'root');
  const env = { ...process.env, PATH: opts.path, LC_ALL: 'C' };
  const enter = (argv: string[]) => ['-t', String(pid), '-m', '--', 'chroot', root, ...argv];
  const setup = spawnSync('nsenter', ['-t', String(pid), '-m', '--', 'bash', '-c', SETUP, 'setup', scratch, root, join(base, 't'), name, opts.o2cbOnline ?? ''], { encoding: 'utf8' });
  if (setup.status !== 0) {
    holder.kill('SIGKILL');
    throw new Error(`setting up ${name} failed: ${setup.stderr}`);
  }
  const server: RepoServer = {
    name,
    pid,
    root,
    etcOvs: join(base, 'etc-ovs'),
    varOvs: join(base, 'var-ovs'),
    exec(argv, o = {}) {
      const r = spawnSync('nsenter', enter(argv), { encoding: 'utf8', env: { ...env, ...o.env }, input: o.input ?? '', timeout: 120_000 });
      if (r.error) throw r.error;
      return { exitCode: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
    },
    spawn: (argv) => spawn('nsenter', enter(argv), { stdio: 'ignore', env }),
    ovs: (args, e) => server.exec(['node', join(process.cwd(), 'bin/ovs'), ...args], e ? { env: e } : {}),
    async stop() {
      // Once the holder is gone (reaped), its namespace and every mount in it go with it.
      if (holder.exitCode !== null || holder.signalCode !== null) return;
      const gone = new Promise((done) => holder.once('exit', done));
      holder.kill('SIGKILL');
      await gone;
    },
  };
  return server;
}

/** A file inside a server, read from outside through its root (only its own binds are real files). */
export function readInside(server: RepoServer, path: string): string {
  const r = server.exec(['cat', '--', path]);
  if (r.exitCode !== 0) throw new Error(`cat ${path} in ${server.name}: ${r.stderr}`);
  return r.stdout;
}

/** The `mount` wrapper: `-t nfs` bind-mounts the export's directory (real mount syscalls, real files). */
export function nfsMountWrapper(exports: string, log: string, realMount: string): string {
  return `#!/bin/bash
# Stands in for mount.nfs (no NFS client here): ovs runs
#   mount -t nfs -o OPTIONS -- HOST:/EXPORT DIR
# and this bind-mounts ${exports}/HOST/EXPORT on DIR instead. Everything else is the real mount.
if [ "$1" = -t ] && [ "$2" = nfs ] && [ "$3" = -o ] && [ "$5" = -- ] && [ $# -eq 7 ]; then
  src=$6 dir=$7
  export_dir="${exports}/\${src%%:*}\${src#*:}"
  printf '%s\\n' "mount $*" >> "${log}"
  if [ ! -d "$export_dir" ]; then
    echo "mount.nfs: access denied by server while mounting $src" >&2
    exit 32
  fi
  exec ${realMount} --bind -- "$export_dir" "$dir"
fi
exec ${realMount} "$@"
`;
}

export function readLog(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
