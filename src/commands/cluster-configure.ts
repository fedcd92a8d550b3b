/**
 * `ovs cluster-configure`: the guide's `/usr/lib/ovs/ovs-cluster-configure` — "generates
 * the /etc/ocfs2/cluster.conf file if it does not already exist, and configures and starts
 * the o2cb service" — made scriptable: the node list, the cluster name, the port and the
 * O2CB timeouts as options, and `--import FILE|-` for the bundle propagation sends.
 */
import type { Command, Option } from 'commander';
import { applyConfiguration, type ApplyResult, type WrittenPaths } from '../lib/cluster/apply.js';
import { planConfiguration, type ConfigureOptions, type ConfigurePlan } from '../lib/cluster/configure.js';
import { importBundle, type ImportResult } from '../lib/cluster/import.js';
import { parseNodeArgs } from '../lib/cluster/node-spec.js';
import { parseTimeout, type TimeoutKey, type TimeoutOptions } from '../lib/cluster/settings.js';
import { collect, defineCommand } from '../lib/command.js';
import { EXIT, OvsError, shown } from '../lib/errors.js';
import { isClusterName, isNodeName } from '../lib/formats/cluster-conf.js';
import { phase } from '../lib/phases.js';

type Options = { import: string } | { configure: ConfigureOptions };

export type ConfigureResult = {
  mode: 'configure';
  hostname: string;
  status: 'updated' | 'unchanged';
  clusterName: string;
  nodes: ConfigurePlan['nodes'];
  added: string[];
  removed: string[];
  warnings: string[];
  enabled: ApplyResult['enabled'];
  o2cb: ApplyResult['o2cb'];
  registered: string[];
  restartNeeded: boolean;
  restartReasons: string[];
} & WrittenPaths;
type Result = ConfigureResult | (ImportResult & { mode: 'import' });

const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

/** The options that configure (every one but --import), by commander's attribute name. */
const CONFIGURING = ['node', 'addNode', 'removeNode', 'clusterName', 'port', 'heartbeatThreshold', 'idleTimeoutMs', 'keepaliveDelayMs', 'reconnectDelayMs'];
const TIMEOUT_FLAGS: Record<string, TimeoutKey> = {
  heartbeatThreshold: 'O2CB_HEARTBEAT_THRESHOLD',
  idleTimeoutMs: 'O2CB_IDLE_TIMEOUT_MS',
  keepaliveDelayMs: 'O2CB_KEEPALIVE_DELAY_MS',
  reconnectDelayMs: 'O2CB_RECONNECT_DELAY_MS',
};

function usage(message: string): OvsError {
  return new OvsError(EXIT.USAGE, message, { while: 'reading the options', hint: 'ovs help cluster-configure shows the usage' });
}

function clusterName(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  const name = String(raw);
  if (isClusterName(name)) return name;
  const why = name.length > 16 ? `${name.length} characters, at most 16` : 'only letters and digits are allowed';
  throw new OvsError(EXIT.DATAERR, `cluster name '${shown(name)}' is invalid: ${why}`, { while: 'reading --cluster-name', hint: 'use 1-16 letters or digits, e.g. --cluster-name ocfs2' });
}

function port(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (/^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535) return Number(text);
  throw new OvsError(EXIT.DATAERR, `--port '${shown(text)}' is not a port number (1-65535)`, { while: 'reading --port', hint: 'O2CB uses 7777 by convention; every node of a pool needs the same' });
}

function removals(names: string[], adds: string[]): string[] {
  for (const n of names) {
    if (!isNodeName(n)) throw new OvsError(EXIT.DATAERR, `--remove-node '${shown(n)}' is not a host name`, { while: 'reading --remove-node', hint: 'give the node name as cluster.conf has it' });
    if (adds.some((a) => a.toLowerCase() === n.toLowerCase())) throw usage(`node '${shown(n)}' is both added and removed`);
  }
  return names;
}

function configureOptions(flags: Record<string, unknown>): ConfigureOptions {
  const nodes = parseNodeArgs(list(flags.node), '--node');
  const add = parseNodeArgs(list(flags.addNode), '--add-node');
  const timeouts: TimeoutOptions = {};
  for (const [flag, key] of Object.entries(TIMEOUT_FLAGS)) {
    if (flags[flag] !== undefined) timeouts[key] = parseTimeout(key, String(flags[flag]));
  }
  const name = clusterName(flags.clusterName);
  const p = port(flags.port);
  return {
    nodes,
    add,
    remove: removals(list(flags.removeNode), add.map((a) => a.name)),
    ...(name ? { clusterName: name } : {}),
    ...(p !== undefined ? { port: p } : {}),
    timeouts,
  };
}

function define(cmd: Command): void {
  cmd
    .option('--node <spec>', 'a node NAME[=IPV4][:NUMBER]; repeat for each; the list becomes exactly these', collect)
    .option('--add-node <spec>', 'add (or re-address) a node NAME[=IPV4][:NUMBER]; repeatable', collect)
    .option('--remove-node <name>', 'remove a node; repeatable (the others keep their numbers)', collect)
    .option('--cluster-name <name>', 'the O2CB cluster name, 1-16 letters or digits (default: the current one, else ocfs2)')
    .option('--port <n>', 'the O2CB port of every node (default: kept, else 7777)')
    .option('--heartbeat-threshold <n>', 'O2CB_HEARTBEAT_THRESHOLD, >= 7 (default: kept, else 31)')
    .option('--idle-timeout-ms <ms>', 'O2CB_IDLE_TIMEOUT_MS, >= 5000 (default: kept, else 30000)')
    .option('--keepalive-delay-ms <ms>', 'O2CB_KEEPALIVE_DELAY_MS, >= 1000 (default: kept, else 2000)')
    .option('--reconnect-delay-ms <ms>', 'O2CB_RECONNECT_DELAY_MS, >= 2000 (default: kept, else 2000)')
    .option('--import <file>', 'install a cluster bundle from the pool master (FILE, or - for stdin); never starts o2cb');
  // Options that exclude each other, declared so commander refuses them (64) with its one wording:
  // --node is the whole list; --import takes the whole configuration from the bundle.
  const option = (name: string) => cmd.options.find((o) => o.attributeName() === name) as Option;
  option('node').conflicts(['addNode', 'removeNode']);
  option('import').conflicts(CONFIGURING);
}

function configureResult(plan: ConfigurePlan, applied: ApplyResult): ConfigureResult {
  return {
    mode: 'configure',
    hostname: plan.hostname,
    status: applied.clusterConf.changed || applied.o2cbSettings.changed ? 'updated' : 'unchanged',
    clusterName: plan.cluster.name,
    nodes: plan.nodes,
    added: plan.added,
    removed: plan.removed,
    warnings: plan.warnings,
    clusterConfPath: applied.clusterConf.path,
    clusterConfSha256: applied.clusterConf.sha256,
    o2cbSettingsPath: applied.o2cbSettings.path,
    o2cbSettingsSha256: applied.o2cbSettings.sha256,
    enabled: applied.enabled,
    o2cb: applied.o2cb,
    registered: applied.sync.registered,
    restartNeeded: applied.sync.restartNeeded,
    restartReasons: applied.sync.reasons,
  };
}

function humanConfigure(r: ConfigureResult): string[] {
  const width = Math.max(...r.nodes.map((n) => n.name.length));
  const lines = [`cluster ${r.clusterName}: ${r.nodes.length} node${r.nodes.length === 1 ? '' : 's'} (${r.status})`];
  for (const n of r.nodes) {
    // One string per node (up to 255 lines): the tags joined as they are found.
    const tags = `${n.thisHost ? ', this host' : ''}${n.added ? ', added' : ''}${n.origin === 'hosts' ? ', from /etc/hosts' : n.origin === 'dns' ? ', from DNS' : ''}`;
    lines.push(`  ${String(n.number).padStart(3)}  ${n.name.padEnd(width)}  ${n.ipAddress}:${n.ipPort}${tags ? `  (${tags.slice(2)})` : ''}`);
  }
  if (r.removed.length) lines.push(`removed: ${r.removed.join(', ')}`);
  lines.push(`${r.clusterConfPath} sha256 ${r.clusterConfSha256}`, `${r.o2cbSettingsPath} sha256 ${r.o2cbSettingsSha256}`);
  const state = r.o2cb === 'online' ? `already online${r.registered.length ? `; registered ${r.registered.join(', ')}` : ''}` : r.o2cb;
  lines.push(`o2cb: ${state}; at boot: ${r.enabled === 'already' ? 'enabled' : r.enabled}`);
  if (r.restartNeeded) lines.push(`restart needed: ${r.restartReasons.join('; ')}`);
  return lines;
}

export default defineCommand<Options, Result>({
  name: 'cluster-configure',
  summary: 'Write the O2CB cluster configuration (cluster.conf, O2CB settings) and start o2cb',
  define,
  options(_args, flags) {
    if (flags.import === undefined) return { configure: configureOptions(flags) };
    return { import: String(flags.import) };
  },
  async run(ctx, o) {
    if ('import' in o) return { mode: 'import' as const, ...(await importBundle(ctx, o.import)) };
    const plan = await planConfiguration(ctx, o.configure);
    phase('plan');
    for (const w of plan.warnings) ctx.report.warn(w);
    return configureResult(plan, await applyConfiguration(ctx, plan));
  },
  human: (r) => (r.mode === 'import' ? [`${r.status} ${r.hostname} sha256 ${r.clusterConfSha256}`] : humanConfigure(r)),
});
