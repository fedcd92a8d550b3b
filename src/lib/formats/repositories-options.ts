/**
 * /etc/ovs/repositories.options — a format that is OURS (ovs-repositories(5)): the mount options
 * `ovs` uses for each kind of repository, as `KEY=value` lines:
 *
 *   NFS_MOUNT_OPTIONS=rw,hard,tcp,nfsvers=3,timeo=600
 *   OCFS2_MOUNT_OPTIONS=_netdev
 *   LOCAL_MOUNT_OPTIONS=defaults
 *
 * An absent file or key means the default above. Unknown keys, comments and blank lines are
 * kept on rewrite (an operator's note survives `ovs`).
 *
 * The `KEY=value` grammar here is also used by `.ovsrepo` (ovsrepo.ts). It is a strict
 * subset of shell assignment, so a script can still `. file`: a value is bare
 * (`rw,hard`), double-quoted with `\" \\ \$ \`` escapes, or single-quoted. No expansion, no
 * `export`, no trailing comment, each key once: anything else is rejected with its line.
 */
import { FormatError } from './format-error.js';
import { joinLines, splitLines } from './fstab.js';
import type { RepositoryType } from './repositories.js';
import { shown } from '../errors.js';

// ---------------------------------------------------------------- KEY=value documents

export type KeyValueLine =
  | { kind: 'other'; text: string }
  /** `text` is the line as read; absent once the value was changed (then it is rendered). */
  | { kind: 'pair'; key: string; value: string; line: number; text?: string };

export interface KeyValueDocument {
  lines: KeyValueLine[];
  finalNewline: boolean;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BARE = /^[A-Za-z0-9_.,:/=@%+-]+$/;

export function parseKeyValue(text: string): KeyValueDocument {
  const { lines, finalNewline } = splitLines(text);
  const seen = new Map<string, number>();
  const parsed = lines.map((t, i): KeyValueLine => {
    const s = t.trim();
    if (s === '' || s.startsWith('#')) return { kind: 'other', text: t };
    const pair = parsePair(s, i + 1);
    const first = seen.get(pair.key);
    if (first !== undefined) throw new FormatError(`${pair.key} is set twice (first on line ${first})`, i + 1);
    seen.set(pair.key, i + 1);
    return { kind: 'pair', ...pair, line: i + 1, text: t };
  });
  return { lines: parsed, finalNewline };
}

function parsePair(s: string, line: number): { key: string; value: string } {
  const eq = s.indexOf('=');
  const key = eq < 0 ? s : s.slice(0, eq);
  if (eq < 0 || !KEY.test(key)) {
    throw new FormatError(`expected KEY=value (no blanks around =), found "${shown(s)}"`, line);
  }
  return { key, value: parseValue(s.slice(eq + 1), line) };
}

/** A bare, double-quoted or single-quoted value, as a shell would read it (without expansion). */
function parseValue(raw: string, line: number): string {
  if (raw === '') return '';
  const q = raw[0];
  if (q !== '"' && q !== "'") {
    if (BARE.test(raw)) return raw;
    throw new FormatError(`the value "${shown(raw)}" needs quotes (it has a blank or a shell character)`, line);
  }
  // Slices between escapes, not one concatenation per character: a 10 MB value stays cheap.
  let value = '';
  let from = 1;
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c === q) {
      if (i !== raw.length - 1) throw new FormatError(`unexpected text after the closing quote: "${shown(raw.slice(i + 1))}"`, line);
      return value + raw.slice(from, i);
    }
    if (q === '"' && (c === '$' || c === '`')) throw new FormatError(`write \\${c} for a literal ${c} inside double quotes`, line);
    if (q === '"' && c === '\\' && /["\\$`]/.test(raw[i + 1] ?? '')) {
      value += raw.slice(from, i) + (raw[i + 1] ?? '');
      i++;
      from = i + 1;
    }
  }
  throw new FormatError(`the value ${shown(raw)} has no closing ${q}`, line);
}

/** The value as written to the file: bare when it is safe, else double-quoted and escaped. */
export function formatValue(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new FormatError('a value cannot contain a newline or a control character');
  if (value === '' || BARE.test(value)) return value;
  return `"${value.replace(/["\\$`]/g, (c) => '\\' + c)}"`;
}

export function getValue(doc: KeyValueDocument, key: string): string | undefined {
  for (const l of doc.lines) if (l.kind === 'pair' && l.key === key) return l.value;
  return undefined;
}

/** Replace KEY's value on its own line, or append `KEY=value`; other lines are untouched. */
export function setValue(doc: KeyValueDocument, key: string, value: string, header: readonly string[] = []): KeyValueDocument {
  if (!KEY.test(key)) throw new FormatError(`"${shown(key)}" is not a valid key`);
  formatValue(value);
  const at = doc.lines.findIndex((l) => l.kind === 'pair' && l.key === key);
  const old = doc.lines[at];
  if (old?.kind === 'pair' && old.value === value) return doc;
  const lines = [...doc.lines];
  if (old?.kind === 'pair') lines[at] = { kind: 'pair', key, value, line: old.line };
  else {
    if (lines.length === 0) lines.push(...header.map((text): KeyValueLine => ({ kind: 'other', text })));
    lines.push({ kind: 'pair', key, value, line: lines.length + 1 });
  }
  return { lines, finalNewline: doc.finalNewline || doc.lines.length === 0 };
}

export function serializeKeyValue(doc: KeyValueDocument): string {
  const texts = doc.lines.map((l) => (l.kind === 'other' ? l.text : (l.text ?? `${l.key}=${formatValue(l.value)}`)));
  return joinLines(texts, doc.finalNewline);
}

// ---------------------------------------------------------------- repositories.options

export type RepositoryOptionKey = 'NFS_MOUNT_OPTIONS' | 'OCFS2_MOUNT_OPTIONS' | 'LOCAL_MOUNT_OPTIONS';

export const DEFAULT_REPOSITORY_OPTIONS: Readonly<Record<RepositoryOptionKey, string>> = {
  NFS_MOUNT_OPTIONS: 'rw,hard,tcp,nfsvers=3,timeo=600',
  OCFS2_MOUNT_OPTIONS: '_netdev',
  LOCAL_MOUNT_OPTIONS: 'defaults',
};

const OPTION_KEYS = Object.keys(DEFAULT_REPOSITORY_OPTIONS) as RepositoryOptionKey[];

const OPTIONS_HEADER = ['# Mount options for Oracle VM repositories, used by `ovs`. A missing key means the default.'];

export interface RepositoryOptions {
  /** Every key, from the file or the default. */
  values: Record<RepositoryOptionKey, string>;
  /** Keys in the file that `ovs` does not use (kept on rewrite; worth a warning). */
  unknownKeys: string[];
  doc: KeyValueDocument;
}

/** The options file, or the defaults when it does not exist (pass undefined). */
export function parseRepositoryOptions(text: string | undefined): RepositoryOptions {
  const doc = parseKeyValue(text ?? '');
  const values = { ...DEFAULT_REPOSITORY_OPTIONS };
  const unknownKeys: string[] = [];
  for (const l of doc.lines) {
    if (l.kind !== 'pair') continue;
    const key = OPTION_KEYS.find((k) => k === l.key);
    if (key === undefined) unknownKeys.push(l.key);
    else values[key] = checkMountOptions(l.value, l.line);
  }
  return { values, unknownKeys, doc };
}

/** Mount options are one `mount -o` argument: comma-separated, no blanks, no empty item. */
export function checkMountOptions(value: string, line?: number): string {
  if (value === '') throw new FormatError('empty mount options; remove the line to use the default', line);
  if (/[\s\u0000-\u001f\u007f]/.test(value) || value.split(',').some((o) => o === '')) {
    throw new FormatError(`"${shown(value)}" is not a comma-separated list of mount options`, line);
  }
  return value;
}

export function mountOptionsFor(options: RepositoryOptions, type: RepositoryType): string {
  if (type === 'nfs') return options.values.NFS_MOUNT_OPTIONS;
  if (type === 'ocfs2') return options.values.OCFS2_MOUNT_OPTIONS;
  return options.values.LOCAL_MOUNT_OPTIONS;
}

export function setRepositoryOption(options: RepositoryOptions, key: RepositoryOptionKey, value: string): RepositoryOptions {
  const doc = setValue(options.doc, key, checkMountOptions(value), OPTIONS_HEADER);
  return { ...options, values: { ...options.values, [key]: value }, doc };
}

export function serializeRepositoryOptions(options: RepositoryOptions): string {
  return serializeKeyValue(options.doc);
}
