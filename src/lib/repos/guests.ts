/**
 * "Does running_pool hold a running guest?" — asked before a repository is unmounted (ours:
 * Oracle never said how its offlinerepo decided). A guest of an Oracle VM 2.x server is a
 * Xen domain started from running_pool/<guest>/vm.cfg whose disks are files beside it, so
 * three read-only looks, each cheap, each catching what the others miss:
 *
 * 1. the toolstack: `xm list` (Oracle VM 2.x's Xen), or `virsh list --name` where libvirt
 *    is used, when installed — a domain named like a running_pool directory is running;
 * 2. open files: a process (qemu-dm for a hardware-virtualized guest, tapdisk for blktap)
 *    holding a file under running_pool open, from /proc/<pid>/fd;
 * 3. loop devices: `file:` disks are attached through loop devices, which the kernel
 *    holds without any process: /sys/block/loop<N>/loop/backing_file under running_pool.
 *
 * Under --root there is no live machine and nothing is running.
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { readOptional } from '../files.js';
import { RUNNING_POOL } from './layout.js';

export interface GuestUse {
  how: 'domain' | 'open file' | 'loop device';
  /** The guest directory (running_pool/<name>), the file, or the loop device. */
  what: string;
  /** Who holds it: the toolstack, `pid 1234 (qemu-dm)`, `/dev/loop3`. */
  by: string;
}

/** Domain names from `xm list` (header and Domain-0 dropped) or `virsh list --name`. */
export function domainNames(stdout: string, format: 'xm' | 'virsh'): string[] {
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const names = format === 'xm' ? lines.slice(1).map((l) => l.split(/\s+/)[0] ?? '') : lines;
  return names.filter((n) => n !== '' && n !== 'Domain-0');
}

async function domains(ctx: Context, guests: readonly string[]): Promise<GuestUse[]> {
  const out: GuestUse[] = [];
  if (guests.length === 0) return out;
  const tools: [string, string[], 'xm' | 'virsh'][] = [
    ['xm', ['xm', 'list'], 'xm'],
    ['virsh', ['virsh', 'list', '--name'], 'virsh'],
  ];
  for (const [tool, argv, format] of tools) {
    if (!(await ctx.host.which(tool))) continue;
    const r = await ctx.probe(argv);
    if (r.exitCode !== 0) {
      ctx.report.warn(`${argv.join(' ')} failed (exit ${r.exitCode}); running guests are judged from open files and loop devices only`);
      continue;
    }
    for (const name of domainNames(r.stdout, format)) if (guests.includes(name)) out.push({ how: 'domain', what: `${RUNNING_POOL}/${name}`, by: tool });
  }
  return out;
}

async function openFiles(ctx: Context, pool: string): Promise<GuestUse[]> {
  const out: GuestUse[] = [];
  const pids = (await ctx.fs.readdir('/proc').catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  for (const pid of pids) {
    // A process can end, or hide its fds, between two reads: skip it.
    const fds = await ctx.fs.readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await ctx.fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (!target.startsWith(`${pool}/`)) continue;
      const comm = (await readOptional(ctx.fs, `/proc/${pid}/comm`).catch(() => undefined))?.trim();
      out.push({ how: 'open file', what: target, by: `pid ${pid}${comm ? ` (${comm})` : ''}` });
    }
  }
  return out;
}

async function loopDevices(ctx: Context, pool: string): Promise<GuestUse[]> {
  const out: GuestUse[] = [];
  const devices = (await ctx.fs.readdir('/sys/block').catch(() => [] as string[])).filter((d) => /^loop\d+$/.test(d));
  for (const dev of devices) {
    const backing = (await readOptional(ctx.fs, `/sys/block/${dev}/loop/backing_file`).catch(() => undefined))?.trim();
    if (backing?.startsWith(`${pool}/`)) out.push({ how: 'loop device', what: backing, by: `/dev/${dev}` });
  }
  return out;
}

/** Everything that shows a guest running from this repository's running_pool. */
export async function runningGuests(ctx: Context, mountPoint: string): Promise<GuestUse[]> {
  if (ctx.offline) return [];
  const pool = posix.join(mountPoint, RUNNING_POOL);
  const guests = await ctx.fs.readdir(pool).catch(() => [] as string[]);
  return [...(await domains(ctx, guests)), ...(await openFiles(ctx, pool)), ...(await loopDevices(ctx, pool))];
}

export function describeGuests(uses: readonly GuestUse[]): string {
  const shown = uses.slice(0, 3).map((u) => `${u.what} (${u.how}, ${u.by})`);
  return shown.join(', ') + (uses.length > 3 ? ` and ${uses.length - 3} more` : '');
}
