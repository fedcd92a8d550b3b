/**
 * `--master`: on the server pool master only, make the cluster root usable by the whole
 * pool before checking. The guide's master is the one server that prepares the shared
 * storage; here that means the NFS cluster root's heartbeat file, created through the same
 * library `ovs hb-create` and `ovs makerepo` use. Preconditions first — this host a node of
 * cluster.conf, a shared cluster root, mounted — and when one does not hold nothing is
 * created: the check that explains it fails instead. An existing file is never replaced.
 */
import type { Context } from '../command.js';
import { ensureHeartbeatFile, inspectHeartbeat, HEARTBEAT_DEFAULTS } from '../ocfs2/heartbeat.js';
import { isThisHost } from '../resolve.js';
import { gatherFacts, type Facts } from './facts.js';
import { heartbeatTarget } from './heartbeat.js';
import { checkRootShared } from './repositories.js';

export type MasterAction = 'created' | 'planned' | 'present' | 'not-needed' | 'not-created';

export interface MasterResult {
  heartbeat: {
    action: MasterAction;
    path?: string;
    /** Why nothing was created (a check reports the cause). */
    reason?: string;
    uuid?: string;
  };
}

function thisHostIsNode(f: Facts): boolean {
  const name = f.hostname.name;
  return name !== undefined && (f.cluster?.nodes.some((n) => isThisHost(n.name, name)) ?? false);
}

type Precondition = { path: string } | MasterResult;

async function precondition(ctx: Context, f: Facts): Promise<Precondition> {
  if (!thisHostIsNode(f)) return { heartbeat: { action: 'not-created', reason: 'this host is not a node of cluster.conf (see cluster-conf.this-host)' } };
  if (checkRootShared(f).status === 'FAIL') return { heartbeat: { action: 'not-created', reason: 'the cluster root is not shared storage (see repositories.root-shared)' } };
  const target = await heartbeatTarget(ctx, f);
  if ('result' in target && target.result.status === 'PASS') return { heartbeat: { action: 'not-needed', reason: target.result.message } };
  // An image's NFS cluster root is mounted at boot: never create 300 MiB inside the image.
  if (ctx.offline) return { heartbeat: { action: 'not-created', reason: 'offline: the NFS cluster root is mounted at boot; run ovs cluster-check --master on the running master' } };
  if ('path' in target) return target;
  return { heartbeat: { action: 'not-created', reason: target.result.message.replace(/^skipped: /, '') } };
}

export async function prepareMaster(ctx: Context): Promise<MasterResult> {
  const pre = await precondition(ctx, await gatherFacts(ctx));
  if ('heartbeat' in pre) return pre;
  const { path } = pre;
  const found = await inspectHeartbeat(ctx, path, { label: HEARTBEAT_DEFAULTS.label });
  if (found.status === 'valid') return { heartbeat: { action: 'present', path, ...(found.info ? { uuid: found.info.uuid } : {}) } };
  if (found.status !== 'missing') return { heartbeat: { action: 'not-created', path, reason: `${found.problem ?? path}: cluster-check never replaces it (see heartbeat.file)` } };
  ctx.report.step(`creating the heartbeat file ${path}`);
  const made = await ensureHeartbeatFile(ctx, path);
  return { heartbeat: { action: made.planned ? 'planned' : 'created', path, ...(made.uuid ? { uuid: made.uuid } : {}) } };
}

export function renderMaster(r: MasterResult): string[] {
  const h = r.heartbeat;
  switch (h.action) {
    case 'created':
      return [`master: created the heartbeat file ${h.path} (uuid ${h.uuid ?? '?'})`, ''];
    case 'planned':
      return [`master: would create the heartbeat file ${h.path}`, ''];
    case 'present':
      return [`master: the heartbeat file ${h.path} is already present`, ''];
    case 'not-needed':
      return [`master: no heartbeat file to create: ${h.reason}`, ''];
    default:
      return [`master: the heartbeat file was not created: ${h.reason}`, ''];
  }
}
