/**
 * `cluster-check --all-nodes`, second half: every member must use the pool's cluster root
 * and O2CB timeouts. Each member reports its own identity (`ovs --json pool-identity`, over
 * ssh, read-only); a member that differs FAILs by name with what differs and the fix. A
 * member that could not be reached at all already FAILs in pool.same-config: skipped here.
 */
import type { CheckResult } from '../checks/check.js';
import { fail, pass, skip } from '../checks/check.js';
import type { Context } from '../command.js';
import { isThisHost } from '../resolve.js';
import { TIMEOUT_KEYS, type PoolIdentity, type VolumeIdentity } from './identity.js';
import type { PoolMember } from './member.js';
import type { RemoteSettings } from './remote.js';
import { sshFailure } from './ssh-failure.js';
import { lastLine } from '../program-output.js';
import { commandLine, sshArgv } from './ssh.js';

export const SAME_ROOT = 'pool.same-root';
export const SAME_TIMEOUTS = 'pool.same-timeouts';

export type Fetched = { identity: PoolIdentity } | { reason: string; hint?: string; command: string };

export function identityCommand(remoteOvs: string, disk = false): string[] {
  return [remoteOvs, '--json', 'pool-identity', ...(disk ? ['--disk', '-'] : [])];
}

function readAnswer(stdout: string): { identity?: PoolIdentity; error?: string } {
  try {
    const doc = JSON.parse(stdout.trim()) as { ok?: boolean; result?: PoolIdentity; error?: { message?: string } };
    if (doc.ok && typeof doc.result?.hostname === 'string' && doc.result.timeouts) return { identity: doc.result };
    return { error: doc.error?.message ?? 'an answer without an identity' };
  } catch {
    return { error: `no readable answer (${lastLine(stdout) || 'empty output'})` };
  }
}

/** The member's identity; with `disk`, also which of its disks has that WWID (sent on stdin). */
export async function fetchIdentity(ctx: Context, s: RemoteSettings, member: PoolMember, o: { disk?: string } = {}): Promise<Fetched> {
  const argv = sshArgv(s.ssh, member.name, identityCommand(s.remoteOvs, o.disk !== undefined));
  const command = commandLine(argv);
  const r = await ctx.probe(argv, { timeoutMs: s.nodeTimeoutSeconds * 1000, ...(o.disk !== undefined ? { input: `${o.disk}\n` } : {}) });
  const failure = sshFailure(r, s.nodeTimeoutSeconds);
  if (failure) return { reason: failure.reason, ...(failure.hint ? { hint: failure.hint } : {}), command };
  const { identity, error } = readAnswer(r.stdout);
  if (!identity) return { reason: `remote ovs pool-identity failed (exit ${r.exitCode}): ${error ?? lastLine(r.stderr)}`, hint: 'run the same version of ovs on every pool member', command };
  if (!isThisHost(member.name, identity.hostname)) return { reason: `${member.name} answered as '${identity.hostname}' (the name leads to another machine)`, command };
  return { identity };
}

const show = (v: string | number | undefined): string => (v === undefined ? 'unknown' : String(v));

function volumeDifferences(here: VolumeIdentity, there: VolumeIdentity): string[] {
  if (here.kind !== there.kind) return [`volume kind ${here.kind} here, ${there.kind} there`];
  const fields: [string, string | number | undefined, string | number | undefined][] =
    here.kind === 'nfs' && there.kind === 'nfs'
      ? [['NFS export', here.export, there.export], ['.ovsrepo UUID', here.ovsrepoUuid, there.ovsrepoUuid], ['heartbeat file UUID', here.heartbeatUuid, there.heartbeatUuid]]
      : here.kind === 'ocfs2' && there.kind === 'ocfs2'
        ? [['OCFS2 volume UUID', here.uuid, there.uuid], ['device size', here.size, there.size]]
        : [];
  return fields.filter(([, a, b]) => a !== b).map(([what, a, b]) => `${what} ${show(a)} here, ${show(b)} there`);
}

/** What differs between this server's cluster root and the member's, in words. */
export function rootDifferences(here: PoolIdentity, there: PoolIdentity): string[] {
  const [a, b] = [here.clusterRoot, there.clusterRoot];
  if (!a || !b) return a === b ? [] : [`cluster root ${a ? `${a.uuid}` : 'none'} here, ${b ? b.uuid : 'none'} there`];
  const out = (['uuid', 'type', 'source'] as const).filter((k) => a[k] !== b[k]).map((k) => `cluster root ${k} ${a[k]} here, ${b[k]} there`);
  if (here.volume && there.volume) out.push(...volumeDifferences(here.volume, there.volume));
  return out;
}

export function timeoutDifferences(here: PoolIdentity, there: PoolIdentity): string[] {
  return TIMEOUT_KEYS.filter((k) => here.timeouts[k] !== there.timeouts[k]).map((k) => `${k} ${here.timeouts[k]} here, ${there.timeouts[k]} there`);
}

function rootCheck(here: PoolIdentity, node: string, there: PoolIdentity): CheckResult {
  const id = `${SAME_ROOT}:${node}`;
  const diff = rootDifferences(here, there);
  const root = here.clusterRoot;
  if (diff.length === 0) {
    const volume = here.volume && there.volume ? ', the same mounted volume' : here.volume || there.volume ? ' (the volume is mounted on one side only: not compared)' : '';
    return pass(id, `${node} uses the same cluster root as ${here.hostname}${root ? ` (${root.uuid}, ${root.type} ${root.source})` : ' (none)'}${volume}`);
  }
  const register = root ? `on ${node}: ovs offlinerepo -d ${there.clusterRoot?.uuid ?? '<its root>'} if it has another, then ovs makerepo ${root.source} C "cluster root" (the pool's ${root.uuid})` : `register the pool's cluster root on ${here.hostname} first`;
  const storage = diff.some((d) => /^(NFS export|\.ovsrepo|heartbeat file|OCFS2 volume|device size|volume kind)/.test(d)) ? `; ${node} reaches other storage under the same name: check the NFS server's name resolution or the LUN it sees` : '';
  return fail(id, `${node} uses another cluster root than ${here.hostname}: ${diff.join('; ')}`, `${register}${storage}`);
}

function timeoutsCheck(here: PoolIdentity, node: string, there: PoolIdentity): CheckResult {
  const id = `${SAME_TIMEOUTS}:${node}`;
  const diff = timeoutDifferences(here, there);
  if (diff.length === 0) return pass(id, `${node} has the same O2CB timeouts as ${here.hostname}`);
  return fail(id, `${node}'s O2CB timeouts differ (nodes with different timeouts refuse each other): ${diff.join('; ')}`, `propagate from the pool master: ovs cluster-check --master --propagate, then restart o2cb on ${node} (ovs services stop; ovs services start)`);
}

/** The two checks of one member, or why it could not be compared. */
export function identityChecks(here: PoolIdentity, node: string, fetched: Fetched | undefined): CheckResult[] {
  if (!fetched) return [skip(`${SAME_ROOT}:${node}`, `skipped: ${node} could not be reached (see pool.same-config:${node})`)];
  if ('reason' in fetched) return [fail(`${SAME_ROOT}:${node}`, `${node}'s cluster root could not be compared: ${fetched.reason}`, `${fetched.hint ? `${fetched.hint}; ` : ''}reproduce with: ${fetched.command}`)];
  return [rootCheck(here, node, fetched.identity), timeoutsCheck(here, node, fetched.identity)];
}
