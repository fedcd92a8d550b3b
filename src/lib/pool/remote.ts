/**
 * One conversation with one pool member: run `ovs --json cluster-configure --import -` on it
 * over ssh with the bundle on stdin, read the one JSON document it answers with, and turn
 * whatever happened into an outcome: `updated`, `unchanged`, or `failed` with a reason in
 * words and the exact ssh command that reproduces it.
 *
 * Two ways to run it:
 *   'import' through ctx.changes.run: it changes the member, so it is journaled like any
 *            other change (and a master-side --dry-run would only record it);
 *   'plan'   through ctx.probe, with the member's own --dry-run: read-only, so it runs even in
 *            a dry run. The member computes the diff itself, because only it knows which
 *            O2CB settings file it uses and what its in-place edit keeps (comments, quotes);
 *            the plan therefore comes from the same code path as the real import.
 *
 * The member's ovs refuses a bundle that does not name it, so a wrong machine is never
 * configured; the host-name comparison here is what turns that into a clear reason.
 */
import type { PlannedResult } from '../changes.js';
import type { Context } from '../command.js';
import type { RunOptions, RunResult } from '../host.js';
import { isThisHost } from '../resolve.js';
import type { PoolMember } from './member.js';
import { type Failure, type FailureKind, sshFailure } from './ssh-failure.js';
import { lastLine } from '../program-output.js';
import { HOSTNAME_COMMAND, commandLine, importCommand, sshArgv, type SshSettings } from './ssh.js';
import { shown } from '../errors.js';

export interface RemoteSettings {
  ssh: SshSettings;
  remoteOvs: string;
  nodeTimeoutSeconds: number;
}

/** What a member's `cluster-configure --import` answers (its `result`). */
export interface ImportAnswer {
  hostname: string;
  status: 'updated' | 'unchanged';
  clusterConfSha256: string;
  o2cbSettingsSha256?: string;
  o2cbSettingsPath?: string;
  registered?: string[];
  restartNeeded?: boolean;
}

export interface MemberOutcome {
  node: string;
  address: string;
  result: 'updated' | 'unchanged' | 'failed';
  /** For a failure: the reason in words, what kind it is, and what to do. */
  reason?: string;
  failure?: FailureKind;
  hint?: string;
  /** The ssh argument vector that ran (run it by hand to reproduce a failure). */
  ssh: string[];
  command: string;
  exitCode?: number;
  answer?: ImportAnswer;
  /** Plan mode: the member's own diff of what would change, and the files it would write. */
  diff?: string;
  files?: string[];
  durationMs: number;
}

interface RemoteChange {
  kind?: string;
  path?: string;
  diff?: string;
}

type Document =
  | { ok: true; result: ImportAnswer; changes: RemoteChange[] }
  | { ok: false; message: string; hint?: string; exit?: number };

const SHA256 = /^[0-9a-f]{64}$/;

function isAnswer(r: unknown): r is ImportAnswer {
  const a = r as Partial<ImportAnswer> | null;
  return typeof a?.hostname === 'string' && (a.status === 'updated' || a.status === 'unchanged') && typeof a.clusterConfSha256 === 'string' && SHA256.test(a.clusterConfSha256);
}

/** The member's one JSON document, or undefined when stdout holds something else. */
export function parseDocument(stdout: string): Document | undefined {
  let doc: { ok?: unknown; result?: unknown; changes?: unknown; error?: { message?: unknown; hint?: unknown; exit?: unknown } };
  try {
    doc = JSON.parse(stdout.trim()) as typeof doc;
  } catch {
    return undefined;
  }
  if (doc?.ok === false && typeof doc.error?.message === 'string') {
    const { message, hint, exit } = doc.error;
    return { ok: false, message, ...(typeof hint === 'string' ? { hint } : {}), ...(typeof exit === 'number' ? { exit } : {}) };
  }
  if (doc?.ok === true && isAnswer(doc.result)) return { ok: true, result: doc.result, changes: Array.isArray(doc.changes) ? (doc.changes as RemoteChange[]) : [] };
  return undefined;
}

const failed = (f: Failure): Pick<MemberOutcome, 'result' | 'reason' | 'failure' | 'hint'> => ({
  result: 'failed',
  reason: f.reason,
  failure: f.kind,
  ...(f.hint ? { hint: f.hint } : {}),
});

/** Ask the member its kernel host name (read-only); undefined when it cannot be asked. */
async function remoteHostname(ctx: Context, s: RemoteSettings, member: PoolMember): Promise<string | undefined> {
  const r = await ctx.probe(sshArgv(s.ssh, member.name, HOSTNAME_COMMAND), { timeoutMs: s.nodeTimeoutSeconds * 1000 });
  const name = r.exitCode === 0 ? r.stdout.trim() : '';
  return name && !name.includes('\n') ? name : undefined;
}

function mismatch(member: PoolMember, answered: string): Failure {
  return {
    kind: 'hostname-mismatch',
    reason: `hostname mismatch: ${member.name} answered as '${shown(answered)}' (the name leads to another machine)`,
    hint: `check how ${member.name} resolves on this host (/etc/hosts, DNS) and the member's own host name`,
  };
}

/** A member that ran the command but said no (or said nothing we can read). */
async function refusal(ctx: Context, s: RemoteSettings, member: PoolMember, r: RunResult, doc: Document | undefined): Promise<Failure> {
  if (doc && !doc.ok) {
    // 78 is "this host is not in cluster.conf" among others: find out whether the name led
    // to a machine that is not the member at all, which is the more useful thing to say.
    if (r.exitCode === 78 || doc.exit === 78) {
      const answered = await remoteHostname(ctx, s, member);
      if (answered !== undefined && !isThisHost(member.name, answered)) return mismatch(member, answered);
    }
    const hint = doc.hint ? { hint: `on ${member.name}: ${doc.hint}` } : {};
    const exit = doc.exit ?? r.exitCode;
    // A bundle it would not take (65, 78) is a refusal; a lock held (75) or a write that
    // failed (73, 74, 77) is the member failing, and is worded so.
    if (exit === 65 || exit === 78) return { kind: 'remote-rejected', reason: `remote ovs rejected the bundle: ${doc.message}`, ...hint };
    return { kind: 'remote-failed', reason: `remote ovs failed (exit ${exit}): ${doc.message}`, ...hint };
  }
  const last = lastLine(r.stderr);
  if (r.exitCode === 127 || r.exitCode === 126) {
    return { kind: 'remote-ovs-missing', reason: `ovs not found on the member (${s.remoteOvs}: ${last || `exit ${r.exitCode}`})`, hint: 'install ovs on the member, or give its path with --remote-ovs PATH' };
  }
  if (r.exitCode === 0) return { kind: 'bad-answer', reason: `remote ovs gave no readable answer (${lastLine(r.stdout) || 'empty output'})`, hint: 'run the same version of ovs on every pool member' };
  return { kind: 'remote-failed', reason: `remote ovs failed (exit ${r.exitCode})${last ? `: ${last}` : ''}` };
}

/** Files the member's dry run would change, and their diffs. */
function planOf(changes: RemoteChange[]): { files: string[]; diff: string } {
  const touched = changes.filter((c) => c.kind === 'write' || c.kind === 'remove' || c.kind === 'rename' || c.kind === 'symlink');
  return { files: touched.map((c) => c.path ?? '?'), diff: touched.map((c) => c.diff ?? '').join('') };
}

function judge(member: PoolMember, doc: Extract<Document, { ok: true }>, mode: 'import' | 'plan', expectSha: string): Partial<MemberOutcome> {
  const answer = doc.result;
  if (!isThisHost(member.name, answer.hostname)) return { ...failed(mismatch(member, answer.hostname)), answer };
  if (mode === 'plan') {
    const plan = planOf(doc.changes);
    return { result: plan.files.length > 0 ? 'updated' : 'unchanged', answer, ...plan };
  }
  if (answer.clusterConfSha256 !== expectSha) {
    const f: Failure = { kind: 'content-mismatch', reason: `the member holds a different cluster.conf after the import (sha256 ${answer.clusterConfSha256.slice(0, 12)}…, sent ${expectSha.slice(0, 12)}…)` };
    return { ...failed(f), answer };
  }
  return { result: answer.status, answer };
}

/**
 * Send the bundle to one member and judge its answer. Never throws for anything the member
 * or the network does: one dead member must not stop the others.
 */
export async function callMember(ctx: Context, s: RemoteSettings, member: PoolMember, bundle: string, expectSha: string, mode: 'import' | 'plan'): Promise<MemberOutcome> {
  const opts: RunOptions = { input: bundle, timeoutMs: s.nodeTimeoutSeconds * 1000 };
  const started = ctx.host.now().getTime();
  let argv = sshArgv(s.ssh, member.name, importCommand(s.remoteOvs, mode === 'plan'));
  let r: PlannedResult = mode === 'plan' ? await ctx.probe(argv, opts) : await ctx.changes.run(argv, { ...opts, live: true });
  if (r.planned === 'dry-run') {
    // The plan lists the exact import a real run would run; the member is asked what it would change.
    mode = 'plan';
    argv = sshArgv(s.ssh, member.name, importCommand(s.remoteOvs, true));
    r = await ctx.probe(argv, opts);
  }
  const base = { node: member.name, address: member.address, ssh: argv, command: commandLine(argv), exitCode: r.exitCode };
  const sshFailed = sshFailure(r, s.nodeTimeoutSeconds);
  const doc = sshFailed ? undefined : parseDocument(r.stdout);
  let verdict: Partial<MemberOutcome>;
  if (sshFailed) verdict = failed(sshFailed);
  else if (doc?.ok && r.exitCode === 0) verdict = judge(member, doc, mode, expectSha);
  else verdict = failed(await refusal(ctx, s, member, r, doc));
  return { ...base, result: 'failed', ...verdict, durationMs: ctx.host.now().getTime() - started } as MemberOutcome;
}
