/**
 * SendTargets discovery against the portal (guide step 3). It runs twice on a first run:
 * once as a probe (`-o nonpersistent`, the record database untouched) so that the targets
 * are known, the --keep selection checked and the deletions confirmed before anything
 * changes — and a dry run can show the exact plan — then for real, which writes the node
 * records the guide's later steps work on. Both are bounded by --timeout: a portal that
 * drops packets must not hang a kickstart.
 */
import type { Context } from '../command.js';
import type { IscsiRecord } from '../formats/iscsiadm.js';
import { withElapsed } from '../progress.js';
import { discoveryError, iscsiadm, recordsOf } from './adm.js';
import type { DiscoveryPortal } from './portal.js';

/** What the portal offers, without writing a record. */
export async function probeTargets(ctx: Context, portal: DiscoveryPortal, timeoutSeconds: number): Promise<IscsiRecord[]> {
  const argv = iscsiadm.discovery(portal, false);
  ctx.report.step(`asking portal ${portal.text} for its targets`);
  const r = await withElapsed(ctx.report, () => ctx.host.now(), timeoutSeconds, () => ctx.probe(argv, { timeoutMs: timeoutSeconds * 1000 }));
  if (r.timedOut || r.exitCode !== 0) throw discoveryError(r, portal, timeoutSeconds);
  return recordsOf(r.stdout, argv);
}

/** The guide's discovery, writing the node records; undefined when only planned. */
export async function discoverTargets(ctx: Context, portal: DiscoveryPortal, timeoutSeconds: number): Promise<IscsiRecord[] | undefined> {
  const argv = iscsiadm.discovery(portal, true);
  ctx.report.step(`discovering the targets of portal ${portal.text}`);
  const r = await withElapsed(ctx.report, () => ctx.host.now(), timeoutSeconds, () => ctx.changes.run(argv, { timeoutMs: timeoutSeconds * 1000 }));
  if (r.planned) return undefined;
  if (r.timedOut || r.exitCode !== 0) throw discoveryError(r, portal, timeoutSeconds);
  return recordsOf(r.stdout, argv);
}
