/**
 * One service, through whichever init system the machine runs: systemd when it is the
 * running init (`/run/systemd/system` exists, as sd_booted(3) tests), SysV otherwise
 * (`service NAME verb`, which runs `/etc/init.d/NAME`). Status is a read-only probe with
 * LSB meanings (0 running, 3 stopped); start, stop, restart and enable are changes, made
 * through ctx.changes with `{ service }` so dry-run plans and the journal show them in order.
 */
import type { Context } from '../command.js';
import { exists } from '../files.js';
import { saidBy } from '../program-output.js';
import type { PlannedBecause, PlannedResult } from '../changes.js';
import { imageUnit, imageUnitEnabled, linkAtBoot } from './boot-links.js';
import { o2cbState } from './o2cb-state.js';

export type InitSystem = 'systemd' | 'sysv';
export type ServiceAction = 'start' | 'stop' | 'restart' | 'enable';
export type ServiceState = 'running' | 'stopped' | 'not-installed' | 'unknown';

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  /** The status probe's exit code (absent when nothing was probed). */
  exitCode?: number;
  /** What the status probe printed, trimmed (stdout, else stderr). */
  output?: string;
  /** Why a service whose probe answered "running" is not (o2cb with its cluster offline). */
  reason?: string;
}

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
/** Runlevels a pool server boots into: 2 on Debian, 3 or 5 on RHEL/Oracle VM. */
const BOOT_RUNLEVELS = ['2', '3', '5'];

export async function initSystem(ctx: Context): Promise<InitSystem> {
  return (await exists(ctx.fs, '/run/systemd/system')) ? 'systemd' : 'sysv';
}

/**
 * SysV: the init script exists. systemd: a unit file, or an init script (systemd runs
 * those through its sysv generator; ocfs2-tools ships no o2cb.service).
 */
export async function serviceInstalled(ctx: Context, name: string, init?: InitSystem): Promise<boolean> {
  if (await exists(ctx.fs, `/etc/init.d/${name}`)) return true;
  // An image is not running any init: a unit installed in it counts (it is what boots).
  if (!ctx.offline && (init ?? (await initSystem(ctx))) === 'sysv') return false;
  for (const dir of UNIT_DIRS) if (await exists(ctx.fs, `${dir}/${name}.service`)) return true;
  return false;
}

/** The argument vector for a verb on a service. */
export function serviceArgv(init: InitSystem, name: string, verb: string): string[] {
  return init === 'systemd' ? ['systemctl', verb, name] : ['service', name, verb];
}

/**
 * LSB: 0 running, 3 not running. 1 and 2 ("dead, pid/lock file left") are not trusted
 * either way: the ocfs2 script answers 1 whenever no OCFS2 volume is in /etc/fstab.
 */
function stateOf(code: number): ServiceState {
  if (code === 0) return 'running';
  if (code === 3) return 'stopped';
  return 'unknown';
}

/**
 * LSB status, probed for real (even in a dry run). Under --root there is no live machine to
 * ask: the state is `unknown` unless the service is not installed in the image.
 */
export async function serviceStatus(ctx: Context, name: string, init?: InitSystem): Promise<ServiceStatus> {
  const system = init ?? (await initSystem(ctx));
  if (!(await serviceInstalled(ctx, name, system))) return { name, state: 'not-installed' };
  if (ctx.offline) return { name, state: 'unknown' };
  const verb = system === 'systemd' ? 'is-active' : 'status';
  const r = await ctx.probe(serviceArgv(system, name, verb));
  const output = (r.stdout.trim() || r.stderr.trim()).slice(0, 2000);
  const state = r.notFound ? 'unknown' : stateOf(r.exitCode);
  const status: ServiceStatus = { name, state, exitCode: r.exitCode, ...(output ? { output } : {}) };
  if (name !== 'o2cb' || state !== 'running') return status;
  // o2cb's status exits 0 even when its cluster is offline: one rule decides (o2cb-state.ts).
  const o2cb = await o2cbState(ctx, `${r.stdout}\n${r.stderr}`);
  return o2cb.online ? status : { ...status, state: 'stopped', ...(o2cb.reason ? { reason: o2cb.reason } : {}) };
}

async function act(ctx: Context, name: string, action: Exclude<ServiceAction, 'enable'>, init?: InitSystem): Promise<PlannedResult> {
  const system = init ?? (await initSystem(ctx));
  return ctx.changes.run(serviceArgv(system, name, action), { service: { name, action } });
}

export const startService = (ctx: Context, name: string, init?: InitSystem) => act(ctx, name, 'start', init);
export const stopService = (ctx: Context, name: string, init?: InitSystem) => act(ctx, name, 'stop', init);
export const restartService = (ctx: Context, name: string, init?: InitSystem) => act(ctx, name, 'restart', init);

/**
 * Started at boot? systemd: `systemctl is-enabled` (live only). SysV, and under --root: an
 * `S??NAME` link in a boot runlevel directory, which is also what systemd's sysv generator reads.
 */
export async function serviceEnabled(ctx: Context, name: string, init?: InitSystem): Promise<boolean> {
  const system = init ?? (await initSystem(ctx));
  if (system === 'systemd' && !ctx.offline) return (await ctx.probe(['systemctl', 'is-enabled', name])).exitCode === 0;
  if (ctx.offline && (await imageUnit(ctx, name))) return imageUnitEnabled(ctx, name);
  for (const level of BOOT_RUNLEVELS) {
    const dir = `/etc/rc${level}.d`;
    const entries = await ctx.fs.readdir(dir).catch(() => [] as string[]);
    if (entries.some((e) => /^S\d\d/.test(e) && e.slice(3) === name)) return true;
  }
  return false;
}

export interface EnableResult {
  /** false when it was already enabled (nothing run). */
  changed: boolean;
  argv?: string[];
  result?: PlannedResult;
  /** Why nothing could be run (no tool to enable SysV services with). */
  skipped?: string;
  /** Enabled in the plan only, and why (the program's result, or links made in a dry run). */
  planned?: PlannedBecause;
}

/**
 * A failed enable in the one wording of a failed program (program-output.ts), for a warning or
 * a note: enabling at boot is never fatal. Undefined when the enable did not fail.
 */
export function enableFailure(en: EnableResult): string | undefined {
  if (!en.result || en.result.planned || en.result.exitCode === 0) return undefined;
  const said = saidBy(en.result);
  return `${(en.argv ?? []).join(' ')} failed (exit ${en.result.exitCode})${said ? `: ${said}` : ''}`;
}

/** The tool that links a SysV script into the boot runlevels on this system. */
async function sysvEnableArgv(ctx: Context, name: string): Promise<string[] | undefined> {
  if (await ctx.host.which('update-rc.d')) return ['update-rc.d', name, 'defaults']; // Debian
  if (await ctx.host.which('chkconfig')) return ['chkconfig', name, 'on']; // RHEL, Oracle VM
  return undefined;
}


/**
 * Under --root, enabled in the image itself (boot-links.ts): systemctl --root for a unit,
 * run on this machine (it changes only files of the image), else the image's SysV links.
 */
async function enableInImage(ctx: Context, name: string): Promise<EnableResult> {
  if (await imageUnit(ctx, name)) {
    if (!(await ctx.host.which('systemctl'))) return { changed: false, skipped: 'systemctl is not installed on this machine (it enables units in an image with --root)' };
    const argv = ['systemctl', `--root=${await ctx.hostPath('/')}`, 'enable', name];
    return ranToEnable(argv, await ctx.changes.run(argv, { live: false, service: { name, action: 'enable' } }));
  }
  const linked = await linkAtBoot(ctx, name);
  const planned = linked.changed ? ctx.changes.planning : undefined;
  return { changed: linked.changed, ...(linked.skipped ? { skipped: linked.skipped } : {}), ...(planned ? { planned } : {}) };
}

/** Start the service at boot (idempotent: nothing is run when it already is). */
export async function enableService(ctx: Context, name: string, init?: InitSystem): Promise<EnableResult> {
  const system = init ?? (await initSystem(ctx));
  if (await serviceEnabled(ctx, name, system)) return { changed: false };
  if (ctx.offline) return enableInImage(ctx, name);
  const argv = system === 'systemd' ? ['systemctl', 'enable', name] : await sysvEnableArgv(ctx, name);
  if (!argv) return { changed: false, skipped: 'neither update-rc.d nor chkconfig is installed' };
  return ranToEnable(argv, await ctx.changes.run(argv, { service: { name, action: 'enable' } }));
}

const ranToEnable = (argv: string[], result: PlannedResult): EnableResult => ({ changed: true, argv, result, ...(result.planned ? { planned: result.planned } : {}) });
