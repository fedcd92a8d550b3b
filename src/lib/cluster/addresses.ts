/**
 * Addresses for the nodes the operator named without one, found the way the server finds
 * them (/etc/hosts, then DNS: resolve.ts). Only names that need it are looked up, all at
 * once, so a 255-node cluster given with its addresses costs no lookup at all. A loopback
 * answer is the guide's classic failure and is refused (65) with the /etc/hosts line to fix;
 * /etc/hosts and DNS disagreeing is reported as a warning.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { loopbackError, mismatchFinding, resolveNames } from '../resolve.js';
import { addressProblem } from './node-spec.js';
import { HOSTS_FILE } from '../system-paths.js';

export type AddressOrigin = 'given' | 'kept' | 'hosts' | 'dns';

export interface Resolved {
  ipAddress: string;
  origin: Exclude<AddressOrigin, 'given' | 'kept'>;
}

/** Resolve each name; returns the address per name (lower case) and the warnings to show. */
export async function resolveNodeAddresses(ctx: Context, names: readonly string[]): Promise<{ byName: Map<string, Resolved>; warnings: string[] }> {
  const byName = new Map<string, Resolved>();
  const warnings: string[] = [];
  if (names.length === 0) return { byName, warnings };
  ctx.report.step(`resolving ${names.length === 1 ? names[0] : `${names.length} node names`}`);
  for (const r of await resolveNames(ctx, names)) {
    const doing = `resolving the address of node ${r.name}`;
    const loop = loopbackError(r, doing);
    if (loop) throw loop;
    const ip = r.addresses[0];
    if ((ip === undefined || r.source === 'none') && ctx.offline) {
      throw new OvsError(EXIT.DATAERR, `cannot resolve node '${r.name}': it is not in ${ctx.global.root}${HOSTS_FILE}, and under --root DNS is not asked`, {
        while: doing,
        hint: `give the address: --node ${r.name}=IPV4, or add "IPV4 ${r.name}" to ${ctx.global.root}${HOSTS_FILE}`,
      });
    }
    if (ip === undefined || r.source === 'none') {
      throw new OvsError(EXIT.DATAERR, `cannot resolve node '${shown(r.name)}': it is not in ${HOSTS_FILE} and DNS has no IPv4 address for it`, {
        while: doing,
        hint: `give the address: --node ${r.name}=IPV4, or add "IPV4 ${r.name}" to ${HOSTS_FILE} on every pool server`,
      });
    }
    const why = addressProblem(ip);
    if (why) throw new OvsError(EXIT.DATAERR, `node '${shown(r.name)}' resolves to ${why}`, { while: doing, hint: `give the address: --node ${r.name}=IPV4` });
    const mixed = mismatchFinding(r);
    if (mixed) warnings.push(`${mixed.message}; using ${ip} (${HOSTS_FILE} comes first). ${mixed.hint}`);
    byName.set(r.name.toLowerCase(), { ipAddress: ip, origin: r.source });
  }
  return { byName, warnings };
}
