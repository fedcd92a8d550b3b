/**
 * The cluster services in the guide's strict order: "When starting the services ... o2cb,
 * ocfs2, ovsrepositories, ovs-agent. When stopping the services, the sequence should be
 * the opposite". Each start is checked through the service's LSB status before the next
 * one; the first failure stops the sequence and the error says what is up and what is not.
 */
import type { PlannedBecause } from '../changes.js';
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { lastLine, saidBy } from '../program-output.js';
import { o2cbProblemAfterStart } from './o2cb-check.js';
import {
  initSystem,
  serviceInstalled,
  serviceStatus,
  startService,
  stopService,
  type InitSystem,
  type ServiceState,
} from './manager.js';

export const SERVICE_ORDER = ['o2cb', 'ocfs2', 'ovsrepositories', 'ovs-agent'] as const;
export type ServiceName = (typeof SERVICE_ORDER)[number];

export type StepOutcome = 'started' | 'already running' | 'stopped' | 'not-installed' | 'planned' | 'skipped (offline)';

export interface ServiceStep {
  name: string;
  action: 'start' | 'stop';
  outcome: StepOutcome;
  /** LSB state after a start (live runs only). */
  state?: ServiceState;
  /** A remark worth the operator's attention (odd status code, disabled o2cb ...). */
  note?: string;
}

export interface SequenceOptions {
  /** A service that is not installed is an error instead of being skipped. */
  strict: boolean;
  /** The services, in start order (default SERVICE_ORDER). */
  services?: readonly string[];
  /**
   * Start only what its status does not report running (`ovs services start`): a repeat run
   * then changes nothing and says so (--json changed: false), as Ansible expects. o2cb counts
   * as running only with its cluster online (o2cb-state.ts); an unknown state is started.
   */
  skipRunning?: boolean;
}

/** --strict: every service must be installed, checked before anything is started or stopped. */
export async function requireInstalled(ctx: Context, names: readonly string[], init: InitSystem): Promise<void> {
  const missing: string[] = [];
  for (const name of names) if (!(await serviceInstalled(ctx, name, init))) missing.push(name);
  if (missing.length === 0) return;
  const where = init === 'systemd' ? 'no unit file or /etc/init.d script' : `no /etc/init.d/${missing[0]}`;
  throw new OvsError(EXIT.UNAVAILABLE, `service${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not installed (${where})`, {
    while: 'checking the cluster services (--strict)',
    hint: 'install the missing package (ocfs2-tools for o2cb and ocfs2, ovs for ovsrepositories, ovs-agent), or drop --strict to skip it',
  });
}



function failure(name: string, what: string, done: ServiceStep[], pending: string[], action: 'start' | 'stop', hint: string): OvsError {
  const up = done.filter((s) => s.outcome === 'started' || s.outcome === 'already running').map((s) => s.name);
  const stopped = done.filter((s) => s.outcome === 'stopped').map((s) => s.name);
  const summary =
    action === 'start'
      ? `running: ${up.join(', ') || 'none'}; not started: ${pending.join(', ') || 'none'}`
      : `stopped: ${stopped.join(', ') || 'none'}; still up: ${[name, ...pending].join(', ')}`;
  return new OvsError(EXIT.UNAVAILABLE, `${name} ${what} (${summary})`, { while: `${action === 'start' ? 'starting' : 'stopping'} the cluster services in order`, hint });
}

const outcomeOfPlanned = (r: { planned?: PlannedBecause }): StepOutcome => (r.planned === 'offline' ? 'skipped (offline)' : 'planned');

/** Checks a started service through its LSB status; returns a note, or throws on "stopped". */
async function checkStarted(ctx: Context, name: string, init: InitSystem, step: ServiceStep, done: ServiceStep[], pending: string[]): Promise<void> {
  const st = await serviceStatus(ctx, name, init);
  step.state = st.state;
  // A disabled o2cb "starts" by doing nothing: a note, not a failure (o2cb-check.ts).
  if (name === 'o2cb' && st.reason) return checkO2cb(ctx, step, done, pending);
  if (st.state === 'stopped') {
    throw failure(name, `was started but its status says it is not running (status exit ${st.exitCode}${st.output ? `: ${lastLine(st.output)}` : ''})`, done, pending, 'start', `look at ${name}'s log and \`service ${name} status\`, fix it, then run \`ovs services start\` again`);
  }
  if (st.state === 'unknown') step.note = `status answered exit ${st.exitCode ?? '?'}, neither running (0) nor stopped (3); its start succeeded`;
  if (name === 'o2cb') await checkO2cb(ctx, step, done, pending);
}

async function checkO2cb(ctx: Context, step: ServiceStep, done: ServiceStep[], pending: string[]): Promise<void> {
  const o2cb = await o2cbProblemAfterStart(ctx);
  if (o2cb?.fatal) throw failure('o2cb', o2cb.message, done, pending, 'start', o2cb.hint);
  if (o2cb) step.note = o2cb.message;
}

/** The services asked for (in start order) and the init system; --strict refuses a missing one before anything runs. */
async function servicesOf(ctx: Context, opts: SequenceOptions): Promise<{ names: string[]; init: InitSystem }> {
  const names = [...(opts.services ?? SERVICE_ORDER)];
  const init = await initSystem(ctx);
  if (opts.strict) await requireInstalled(ctx, names, init);
  return { names, init };
}

/** A service that is not installed is skipped with a warning, and recorded so; true when it was. */
async function skippedMissing(ctx: Context, name: string, init: InitSystem, action: ServiceStep['action'], done: ServiceStep[]): Promise<boolean> {
  if (await serviceInstalled(ctx, name, init)) return false;
  ctx.report.warn(`${name} is not installed: skipped`);
  done.push({ name, action, outcome: 'not-installed' });
  return true;
}

/** Start every service in order; throws at the first failure (exit 69). */
export async function startInOrder(ctx: Context, opts: SequenceOptions): Promise<ServiceStep[]> {
  const { names, init } = await servicesOf(ctx, opts);
  const done: ServiceStep[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const pending = names.slice(i + 1);
    if (await skippedMissing(ctx, name, init, 'start', done)) continue;
    if (opts.skipRunning && !ctx.offline && (await serviceStatus(ctx, name, init)).state === 'running') {
      done.push({ name, action: 'start', outcome: 'already running', state: 'running' });
      continue;
    }
    ctx.report.step(`starting ${name}`);
    const r = await startService(ctx, name, init);
    const step: ServiceStep = { name, action: 'start', outcome: r.planned ? outcomeOfPlanned(r) : 'started' };
    if (!r.planned && r.exitCode !== 0) {
      const why = saidBy(r);
      throw failure(name, `failed to start (exit ${r.exitCode}${why ? `: ${why}` : ''})`, done, pending, 'start', startHint(name, `${r.stdout}\n${r.stderr}`));
    }
    if (!r.planned) await checkStarted(ctx, name, init, step, done, pending);
    done.push(step);
  }
  return done;
}

function startHint(name: string, output: string): string {
  if (name === 'o2cb' && /configfs|ocfs2_nodemanager|Unable to load/i.test(output)) {
    return 'the kernel cannot load configfs and the O2CB modules (modprobe configfs ocfs2_nodemanager ocfs2_dlmfs); on an Oracle VM Server kernel they are built in';
  }
  return `see the output of \`service ${name} start\` above the summary, fix it, then run \`ovs services start\` again`;
}

/** Stop every service in reverse order; throws at the first failure (exit 69). */
export async function stopInReverse(ctx: Context, opts: SequenceOptions): Promise<ServiceStep[]> {
  const { names: order, init } = await servicesOf(ctx, opts);
  const names = order.reverse();
  const done: ServiceStep[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (await skippedMissing(ctx, name, init, 'stop', done)) continue;
    ctx.report.step(`stopping ${name}`);
    const r = await stopService(ctx, name, init);
    if (!r.planned && r.exitCode !== 0) {
      const why = saidBy(r);
      const hint = `find what still uses ${name} (mounted OCFS2 volumes: \`umount -a -t ocfs2\`; a stuck heartbeat: --kill-heartbeat DEVICE), then run \`ovs services stop\` again`;
      throw failure(name, `failed to stop (exit ${r.exitCode}${why ? `: ${why}` : ''})`, done, names.slice(i + 1), 'stop', hint);
    }
    done.push({ name, action: 'stop', outcome: r.planned ? outcomeOfPlanned(r) : 'stopped' });
  }
  return done;
}

export interface ServiceReport {
  name: string;
  state: ServiceState;
  exitCode?: number;
  /** Why a service whose status probe said running is not (o2cb with its cluster offline). */
  reason?: string;
}

/** Every service's state, in start order (probes only). */
export async function statusInOrder(ctx: Context, opts: SequenceOptions): Promise<ServiceReport[]> {
  const { names, init } = await servicesOf(ctx, opts);
  const out: ServiceReport[] = [];
  for (const name of names) {
    const st = await serviceStatus(ctx, name, init);
    out.push({ name, state: st.state, ...(st.exitCode !== undefined ? { exitCode: st.exitCode } : {}), ...(st.reason ? { reason: st.reason } : {}) });
  }
  return out;
}
