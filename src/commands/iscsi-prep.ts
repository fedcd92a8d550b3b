/**
 * `ovs iscsi-prep --portal HOST[:PORT]`: the guide's "Creating a Shared Virtual Disk Using
 * OCFS2 on iSCSI", steps 1 to 8, as one repeatable run (ovs-iscsi-prep(8), ovs-format(8)). Each step below names
 * the guide's step it stands for. A second run with the same --keep finds the kept records
 * already in place and changes nothing: it does not rediscover, because discovery rewrites
 * the records with iscsid.conf's defaults (node.startup = manual) — unless --rediscover.
 */
import type { Command } from 'commander';
import { inspectDevice } from '../lib/block/device.js';
import { collect, defineCommand, type Context } from '../lib/command.js';
import { EXIT, OvsError } from '../lib/errors.js';
import { parseValue } from '../lib/formats/format-error.js';
import { formatPortal, parseKeepPattern, selectTargets, type IscsiRecord, type TargetSelection } from '../lib/formats/iscsiadm.js';
import type { Partition } from '../lib/formats/proc-partitions.js';
import { iscsiadm, recordKey, shown, type NodeRef } from '../lib/iscsi/adm.js';
import { chooseTargets } from '../lib/iscsi/choice.js';
import { disksOfTargets, readPartitions, waitForDevices, type NewDevice } from '../lib/iscsi/devices.js';
import { discoverTargets, probeTargets } from '../lib/iscsi/discovery.js';
import { deleteNodeRecord, listNodeRecords, makeAutomatic, recordsOfPortal } from '../lib/iscsi/node-records.js';
import { parseDiscoveryPortal, type DiscoveryPortal } from '../lib/iscsi/portal.js';
import { seconds } from '../lib/iscsi/seconds.js';
import { ensureServiceRunning, findIscsiServices, requireInitiator, type IscsiServices, type ServiceOutcome } from '../lib/iscsi/service.js';
import { listSessions, login, type LoginOutcome } from '../lib/iscsi/sessions.js';
import { defineSshOptions, parsePoolSettings } from '../lib/pool/options.js';
import type { PoolSettings } from '../lib/pool/propagation.js';
import { confirmSameDisk, sameDiskLine, type SameDiskReport } from '../lib/pool/same-disk.js';
import { restartService } from '../lib/services/index.js';

export interface PrepOptions {
  portal: DiscoveryPortal;
  keep: string[];
  waitSeconds: number;
  timeoutSeconds: number;
  rediscover: boolean;
  login: boolean;
  restartService: boolean;
  /** --all-nodes: at the end, confirm that every pool member sees the kept targets' disks (how to reach them). */
  allNodes?: PoolSettings;
}

export interface KeptRecord {
  record: string;
  iqn: string;
  portal: string;
  /** node.startup was set by this run (false: it already was automatic). */
  startupSet: boolean;
  login: LoginOutcome | 'skipped' | 'not logged in';
}

export interface PrepResult {
  portal: string;
  service: ServiceOutcome;
  /** Records the portal offered; null when the existing records were used (no rediscovery). */
  discovered: string[] | null;
  kept: KeptRecord[];
  deleted: string[];
  devices: NewDevice[];
  /** The --keep values that repeat this selection. */
  keep: string[];
  /** The selection was made at the terminal (then the human output says how to repeat it). */
  asked: boolean;
  changed: boolean;
  /** --all-nodes: each disk of the kept targets, its WWID and each member's device for it. */
  sameDisk?: SameDiskReport[];
}

interface Records {
  discovered: IscsiRecord[] | null;
  selection: TargetSelection;
  keep: string[];
}

function parseOptions(flags: Record<string, unknown>): PrepOptions {
  if (typeof flags.portal !== 'string') {
    throw new OvsError(EXIT.USAGE, '--portal is required', { while: 'reading the options', hint: 'ovs iscsi-prep --portal 10.1.1.1 --keep IQN' });
  }
  const keep = (flags.keep as string[] | undefined) ?? [];
  for (const k of keep) parseValue('--keep', 'use an IQN, ADDRESS:PORT,TPGT (e.g. 10.2.0.250:3260,3) or a glob such as iqn.1992-04.com.emc:*', () => parseKeepPattern(k));
  const login = flags.login !== false;
  if (!login && flags.restartService) throw new OvsError(EXIT.USAGE, '--no-login and --restart-service contradict each other', { while: 'reading the options' });
  if (!login && flags.allNodes) throw new OvsError(EXIT.USAGE, '--no-login and --all-nodes contradict each other: without a login there is no disk to compare', { while: 'reading the options' });
  return {
    ...(flags.allNodes ? { allNodes: parsePoolSettings(flags) } : {}),
    portal: parseDiscoveryPortal(flags.portal),
    keep,
    waitSeconds: seconds(flags.wait, '--wait', 0),
    timeoutSeconds: seconds(flags.timeout, '--timeout', 1),
    rediscover: Boolean(flags.rediscover),
    login,
    restartService: Boolean(flags.restartService),
  };
}

/**
 * The kept records already exist, written by discovery on THIS portal (every --keep matches
 * one of them): use them, do not rediscover. A record of the same IQN from another portal
 * does not count, so asking for an unreachable portal is still 66, never a login elsewhere.
 */
async function existingSelection(ctx: Context, o: PrepOptions): Promise<Records | undefined> {
  if (o.rediscover || o.keep.length === 0) return undefined;
  const named = selectTargets(await listNodeRecords(ctx), o.keep).kept;
  const selection = selectTargets(await recordsOfPortal(ctx, named, o.portal), o.keep);
  if (selection.unmatched.length > 0) return undefined;
  // Records no --keep names may come from other portals: they are not this run's to delete.
  return { discovered: null, selection: { ...selection, dropped: [] }, keep: o.keep };
}

/** Steps 3 and 4: probe, choose, confirm, then the real discovery. */
async function discoverAndChoose(ctx: Context, o: PrepOptions): Promise<Records> {
  const offered = await probeTargets(ctx, o.portal, o.timeoutSeconds);
  if (offered.length === 0) {
    throw new OvsError(EXIT.NOINPUT, `portal ${o.portal.text} offers no targets to this initiator`, {
      while: 'discovering targets',
      hint: "check the storage's access list for this initiator's name (/etc/iscsi/initiatorname.iscsi)",
    });
  }
  const choice = await chooseTargets(ctx, offered, o.keep, o.portal.text);
  const dropped = choice.selection.dropped;
  if (dropped.length > 0) {
    const names = dropped.slice(0, 3).map(shown).join(', ') + (dropped.length > 3 ? ` and ${dropped.length - 3} more` : '');
    await ctx.confirm(`delete ${dropped.length} node record(s) the pool does not use (${names})?`);
  }
  const written = await discoverTargets(ctx, o.portal, o.timeoutSeconds);
  const selection = written ? selectTargets(written, choice.keep) : choice.selection;
  if (selection.unmatched.length > 0) {
    throw new OvsError(EXIT.NOINPUT, `the targets of ${o.portal.text} changed during discovery: --keep ${selection.unmatched.join(', ')} no longer matches`, {
      while: 'discovering targets',
      hint: 'run the command again',
    });
  }
  return { discovered: written ?? offered, selection, keep: choice.keep };
}

/** Step 7: log in to the kept records that have no session yet. */
async function logIn(ctx: Context, o: PrepOptions, services: IscsiServices, kept: IscsiRecord[]): Promise<Map<IscsiRecord, KeptRecord['login']>> {
  const outcome = new Map<IscsiRecord, KeptRecord['login']>();
  if (!o.login) {
    for (const r of kept) outcome.set(r, 'skipped');
    return outcome;
  }
  const logged = new Set((await listSessions(ctx)).map(recordKey));
  const needed = kept.filter((r) => !logged.has(recordKey(r)));
  for (const r of kept) if (logged.has(recordKey(r))) outcome.set(r, 'already logged in');
  if (needed.length === 0) return outcome;
  if (!o.restartService) {
    for (const r of needed) outcome.set(r, await login(ctx, r));
    return outcome;
  }
  const res = await restartService(ctx, services.restart);
  if (res.planned) {
    for (const r of needed) outcome.set(r, 'planned');
    return outcome;
  }
  if (res.exitCode !== 0) {
    throw new OvsError(EXIT.UNAVAILABLE, `the iSCSI service ${services.restart} failed to restart (exit ${res.exitCode})`, { while: 'logging in to the kept targets', hint: `see: service ${services.restart} status` });
  }
  const now = new Set((await listSessions(ctx)).map(recordKey));
  const missing = needed.filter((r) => !now.has(recordKey(r)));
  if (missing.length > 0) {
    throw new OvsError(EXIT.UNAVAILABLE, `the iSCSI service ${services.restart} restarted but did not log in to ${missing.map(shown).join(', ')}`, {
      while: 'logging in to the kept targets',
      hint: `log in by hand to see why: ${missing[0] ? iscsiadm.login(missing[0]).join(' ') : 'iscsiadm -m node --login'}`,
    });
  }
  for (const r of needed) outcome.set(r, 'logged in');
  return outcome;
}

/** Step 8: the new disks, bounded by --wait. */
async function newDisks(ctx: Context, o: PrepOptions, before: Partition[], loggedIn: NodeRef[]): Promise<NewDevice[]> {
  if (loggedIn.length === 0) return [];
  const iqns = [...new Set(loggedIn.map((r) => r.iqn))];
  const devices = await waitForDevices(ctx, before, iqns, o.waitSeconds);
  if (devices.length === 0) {
    throw new OvsError(EXIT.TEMPFAIL, `no new block device appeared within ${o.waitSeconds} s of logging in`, {
      while: `waiting for the disks of ${iqns.join(', ')}`,
      hint: "check the target's LUNs and access list (iscsiadm -m session -P 3), then run again, perhaps with a longer --wait",
    });
  }
  for (const iqn of iqns) {
    if (devices.every((d) => d.target && d.target.toLowerCase() !== iqn.toLowerCase())) ctx.report.warn(`no new block device from ${iqn} yet`);
  }
  return devices;
}

const NOT_EVERYWHERE = 'run ovs iscsi-prep (the same --portal and --keep) on each server named, or make it reachable over SSH, then this command again; the logins here stay';

/**
 * --all-nodes, once this server is logged in: every pool member sees each disk of the kept
 * targets (same WWID and size), else 78 naming them. Run on the last server prepared, it
 * proves the pool is ready for `ovs format` before anything is formatted.
 */
async function confirmPoolSees(ctx: Context, s: PoolSettings, kept: readonly IscsiRecord[]): Promise<SameDiskReport[]> {
  const disks = await disksOfTargets(ctx, kept.map((r) => r.iqn));
  if (disks.length === 0) ctx.report.warn('--all-nodes: this server sees no disk of the kept targets yet, so there is nothing to compare');
  const reports: SameDiskReport[] = [];
  for (const name of disks) reports.push(await confirmSameDisk(ctx, s, await inspectDevice(ctx, `/dev/${name}`), NOT_EVERYWHERE));
  return reports;
}

async function prepare(ctx: Context, o: PrepOptions): Promise<PrepResult> {
  await requireInitiator(ctx); // step 1
  const services = await findIscsiServices(ctx);
  const service = await ensureServiceRunning(ctx, services.start); // step 2
  const before = await readPartitions(ctx); // step 6
  const records = (await existingSelection(ctx, o)) ?? (await discoverAndChoose(ctx, o)); // steps 3, 4
  const deleted: string[] = [];
  for (const r of records.selection.dropped) if (await deleteNodeRecord(ctx, r)) deleted.push(shown(r));
  const { kept } = records.selection;
  const startupSet = new Map<IscsiRecord, boolean>();
  for (const r of kept) startupSet.set(r, await makeAutomatic(ctx, r));
  const logins = await logIn(ctx, o, services, kept); // step 7
  const loggedIn = kept.filter((r) => logins.get(r) === 'logged in');
  const devices = await newDisks(ctx, o, before, loggedIn); // step 8
  const sameDisk = o.allNodes ? await confirmPoolSees(ctx, o.allNodes, kept) : undefined;
  return {
    portal: o.portal.text,
    service,
    discovered: records.discovered?.map(shown) ?? null,
    kept: kept.map((r) => ({ record: shown(r), iqn: r.iqn, portal: formatPortal(r), startupSet: startupSet.get(r) ?? false, login: logins.get(r) ?? 'skipped' })),
    deleted,
    devices,
    keep: records.keep,
    asked: o.keep.length === 0,
    changed: ctx.changes.applied.some((c) => c.result !== 'failed'),
    ...(sameDisk ? { sameDisk } : {}),
  };
}

function human(r: PrepResult): string[] {
  const lines = [
    r.discovered === null
      ? `portal ${r.portal}: the kept node records are in place (not rediscovered; --rediscover looks again)`
      : `portal ${r.portal}: ${r.discovered.length} target record(s) discovered`,
  ];
  for (const k of r.kept) lines.push(`kept     ${k.record}  node.startup=automatic${k.startupSet ? '' : ' (already)'}, ${k.login}`);
  for (const d of r.deleted) lines.push(`deleted  ${d}`);
  if (r.devices.length > 0) lines.push('new block devices:', ...r.devices.map((d) => `  ${d.name}  ${d.blocks} blocks  ${d.target ?? ''}`.trimEnd()));
  for (const d of r.sameDisk ?? []) lines.push(sameDiskLine(d));
  if (!r.changed) lines.push('nothing to do');
  if (r.asked) lines.push(`to repeat this choice: ovs iscsi-prep --portal ${r.portal} ${r.keep.map((k) => `--keep '${k}'`).join(' ')}`);
  return lines;
}


export default defineCommand<PrepOptions, PrepResult>({
  name: 'iscsi-prep',
  summary: "Discover iSCSI targets, keep the pool's, set them to log in at boot, log in and report the new disks",
  live: true,
  unplannable: () => 'it must ask the portal which targets it offers and log in to see which disks appear',
  define: (cmd: Command) =>
    defineSshOptions(cmd)
      .option('--portal <host[:port]>', 'the storage portal for SendTargets discovery (port 3260 by default)')
      .option('--keep <target>', 'a target record to keep: IQN, ADDRESS:PORT,TPGT or a glob on the IQN (repeatable)', collect)
      .option('--wait <seconds>', 'how long to wait for the new block devices after logging in', '30')
      .option('--timeout <seconds>', 'how long discovery may take before the portal counts as unreachable', '60')
      .option('--rediscover', 'run discovery again even when the kept records exist (resets their settings)')
      .option('--no-login', 'prepare the node records only; the iSCSI service logs in at boot')
      .option('--restart-service', 'log in by restarting the iSCSI service, as the guide does, instead of iscsiadm --login')
      .option('--all-nodes', "at the end, confirm over SSH that every node of cluster.conf sees the kept targets' disks (same WWID and size)"),
  options: (_args, flags) => parseOptions(flags),
  run: prepare,
  human,
});
