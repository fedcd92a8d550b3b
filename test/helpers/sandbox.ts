/**
 * Run a command in private namespaces so an integration test never touches the machine's
 * own /etc/ocfs2, /etc/iscsi, /etc/fstab or network: `unshare --mount --propagation private`
 * (plus `--net` and `--uts` on request). Inside, a test usually mounts tmpfs or bind-mounts a
 * scratch directory over the paths it needs. Argument vectors only: no shell unless the
 * caller passes `bash -c` explicitly for a setup script it wrote itself.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';

import { join } from 'node:path';

export interface SandboxResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface SandboxOptions {
  net?: boolean;
  uts?: boolean;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function inNamespaces(argv: readonly string[], opts: SandboxOptions = {}): SandboxResult {
  const flags = ['--mount', '--propagation', 'private'];
  if (opts.net) flags.push('--net');
  if (opts.uts) flags.push('--uts');
  const r = spawnSync('unshare', [...flags, '--', ...argv], {
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    timeout: opts.timeoutMs ?? 120_000,
  });
  if (r.error) throw r.error;
  return { exitCode: r.status ?? 128 + 9, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch directory under the repository's .scratch/ (never /tmp for things that matter). */
export function scratchDir(prefix: string): { path: string; remove: () => void } {
  const base = join(process.cwd(), '.scratch');
  spawnSync('mkdir', ['-p', base]);
  const path = mkdtempSync(join(base, `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}


/**
 * ARGV run with a private, empty /var/log, /var/lib and /run/lock (tmpfs in a private mount
 * namespace): a run on live paths (no --root) then journals, backs up and locks there, never
 * in the machine's own /var/log/ovs/journal.log, /var/lib/ovs/backups or /run/lock/ovs.lock.
 * unshare and bash exec in place, so the pid spawned is the program's own (signals reach it).
 */
export function withPrivateState(argv: readonly string[]): string[] {
  const script = 'for d in /var/log /var/lib /run/lock; do mount -t tmpfs ovs-test "$d" || exit 125; done; exec "$@"';
  return ['unshare', '--mount', '--propagation', 'private', '--', 'bash', '-c', script, 'private-state', ...argv];
}

/** The run lock of an image: a symbolic link whose target names its holder (dangling), so lstat, not exists. */
export function lockPresent(root: string): boolean {
  try {
    lstatSync(join(root, 'run/lock/ovs.lock'));
    return true;
  } catch {
    return false;
  }
}
