/**
 * Enabling a service at boot in an image (--root), where nothing can be asked of a running
 * init: the image decides how. A systemd image with a unit for the service: `systemctl
 * --root=IMG enable NAME` (systemd's own tool, made to work on a directory tree). Otherwise
 * the SysV rc links the image's own tool would make, made here through ctx.changes (so they
 * are planned, backed up and journaled like every change):
 *  - update-rc.d (Debian) without insserv: `S01NAME` in each Default-Start runlevel and
 *    `K01NAME` in each Default-Stop one, pointing at ../init.d/NAME (init-system-helpers'
 *    make_sysv_links); when any link already exists it leaves them alone, and so do we.
 *  - chkconfig (RHEL, Oracle VM Server): the script's `# chkconfig: LEVELS START STOP` line,
 *    `S<START>NAME` in those runlevels and `K<STOP>NAME` in every other of 0-6.
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { exists, readOptional } from '../files.js';

export interface InitHeader {
  defaultStart: string[];
  defaultStop: string[];
  /** `# chkconfig: 2345 24 19` */
  chkconfig?: { levels: string[]; start: string; stop: string };
}

const UNIT_DIRS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/** The LSB header and the chkconfig line of an init script. */
export function parseInitHeader(text: string): InitHeader {
  const field = (name: string) => new RegExp(`^#\\s*${name}:[ \\t]*(.*)$`, 'mi').exec(text)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
  const header: InitHeader = { defaultStart: field('Default-Start'), defaultStop: field('Default-Stop') };
  const ck = /^#\s*chkconfig:\s*(-|\d+)\s+(\d+)\s+(\d+)\s*$/m.exec(text);
  if (ck) header.chkconfig = { levels: ck[1] === '-' ? [] : [...(ck[1] as string)], start: (ck[2] as string).padStart(2, '0'), stop: (ck[3] as string).padStart(2, '0') };
  return header;
}

export type SysvTool = 'update-rc.d' | 'chkconfig';

/** The links `tool` makes to enable NAME: [link path, target]. */
export function sysvLinks(name: string, header: InitHeader, tool: SysvTool): [string, string][] {
  const link = (level: string, kind: 'S' | 'K', n: string): [string, string] => [`/etc/rc${level}.d/${kind}${n}${name}`, `../init.d/${name}`];
  if (tool === 'chkconfig' && header.chkconfig) {
    const ck = header.chkconfig;
    return ['0', '1', '2', '3', '4', '5', '6'].map((l) => (ck.levels.includes(l) ? link(l, 'S', ck.start) : link(l, 'K', ck.stop)));
  }
  return [...header.defaultStart.map((l) => link(l, 'S', '01')), ...header.defaultStop.map((l) => link(l, 'K', '01'))];
}

/** The image's own tool for SysV links, found in the image (not on the machine running ovs). */
export async function imageSysvTool(ctx: Context): Promise<SysvTool | undefined> {
  for (const [tool, dirs] of [['update-rc.d', ['/usr/sbin', '/sbin']], ['chkconfig', ['/sbin', '/usr/sbin']]] as const) {
    for (const d of dirs) if (await exists(ctx.fs, `${d}/${tool}`)) return tool;
  }
  return undefined;
}

/** A systemd image with a unit for NAME: it is enabled with systemctl --root. */
export async function imageUnit(ctx: Context, name: string): Promise<string | undefined> {
  if (!(await exists(ctx.fs, '/etc/systemd/system'))) return undefined;
  for (const dir of UNIT_DIRS) if (await exists(ctx.fs, `${dir}/${name}.service`)) return `${dir}/${name}.service`;
  return undefined;
}

/** Enabled in a systemd image: a `*.wants/NAME.service` link under /etc/systemd/system. */
export async function imageUnitEnabled(ctx: Context, name: string): Promise<boolean> {
  const dirs = await ctx.fs.readdir('/etc/systemd/system').catch(() => [] as string[]);
  for (const d of dirs.filter((e) => e.endsWith('.wants'))) if (await exists(ctx.fs, `/etc/systemd/system/${d}/${name}.service`)) return true;
  return false;
}

/** Any rc link for NAME at all (update-rc.d then leaves the service as the administrator set it). */
async function anyRcLink(ctx: Context, name: string): Promise<boolean> {
  for (const level of ['0', '1', '2', '3', '4', '5', '6', 'S']) {
    const entries = await ctx.fs.readdir(`/etc/rc${level}.d`).catch(() => [] as string[]);
    if (entries.some((e) => /^[SK]\d\d/.test(e) && e.slice(3) === name)) return true;
  }
  return false;
}

export interface OfflineEnable {
  changed: boolean;
  argv?: string[];
  links?: string[];
  /** Why nothing was done. */
  skipped?: string;
}

/** Make the SysV links the image's tool would make; nothing when it would make none. */
export async function linkAtBoot(ctx: Context, name: string): Promise<OfflineEnable> {
  const tool = await imageSysvTool(ctx);
  if (!tool) return { changed: false, skipped: 'the image has neither update-rc.d nor chkconfig' };
  const script = await readOptional(ctx.fs, `/etc/init.d/${name}`);
  if (script === undefined) return { changed: false, skipped: `the image has no /etc/init.d/${name}` };
  if (await anyRcLink(ctx, name)) return { changed: false, skipped: `the image's rc links leave ${name} disabled at boot (${tool} keeps them): enable it there by hand` };
  const links = sysvLinks(name, parseInitHeader(script), tool);
  if (links.length === 0) return { changed: false, skipped: `/etc/init.d/${name} names no runlevels (no Default-Start${tool === 'chkconfig' ? ' and no chkconfig line' : ''})` };
  for (const [path, target] of links) {
    await ctx.changes.mkdir(posix.dirname(path));
    await ctx.changes.symlink(target, path);
  }
  return { changed: true, links: links.map(([p]) => p) };
}
