/**
 * `mount` and `umount` as simulated tools (memoryHost({ tools })): a storage's files live
 * under /.storage/<source> until it is mounted, then on the mount point, and go back when it
 * is unmounted, so what a command wrote on the storage survives the unmount and what another
 * server wrote is seen when this one mounts. /proc/mounts is kept as the kernel keeps it.
 */
import { posix } from 'node:path';
import type { RunResult } from '../host.js';
import type { Expectation, MemoryHost } from './memory-host.js';

export const STORAGE = '/.storage';
/** Where an unmounted storage's files are kept. */
export const storageDir = (source: string) => posix.join(STORAGE, encodeURIComponent(source));

export interface MountedDouble {
  source: string;
  target: string;
  fstype: string;
}

export interface MountToolsOptions {
  /** mount answers this instead for a source (e.g. the real mount.ocfs2 failure). */
  mountFails?: Record<string, Partial<RunResult>>;
  /** Mount points umount refuses as busy. */
  busy?: string[];
}

export const ROOT_MOUNT = '/dev/vda1 / ext4 rw,relatime 0 0';

export function procMountsLine(m: MountedDouble): string {
  return `${m.source} ${m.target} ${m.fstype} rw,relatime 0 0`;
}

function readMounts(host: MemoryHost): string[] {
  return host.readText('/proc/mounts').split('\n').filter(Boolean);
}

function writeMounts(host: MemoryHost, lines: string[]): void {
  host.vol.writeFileSync('/proc/mounts', lines.map((l) => `${l}\n`).join(''));
}

function mountDouble(host: MemoryHost, o: MountToolsOptions, argv: string[]): Partial<RunResult> {
  const [, , type = '', , , , source = '', target = ''] = argv;
  const failure = o.mountFails?.[source];
  if (failure) return { exitCode: 32, ...failure };
  const dir = storageDir(source);
  if (!host.exists(dir)) return { exitCode: 32, stderr: `mount: ${target}: special device ${source} does not exist.\n` };
  if (readMounts(host).some((l) => l.split(' ')[0] === source)) return { exitCode: 32, stderr: `mount: ${target}: ${source} already mounted or mount point busy.\n` };
  host.vol.rmdirSync(target); // a mount point must exist (the command made it) and be empty here
  host.vol.renameSync(dir, target);
  writeMounts(host, [...readMounts(host), procMountsLine({ source, target, fstype: type })]);
  return { exitCode: 0 };
}

function umountDouble(host: MemoryHost, o: MountToolsOptions, argv: string[]): Partial<RunResult> {
  const target = argv[2] ?? '';
  if (o.busy?.includes(target)) return { exitCode: 32, stderr: `umount: ${target}: target is busy.\n` };
  const lines = readMounts(host);
  const at = lines.findLastIndex((l) => l.split(' ')[1] === target);
  if (at < 0) return { exitCode: 32, stderr: `umount: ${target}: not mounted.\n` };
  const source = (lines[at] ?? '').split(' ')[0] ?? '';
  host.vol.renameSync(target, storageDir(source));
  host.vol.mkdirSync(target);
  writeMounts(host, lines.filter((_l, i) => i !== at));
  return { exitCode: 0 };
}

/** mount -t TYPE -o OPTIONS -- SOURCE TARGET and umount -- TARGET, as ovs runs them. */
export function mountTools(o: MountToolsOptions = {}): Expectation[] {
  return [
    { argv: ['mount', '-t', /./, '-o', /./, '--', /./, /./], respond: (c, host) => mountDouble(host, o, c.argv) },
    { argv: ['umount', '--', /./], respond: (c, host) => umountDouble(host, o, c.argv) },
  ];
}
