/**
 * The node records open-iscsi keeps under /etc/iscsi/nodes (one per target and portal),
 * reached only through iscsiadm (ovs(8), FILES): listing them (guide step 5), deleting the ones
 * the pool does not use (step 4), and `node.startup = automatic` on the kept ones so the
 * iSCSI service logs in to them at boot. Discovery writes every record with the startup
 * value of iscsid.conf (`manual` on Debian), which is why a second run must not rediscover.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import type { IscsiRecord } from '../formats/iscsiadm.js';
import { sameAddress } from '../formats/ip.js';
import { NO_OBJECTS, admError, iscsiadm, listRecords, shown, type NodeRef } from './adm.js';
import type { DiscoveryPortal } from './portal.js';

/** `iscsiadm -m node`: every node record (none is exit 21, not a failure). */
export async function listNodeRecords(ctx: Context): Promise<IscsiRecord[]> {
  return listRecords(ctx, iscsiadm.nodes(), 'listing the iSCSI node records');
}

/** One `key = value` of a record as `iscsiadm -m node -T IQN -p PORTAL` prints it. */
export function recordValue(text: string, key: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^\s*([^\s=#]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m?.[1] === key) return m[2];
  }
  return undefined;
}

/** The record's node.startup, or undefined when the record does not exist (yet). */
export async function nodeStartup(ctx: Context, r: NodeRef): Promise<string | undefined> {
  const res = await ctx.probe(iscsiadm.show(r));
  return res.exitCode === 0 ? recordValue(res.stdout, 'node.startup') : undefined;
}

/**
 * The records of RECORDS that SendTargets discovery on PORTAL wrote: iscsiadm keeps where a
 * record came from in node.discovery_address and node.discovery_port (a target may answer on
 * another address than the one discovery asked). A record without them (made by hand, or
 * an older database) counts when its own address and port are the portal's. The portal the
 * operator asked for is part of the selection: a record of the same IQN reached through
 * another portal is not this run's.
 */
export async function recordsOfPortal(ctx: Context, records: readonly IscsiRecord[], portal: DiscoveryPortal): Promise<IscsiRecord[]> {
  const out: IscsiRecord[] = [];
  for (const r of records) {
    const res = await ctx.probe(iscsiadm.show(r));
    if (res.exitCode !== 0) continue;
    const address = recordValue(res.stdout, 'node.discovery_address');
    const from = address && address !== '<empty>' ? { address, port: Number(recordValue(res.stdout, 'node.discovery_port')) } : r;
    if (sameAddress(from.address, portal.host) && from.port === portal.port) out.push(r);
  }
  return out;
}

/** Delete a record; true when it was deleted (or planned), false when it was already gone. */
export async function deleteNodeRecord(ctx: Context, r: NodeRef): Promise<boolean> {
  const res = await ctx.changes.run(iscsiadm.remove(r));
  if (res.planned || res.exitCode === 0) return true;
  if (res.exitCode === NO_OBJECTS) return false;
  throw admError(res, `deleting the node record ${shown(r)}`);
}

/** node.startup = automatic; false when it already was. */
export async function makeAutomatic(ctx: Context, r: NodeRef): Promise<boolean> {
  if ((await nodeStartup(ctx, r)) === 'automatic') return false;
  const res = await ctx.changes.run(iscsiadm.automatic(r));
  if (res.planned || res.exitCode === 0) return true;
  if (res.exitCode === NO_OBJECTS) {
    throw new OvsError(EXIT.UNAVAILABLE, `the node record ${shown(r)} disappeared`, {
      while: 'setting node.startup to automatic',
      hint: 'another program changed /etc/iscsi meanwhile; run the command again with --rediscover',
    });
  }
  throw admError(res, `setting node.startup to automatic on ${shown(r)}`);
}
