/**
 * What a disk already holds, by low-level probing of the device itself (`blkid -p`, not the
 * blkid cache, which can be stale): a file system (TYPE, LABEL, UUID) or a partition table
 * (PTTYPE). blkid exits 2 when it finds nothing and 8 when signatures contradict each other
 * (blkid(8)); both are answers, not failures.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError } from '../errors.js';
import { lastLine } from '../program-output.js';
import { installHint } from '../programs.js';

export interface Signature {
  type?: string;
  label?: string;
  uuid?: string;
  pttype?: string;
  /** Several signatures that contradict each other (blkid exit 8). */
  ambivalent?: boolean;
}

export const blkidArgv = (path: string): string[] => ['blkid', '-p', '-o', 'export', '--', path];

/** `KEY=value` lines; blkid escapes blanks and backslashes with a backslash. */
export function parseBlkidExport(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) out[m[1] as string] = (m[2] as string).replace(/\\(.)/g, '$1');
  }
  return out;
}

export async function probeSignature(ctx: Context, path: string): Promise<Signature | undefined> {
  const r = await ctx.probe(blkidArgv(path));
  if (r.exitCode === 2) return undefined;
  if (r.exitCode === 8) return { ambivalent: true };
  if (r.exitCode !== 0) {
    const why = r.notFound ? 'blkid is not installed' : lastLine(r.stderr) || `exit ${r.exitCode}`;
    throw new OvsError(EXIT.UNAVAILABLE, `cannot probe ${path} for existing data: ${why}`, { while: `checking ${path}`, hint: r.notFound ? installHint('unknown', 'blkid') : undefined });
  }
  const v = parseBlkidExport(r.stdout);
  const sig: Signature = {
    ...(v.TYPE ? { type: v.TYPE } : {}),
    ...(v.LABEL ? { label: v.LABEL } : {}),
    ...(v.UUID ? { uuid: v.UUID } : {}),
    ...(v.PTTYPE ? { pttype: v.PTTYPE } : {}),
  };
  return Object.keys(sig).length > 0 ? sig : undefined;
}

/** "an ext4 file system labelled 'data'", "a dos partition table". */
export function describeSignature(sig: Signature): string {
  if (sig.ambivalent) return 'several contradicting signatures (blkid -p exit 8)';
  const parts: string[] = [];
  if (sig.type) parts.push(`${/^[aeiou]/i.test(sig.type) ? 'an' : 'a'} ${sig.type} ${sig.type === 'swap' ? 'area' : 'file system'}${sig.label ? ` labelled '${sig.label}'` : ''}`);
  if (sig.pttype) parts.push(`a ${sig.pttype} partition table`);
  return parts.join(' and ');
}
