/**
 * The saved plan (ours, ovs-plan(5)): what `ovs --dry-run --save-plan FILE COMMAND ...`
 * writes and `ovs apply FILE` performs. One JSON document: the format and its version, the
 * command's arguments, the --root it planned for, every change in order (with the sha256 of
 * the content before and after, and for a write the whole new content in base64), and every
 * value the run generated (repository uuids, temporary names, creation times).
 */
import type { Change, GeneratedValue } from './changes.js';
import { EXIT, OvsError } from './errors.js';
import { sha256Hex } from './formats/bundle.js';

export const PLAN_FORMAT = 'ovs-plan';
export const PLAN_VERSION = 1;

export interface PlannedChange extends Omit<Change, 'diff'> {
  /** A write's whole new content, base64. */
  content?: string;
}

export interface PlanFile {
  format: typeof PLAN_FORMAT;
  version: number;
  /** When it was planned (ISO 8601, UTC). */
  created: string;
  /** The command and its own arguments, without the global options (`["makerepo", ...]`). */
  argv: string[];
  /** The system it was planned for: `/`, or the --root directory. */
  root: string;
  changes: PlannedChange[];
  generated: GeneratedValue[];
}

export function serializePlan(p: Omit<PlanFile, 'format' | 'version' | 'changes'>, changes: readonly Change[], contents: ReadonlyMap<Change, Buffer>): string {
  const planned = changes.map((c): PlannedChange => {
    const { diff: _diff, ...rest } = c;
    const data = contents.get(c);
    return data ? { ...rest, content: data.toString('base64') } : rest;
  });
  const doc: PlanFile = { format: PLAN_FORMAT, version: PLAN_VERSION, created: p.created, argv: p.argv, root: p.root, changes: planned, generated: p.generated };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function bad(file: string, what: string): OvsError {
  return new OvsError(EXIT.DATAERR, `${file} is not a plan ovs can apply: ${what}`, { while: `reading ${file}`, hint: 'make one with: ovs --dry-run --save-plan FILE COMMAND ...' });
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Parse and check a plan file; anything unexpected is exit 65 naming the file. */
export function parsePlan(file: string, text: string): PlanFile {
  let doc: Partial<PlanFile>;
  try {
    doc = JSON.parse(text) as Partial<PlanFile>;
  } catch {
    throw bad(file, 'not JSON');
  }
  if (doc?.format !== PLAN_FORMAT) throw bad(file, `"format" is not "${PLAN_FORMAT}"`);
  if (doc.version !== PLAN_VERSION) throw bad(file, `format version ${String(doc.version)} (this ovs reads version ${PLAN_VERSION})`);
  if (!isStrings(doc.argv) || doc.argv.length === 0) throw bad(file, '"argv" is not a list of arguments');
  if (typeof doc.root !== 'string' || !doc.root.startsWith('/')) throw bad(file, '"root" is not an absolute directory');
  if (!Array.isArray(doc.changes) || !doc.changes.every((c) => typeof c?.kind === 'string' && typeof c.result === 'string')) throw bad(file, '"changes" is not a list of changes');
  if (!Array.isArray(doc.generated) || !doc.generated.every((g) => typeof g?.what === 'string' && typeof g.value === 'string')) throw bad(file, '"generated" is not a list of values');
  for (const c of doc.changes) {
    if (c.content !== undefined && (c.after === undefined || sha256Hex(Buffer.from(c.content, 'base64')) !== c.after)) throw bad(file, `the content saved for ${c.path ?? '?'} does not match its sha256`);
  }
  return doc as PlanFile;
}

/** What a change promises, for comparing a plan with a run (planned reads as applied). */
export function promiseOf(c: Change | PlannedChange): string {
  return JSON.stringify([c.kind, c.path ?? null, c.target ?? null, c.argv ?? null, c.service ?? null, c.result === 'planned' ? 'applied' : c.result, c.after ?? null]);
}

/** The first entry where a run's changes differ from the plan's, in words; undefined when equal. */
export function firstDifference(plan: readonly PlannedChange[], run: readonly Change[]): string | undefined {
  const n = Math.max(plan.length, run.length);
  for (let i = 0; i < n; i++) {
    const p = plan[i];
    const r = run[i];
    if (p && r && promiseOf(p) === promiseOf(r)) continue;
    const say = (c?: Change | PlannedChange) => (c ? `${c.kind} ${c.path ?? (c.argv ?? []).join(' ')}${c.target ? ` -> ${c.target}` : ''}` : 'nothing');
    return `change ${i + 1}: the plan has ${say(p)}, the command now does ${say(r)}`;
  }
  return undefined;
}
