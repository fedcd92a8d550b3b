/**
 * iSCSI sessions (guide step 7: the login that makes the new disk appear). Sessions are
 * listed first so a second run logs in to nothing that is already logged in.
 *
 * `iscsiadm -m session` prints `tcp: [1] 10.1.1.1:3260,5 iqn... (non-flash)` (open-iscsi
 * 2.0.874 and later; older releases `tcp [1] ...` without the colon and the flash note).
 * Stripping the driver and session id leaves exactly the record line the shared parser of
 * src/lib/formats/iscsiadm.ts reads.
 */
import type { Context } from '../command.js';
import type { IscsiRecord } from '../formats/iscsiadm.js';
import { SESSION_EXISTS, admError, iscsiadm, listRecords, shown, type NodeRef } from './adm.js';

const SESSION_PREFIX = /^\s*\S+?:?\s+\[\d+\]\s+/;
const FLASH_NOTE = /\s+\((?:non-)?flash\)\s*$/;

export function sessionLines(stdout: string): string {
  return stdout
    .split('\n')
    .map((l) => l.replace(SESSION_PREFIX, '').replace(FLASH_NOTE, ''))
    .join('\n');
}

/** The records with a logged-in session (none: exit 21, not a failure). */
export async function listSessions(ctx: Context): Promise<IscsiRecord[]> {
  return listRecords(ctx, iscsiadm.sessions(), 'listing the iSCSI sessions', sessionLines);
}

export type LoginOutcome = 'logged in' | 'already logged in' | 'planned';

export async function login(ctx: Context, r: NodeRef): Promise<LoginOutcome> {
  const res = await ctx.changes.run(iscsiadm.login(r));
  if (res.planned) return 'planned';
  if (res.exitCode === 0) return 'logged in';
  if (res.exitCode === SESSION_EXISTS) return 'already logged in';
  throw admError(res, `logging in to ${shown(r)}`);
}
