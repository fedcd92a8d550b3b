/**
 * `ovs services start|stop|restart|status`: the guide's troubleshooting sequence — "the
 * sequence of the services should be strictly followed": o2cb, ocfs2, ovsrepositories,
 * ovs-agent to start, the opposite to stop — with each start checked before the next, and
 * `--kill-heartbeat DEVICE` for its "if at any point of time you get heartbeat error"
 * step (`ocfs2_hb_ctl -K -d DEVICE`) run first.
 */
import { Argument, type Command } from 'commander';
import { defineCommand, type Context } from '../lib/command.js';
import { EXIT, OvsError, shown } from '../lib/errors.js';
import { exists } from '../lib/files.js';
import { failureOf, firstMeaningfulLine } from '../lib/program-output.js';
import { requirePrograms } from '../lib/programs.js';
import {
  initSystem,
  requireInstalled,
  SERVICE_ORDER,
  startInOrder,
  statusInOrder,
  stopInReverse,
  type InitSystem,
  type ServiceReport,
  type ServiceStep,
} from '../lib/services/index.js';
import { installRepositoriesService, type InstallResult } from '../lib/services/install.js';

/** The heartbeat user OCFS2 mounts register as (OCFS2_FS_NAME in mount.ocfs2). */
const HB_SERVICE = 'ocfs2';

const ACTIONS = ['start', 'stop', 'restart', 'status', 'install'] as const;
type Action = (typeof ACTIONS)[number];

interface Options {
  action: Action;
  strict: boolean;
  killHeartbeat?: string;
}

export interface ServicesResult {
  action: Action;
  init: InitSystem;
  /** The heartbeat device `ocfs2_hb_ctl -K` was run on. */
  killedHeartbeat?: string;
  /** start/stop/restart: what was done, in order. */
  steps: ServiceStep[];
  /** status: each service's state, in start order. */
  services: ServiceReport[];
  /** install: the ovsrepositories service put in place. */
  install?: InstallResult;
}

function define(cmd: Command): void {
  cmd
    .addArgument(new Argument('<action>', 'what to do with the services').choices(ACTIONS))
    .option('--strict', 'a service that is not installed is an error (default: reported and skipped)')
    .option('--kill-heartbeat <device>', 'first run `ocfs2_hb_ctl -K -d DEVICE ocfs2` (the guide\'s step for a heartbeat error)');
}

function options(args: string[], flags: Record<string, unknown>): Options {
  const action = args[0] as Action; // one of ACTIONS: commander refuses any other word
  const device = flags.killHeartbeat as string | undefined;
  if (device !== undefined) {
    if (action === 'status' || action === 'install') throw new OvsError(EXIT.USAGE, `--kill-heartbeat goes with start, stop or restart, not ${action}`, { while: 'reading the options' });
    if (!device.startsWith('/')) {
      throw new OvsError(EXIT.DATAERR, `--kill-heartbeat '${shown(device)}' is not a device path`, { while: 'reading --kill-heartbeat', hint: 'give the heartbeat device, e.g. --kill-heartbeat /dev/sdb1' });
    }
  }
  return { action, strict: Boolean(flags.strict), ...(device !== undefined ? { killHeartbeat: device } : {}) };
}

/** Checked before anything changes: the device exists and ocfs2_hb_ctl is installed. */
async function checkKillHeartbeat(ctx: Context, device: string): Promise<void> {
  const doing = `preparing to stop the heartbeat on ${device}`;
  if (!(await exists(ctx.fs, device))) throw new OvsError(EXIT.NOINPUT, `${device}: no such device`, { while: doing, hint: 'give the OCFS2 device the heartbeat runs on (the cluster root), e.g. /dev/sdb1' });
  if (!ctx.offline) await requirePrograms(ctx, ['ocfs2_hb_ctl'], doing);
}

async function killHeartbeat(ctx: Context, device: string): Promise<void> {
  ctx.report.step(`stopping the heartbeat on ${device}`);
  // ocfs2-tools 1.8 wants the heartbeat's user after the device (usage: `-K -d <device>
  // <service>`; without it, it prints its usage and exits 1): mount.ocfs2 registers as "ocfs2".
  const r = await ctx.changes.run(['ocfs2_hb_ctl', '-K', '-d', await ctx.hostPath(device), HB_SERVICE]);
  if (r.planned || r.exitCode === 0) return;
  throw failureOf(r, {
    program: `ocfs2_hb_ctl -K -d ${device} ${HB_SERVICE}`,
    doing: `stopping the heartbeat on ${device}`,
    hint: 'nothing else was done; check the device and `ocfs2_hb_ctl -I -d DEVICE`, then try again',
    said: firstMeaningfulLine(`${r.stderr}\n${r.stdout}`),
  });
}

async function run(ctx: Context, o: Options): Promise<ServicesResult> {
  const init = await initSystem(ctx);
  const seq = { strict: o.strict };
  const result: ServicesResult = { action: o.action, init, steps: [], services: [] };
  if (o.action === 'status') return { ...result, services: await statusInOrder(ctx, seq) };
  if (o.action === 'install') return { ...result, install: await installRepositoriesService(ctx) };
  if (o.strict) await requireInstalled(ctx, SERVICE_ORDER, init);
  if (o.killHeartbeat) {
    await checkKillHeartbeat(ctx, o.killHeartbeat);
    await killHeartbeat(ctx, o.killHeartbeat);
    result.killedHeartbeat = o.killHeartbeat;
  }
  if (o.action === 'stop' || o.action === 'restart') result.steps.push(...(await stopInReverse(ctx, seq)));
  if (o.action === 'start' || o.action === 'restart') result.steps.push(...(await startInOrder(ctx, { ...seq, skipRunning: o.action === 'start' })));
  return result;
}

const pad = (s: string) => s.padEnd(16);

function human(r: ServicesResult): string[] {
  if (r.install) {
    const i = r.install;
    return [...i.installed.map((f) => `${pad(f.changed ? 'installed' : 'unchanged')}${f.path}`), `${pad('at boot')}${i.enabled}${i.note ? ` (${i.note})` : ''}`];
  }
  if (r.action === 'status') {
    return r.services.map((s) => `${pad(s.name)}${s.state}${s.reason ? ` (${s.reason})` : s.state === 'unknown' && s.exitCode !== undefined ? ` (status exit ${s.exitCode})` : ''}`);
  }
  const lines = r.killedHeartbeat ? [`${pad('heartbeat')}killed on ${r.killedHeartbeat}`] : [];
  for (const s of r.steps) lines.push(`${pad(s.name)}${s.outcome === 'planned' || s.outcome === 'skipped (offline)' ? `${s.action}: ${s.outcome}` : s.outcome}${s.note ? ` (${s.note})` : ''}`);
  return lines;
}

export default defineCommand<Options, ServicesResult>({
  name: 'services',
  summary: 'Start, stop or show the cluster services in the guide\'s order (o2cb, ocfs2, ovsrepositories, ovs-agent); install ovsrepositories',
  // No lock but for install: start/stop change no file themselves, and the ovsrepositories
  // service they start runs `ovs repositories start`, which takes the lock; held here, that
  // nested run would wait for us while we wait for it.
  lock: (o) => o.action === 'install',
  define,
  options,
  run,
  human,
  // As LSB status and systemctl: 3 when an installed service is not running. `unknown`
  // (an odd status code, or --root where nothing runs) is not counted as down.
  exitCode: (r) => (r.action === 'status' && r.services.some((s) => s.state === 'stopped') ? EXIT.NOT_RUNNING : EXIT.OK),
});
