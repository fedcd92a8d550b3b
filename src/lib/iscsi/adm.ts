/**
 * How `iscsi-prep` invokes open-iscsi's `iscsiadm` (the guide's steps 3 to 7): one argv
 * builder per operation, and the translation of a failed run into an OvsError. The output
 * itself is read by src/lib/formats/iscsiadm.ts.
 *
 * Records are addressed as the guide does, `-T IQN -p ADDRESS:PORT,TPGT`: with the portal
 * group the operation hits exactly one record. An IQN comes from the storage, never from
 * an option, and getopt takes the word after `-T` as its value even when it starts with `-`.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError, type ExitCode } from '../errors.js';
import { tryFormat } from '../formats/format-error.js';
import { formatPortal, formatRecord, parseIscsiRecords, parseIscsiadmError, type IscsiPortal, type IscsiRecord } from '../formats/iscsiadm.js';
import type { RunResult } from '../host.js';
import type { DiscoveryPortal } from './portal.js';

export type NodeRef = IscsiPortal & { iqn: string };

/** iscsiadm's "no records / no sessions found": an empty answer, not a failure. */
export const NO_OBJECTS = 21;
/** ISCSI_ERR_SESS_EXISTS: the login found a session already there. */
export const SESSION_EXISTS = 15;

const node = (r: NodeRef): string[] => ['iscsiadm', '-m', 'node', '-T', r.iqn, '-p', formatPortal(r)];

export const iscsiadm = {
  /** SendTargets discovery; `nonpersistent` leaves the record database alone (a probe). */
  discovery: (p: DiscoveryPortal, persistent: boolean): string[] => [
    'iscsiadm', '-m', 'discovery', '-t', 'sendtargets', '-p', p.text, ...(persistent ? [] : ['-o', 'nonpersistent']),
  ],
  nodes: (): string[] => ['iscsiadm', '-m', 'node'],
  show: (r: NodeRef): string[] => node(r),
  remove: (r: NodeRef): string[] => [...node(r), '-o', 'delete'],
  automatic: (r: NodeRef): string[] => [...node(r), '-o', 'update', '-n', 'node.startup', '-v', 'automatic'],
  login: (r: NodeRef): string[] => [...node(r), '--login'],
  sessions: (): string[] => ['iscsiadm', '-m', 'session'],
};

/** The record as iscsiadm lists it, for messages: `10.1.1.1:3260,5 iqn...`. */
export const shown = (r: NodeRef): string => formatRecord(r);

/** Identity of a record: IQNs compare case-insensitively (RFC 3720), as --keep does. */
export const recordKey = (r: NodeRef): string => formatRecord(r).toLowerCase();

/** Codes that mean the portal could not be reached at all (iscsi_err.h). */
const UNREACHABLE = new Set([4, 8, 11]);

/** A failed iscsiadm run as an OvsError: iscsiadm's own reason, in plain words. */
export function admError(r: RunResult, doing: string, exit: ExitCode = EXIT.UNAVAILABLE): OvsError {
  if (r.notFound) return new OvsError(EXIT.UNAVAILABLE, 'iscsiadm is not installed', { while: doing });
  const e = parseIscsiadmError(r.stderr, r.exitCode);
  const generic = e.name === 'ISCSI_ERR' || e.name === 'unknown';
  const message = generic && e.detail ? `${e.reason}: ${e.detail}` : e.reason;
  return new OvsError(exit, `${message} (iscsiadm exit ${r.exitCode})`, { while: doing, ...(e.hint ? { hint: e.hint } : {}) });
}

/** Discovery failures: an unreachable or unresolvable portal is 66, anything else 69. */
export function discoveryError(r: RunResult, portal: DiscoveryPortal, timeoutSeconds: number): OvsError {
  const doing = `discovering the targets of portal ${portal.text}`;
  if (r.timedOut) {
    return new OvsError(EXIT.NOINPUT, `portal ${portal.text} did not answer within ${timeoutSeconds} s`, {
      while: doing,
      hint: 'check the portal address and the network path to it, or allow longer with --timeout',
    });
  }
  const unresolved = r.exitCode === NO_OBJECTS && /Cannot resolve host|No portals found/.test(r.stderr);
  if (UNREACHABLE.has(r.exitCode) || unresolved) {
    const err = admError(r, doing, EXIT.NOINPUT);
    return new OvsError(EXIT.NOINPUT, `portal ${portal.text} is unreachable: ${err.message}`, {
      while: doing,
      hint: err.hint ?? 'check the portal address and that the storage listens on it (port 3260)',
    });
  }
  return admError(r, doing);
}

/**
 * The records a listing of iscsiadm prints (node records, sessions: `lines` makes them record
 * lines); none at all is exit 21, an empty list, not a failure.
 */
export async function listRecords(ctx: Context, argv: readonly string[], doing: string, lines: (stdout: string) => string = (s) => s): Promise<IscsiRecord[]> {
  const r = await ctx.probe(argv);
  if (r.exitCode === NO_OBJECTS) return [];
  if (r.exitCode !== 0) throw admError(r, doing);
  return recordsOf(lines(r.stdout), argv);
}

/** Records printed by iscsiadm; anything unreadable is iscsiadm misbehaving (69). */
export function recordsOf(stdout: string, argv: readonly string[]): IscsiRecord[] {
  return tryFormat(
    () => parseIscsiRecords(stdout),
    (e) => {
      throw new OvsError(EXIT.UNAVAILABLE, `unexpected output from iscsiadm: ${e.message}`, { while: `reading the output of ${argv.join(' ')}` });
    },
  );
}
