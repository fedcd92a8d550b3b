/**
 * The O2CB settings (/etc/sysconfig/o2cb or /etc/default/o2cb) and the o2cb service: loaded
 * at boot, starting the cluster cluster.conf defines, with sane timeouts that the running
 * cluster actually uses (a pool whose members heartbeat with different dead thresholds
 * fences itself: "Node N has a dead count of A ms, but our count is B ms"), and, on a live
 * server, the cluster online. Comparing the values across pool members is --all-nodes'.
 */
import type { Context } from '../command.js';
import { CONFIGFS, configfsPresent, o2cbRegisteredNodes } from '../cluster/o2cb.js';
import { readOptional } from '../files.js';
import { O2CB_DEFAULTS, effectiveO2cbSettings, validateO2cbSettings, type O2cbKey } from '../formats/o2cb-settings.js';
import { serviceStatus } from '../services/manager.js';
import { fail, pass, skip, skipOffline, type CheckResult } from './check.js';
import { where, type Facts } from './facts.js';
import { shown } from '../errors.js';

/** The line that sets KEY (the last one: the shell that sources the file keeps the last). */
export function lineOfKey(text: string | undefined, key: string): number | undefined {
  const lines = (text ?? '').split('\n');
  const assigns = new RegExp(`^[ \\t]*(export[ \\t]+)?${key}=`);
  for (let i = lines.length - 1; i >= 0; i--) if (assigns.test(lines[i] ?? '')) return i + 1;
  return undefined;
}

function setKey(f: Facts, key: O2cbKey, value: string): string {
  const line = lineOfKey(f.o2cb.text, key);
  return line === undefined ? `add ${key}=${value} to ${f.o2cb.path}` : `set ${key}=${value} in ${where(f.o2cb.path, line)}`;
}

export function checkSettings(f: Facts): CheckResult {
  const id = 'o2cb.settings';
  if (f.o2cb.missing) return fail(id, `${f.o2cb.path} is missing`, 'ovs cluster-configure (writes it with the pool settings)');
  const values = f.o2cb.value ?? {};
  const [first, ...rest] = validateO2cbSettings(values);
  if (first) {
    const more = rest.length ? ` (and ${rest.length} more)` : '';
    return fail(id, `${f.o2cb.path}: ${first.message}${more}`, setKey(f, first.key, O2CB_DEFAULTS[first.key]));
  }
  const stack = effectiveO2cbSettings(values).O2CB_STACK;
  if (stack !== 'o2cb') return fail(id, `O2CB_STACK=${stack}: Oracle VM pools use the o2cb stack (disk heartbeat)`, setKey(f, 'O2CB_STACK', 'o2cb'));
  return pass(id, `${f.o2cb.path} is valid`);
}

export function checkEnabled(f: Facts): CheckResult {
  const id = 'o2cb.enabled';
  if (f.o2cb.missing) return skip(id, 'skipped: no O2CB settings file (see o2cb.settings)');
  const enabled = effectiveO2cbSettings(f.o2cb.value ?? {}).O2CB_ENABLED;
  if (enabled !== 'true') return fail(id, `O2CB_ENABLED=${enabled}: the O2CB driver is not loaded at boot, so no cluster starts`, setKey(f, 'O2CB_ENABLED', 'true'));
  return pass(id, 'O2CB_ENABLED=true: the driver loads at boot');
}

export function checkBootCluster(f: Facts): CheckResult {
  const id = 'o2cb.boot-cluster';
  if (f.o2cb.missing) return skip(id, 'skipped: no O2CB settings file (see o2cb.settings)');
  const clusters = f.clusterConf.value?.clusters ?? [];
  if (!f.cluster) {
    // cluster.conf is fine, O2CB_BOOTCLUSTER starts none of its clusters (cluster/boot-cluster.ts).
    const [only, ...others] = clusters;
    if (!only || !f.clusterProblem) return skip(id, 'skipped: no usable cluster in cluster.conf (see cluster-conf.valid)');
    const names = clusters.map((c) => c.name).join(', ');
    return fail(id, f.clusterProblem, others.length === 0 ? setKey(f, 'O2CB_BOOTCLUSTER', only.name) : `set O2CB_BOOTCLUSTER in ${f.o2cb.path} to the pool's cluster, one of: ${names}`);
  }
  const boot = effectiveO2cbSettings(f.o2cb.value ?? {}).O2CB_BOOTCLUSTER;
  if (boot !== f.cluster.name) {
    return fail(id, `O2CB_BOOTCLUSTER=${boot} but cluster.conf defines '${shown(f.cluster.name)}': that cluster is not started at boot`, setKey(f, 'O2CB_BOOTCLUSTER', f.cluster.name));
  }
  return pass(id, `O2CB_BOOTCLUSTER=${boot}, the cluster of cluster.conf`);
}

/** configfs file of the running cluster for each timeout (what /etc/init.d/o2cb writes at online). */
const RUNNING: [O2cbKey, string][] = [
  ['O2CB_HEARTBEAT_THRESHOLD', 'heartbeat/dead_threshold'],
  ['O2CB_IDLE_TIMEOUT_MS', 'idle_timeout_ms'],
  ['O2CB_KEEPALIVE_DELAY_MS', 'keepalive_delay_ms'],
  ['O2CB_RECONNECT_DELAY_MS', 'reconnect_delay_ms'],
];

/** The running cluster's values that differ from the file's; `compared` is false when none could be read (not online). */
async function runningDifferences(ctx: Context, cluster: string, values: Record<O2cbKey, string>): Promise<{ compared: boolean; differences: string[] }> {
  const differences: string[] = [];
  let compared = false;
  for (const [key, file] of RUNNING) {
    const running = (await readOptional(ctx.fs, `${CONFIGFS}/cluster/${cluster}/${file}`))?.trim();
    if (running === undefined || running === '') continue;
    compared = true;
    if (running !== values[key]) differences.push(`${key} is ${values[key]} in the file but ${running} in the running cluster`);
  }
  return { compared, differences };
}

export async function checkTimeouts(ctx: Context, f: Facts): Promise<CheckResult> {
  const id = 'o2cb.timeouts';
  if (f.o2cb.missing || validateO2cbSettings(f.o2cb.value ?? {}).length > 0) return skip(id, 'skipped: see o2cb.settings');
  const v = effectiveO2cbSettings(f.o2cb.value ?? {});
  const summary = `threshold ${v.O2CB_HEARTBEAT_THRESHOLD} (${(Number(v.O2CB_HEARTBEAT_THRESHOLD) - 1) * 2} s), idle ${v.O2CB_IDLE_TIMEOUT_MS} ms, keepalive ${v.O2CB_KEEPALIVE_DELAY_MS} ms, reconnect ${v.O2CB_RECONNECT_DELAY_MS} ms`;
  // The kernel refuses an idle timeout that is not above the keepalive delay (o2net).
  if (Number(v.O2CB_IDLE_TIMEOUT_MS) <= Number(v.O2CB_KEEPALIVE_DELAY_MS)) {
    return fail(id, `O2CB_IDLE_TIMEOUT_MS=${v.O2CB_IDLE_TIMEOUT_MS} is not above O2CB_KEEPALIVE_DELAY_MS=${v.O2CB_KEEPALIVE_DELAY_MS}`, setKey(f, 'O2CB_IDLE_TIMEOUT_MS', O2CB_DEFAULTS.O2CB_IDLE_TIMEOUT_MS));
  }
  if (ctx.offline || !f.cluster || !(await configfsPresent(ctx))) return pass(id, summary);
  const { compared, differences } = await runningDifferences(ctx, f.cluster.name, v);
  const [first, ...rest] = differences;
  if (first) {
    const more = rest.length ? ` (and ${rest.length} more)` : '';
    return fail(id, `${first}${more}: the pool's members may disagree on when a node is dead`, "make the file hold the pool's values (the same on every server), then restart o2cb on this server: ovs services restart");
  }
  return pass(id, compared ? `${summary}; the running cluster uses the same` : summary);
}

export async function checkRunning(ctx: Context, f: Facts): Promise<CheckResult> {
  const id = 'o2cb.running';
  if (ctx.offline) return skipOffline(id, 'whether the O2CB cluster is online');
  const status = await serviceStatus(ctx, 'o2cb');
  if (status.state === 'not-installed') return fail(id, 'the o2cb service is not installed', 'install ocfs2-tools (it provides /etc/init.d/o2cb)');
  if (!f.cluster) return skip(id, 'skipped: no usable cluster in cluster.conf (see cluster-conf.valid)');
  const local = (await o2cbRegisteredNodes(ctx, f.cluster.name)).find((n) => n.local);
  if (local) return pass(id, `the O2CB cluster '${shown(f.cluster.name)}' is online (this host is node ${local.number ?? local.name})`);
  // The same answer `ovs services status` gives (services/o2cb-state.ts): never "running"
  // beside "not online". Running here means online with another cluster than cluster.conf's.
  const state = status.reason ?? (status.state === 'running' ? "o2cb runs another cluster: see o2cb.boot-cluster" : `o2cb is ${status.state}`);
  return fail(id, `the O2CB cluster '${shown(f.cluster.name)}' is not online (${state})`, 'ovs services start (o2cb, ocfs2, ovsrepositories, ovs-agent, in that order)');
}

export async function o2cbChecks(ctx: Context, f: Facts): Promise<CheckResult[]> {
  return [checkSettings(f), checkEnabled(f), checkBootCluster(f), await checkTimeouts(ctx, f), await checkRunning(ctx, f)];
}
