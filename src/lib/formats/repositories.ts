/**
 * /etc/ovs/repositories — a format that is OURS (ovs-repositories(5)): Oracle never documented the
 * file its agent kept, so this layout is this product's decision (see ovs-repositories(5)).
 *
 *   # uuid                            type   role  source                         description
 *   F4135C096045458195057412169071E5  nfs    C     fileserver.example.com:/OVS    cluster root
 *
 * One repository per line: uuid (32 upper-case hex digits), type (nfs, ocfs2, or ext3/ext4
 * for a local repository), role (C cluster root, S shared, L local), source (`host:/export`
 * or a block device path), description (the rest of the line). Comments and blank lines
 * are kept on rewrite. The older two-field form `[@]UUID SOURCE` (`@` = cluster root) is
 * read too, so a file written by earlier tools is migrated on the next rewrite, not rejected.
 *
 * Decisions (ours): on read a uuid may be lower-case or in the dashed 8-4-4-4-12 form of
 * uuidgen, and type and role may be in any case, because a hand edit that differs only
 * there is harmless; such lines (and legacy lines) are written back in the canonical form.
 * Columns are fixed-width (the man page's sample), so a line can be rendered on its own and an
 * edit never has to re-align the lines it does not own.
 */
import { FormatError, atLine, tryFormat } from './format-error.js';
import { joinLines, splitLines } from './fstab.js';
import { parseSource, sameSource, sourceKey } from './repository-source.js';
import { shown } from '../errors.js';

export type RepositoryType = 'nfs' | 'ocfs2' | 'ext3' | 'ext4';
export type RepositoryRole = 'C' | 'S' | 'L';
export const REPOSITORY_TYPES: readonly RepositoryType[] = ['nfs', 'ocfs2', 'ext3', 'ext4'];
export const REPOSITORY_ROLES: readonly RepositoryRole[] = ['C', 'S', 'L'];

/** What a repository is, whatever names it: the fields every repository record carries besides its UUID. */
export interface RepositoryShape {
  type: RepositoryType;
  role: RepositoryRole;
  source: string;
  /** May be empty; never contains a control character. */
  description: string;
}

export interface RepositoryEntry extends RepositoryShape {
  uuid: string;
  /** 1-based line number in the document it belongs to. */
  line: number;
}

/** What a caller supplies to add or update an entry. */
export type RepositoryInput = Omit<RepositoryEntry, 'line'>;

/** The same, as typed by an operator or read from a file, before validation. */
export type RepositoryDraft = { [K in keyof RepositoryInput]: string };

/**
 * `text` is the line exactly as read, kept while it still says what `entry` says in the
 * canonical form; a new, changed, legacy or normalised entry has none and is rendered.
 */
export type RepositoryLine = { kind: 'other'; text: string } | { kind: 'entry'; entry: RepositoryEntry; text?: string };

export interface RepositoriesDocument {
  lines: RepositoryLine[];
  finalNewline: boolean;
}

export const REPOSITORIES_HEADER: readonly string[] = [
  '# Oracle VM repositories, maintained by `ovs makerepo` / `ovs offlinerepo`.',
  '# uuid'.padEnd(34) + 'type'.padEnd(7) + 'role'.padEnd(6) + 'source'.padEnd(31) + 'description',
];

// ---------------------------------------------------------------- field validation

/** 32 upper-case hex digits, from any case and from the dashed form; undefined if not a uuid. */
export function normalizeUuid(s: string): string | undefined {
  const hex = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(s) ? s.replace(/-/g, '') : s;
  return /^[0-9A-Fa-f]{32}$/.test(hex) ? hex.toUpperCase() : undefined;
}

export function parseUuid(s: string): string {
  const uuid = normalizeUuid(s);
  if (!uuid) throw new FormatError(`"${shown(s)}" is not a repository uuid (32 hexadecimal digits)`);
  return uuid;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new FormatError(`"${shown(value)}" is not a repository ${what}`);
  return found;
}

export function parseRepositoryType(s: string): RepositoryType {
  return oneOf(s.toLowerCase(), REPOSITORY_TYPES, 'type (nfs, ocfs2, ext3 or ext4)');
}

/** C, S or L, in either case (the CLI takes `c` as the guide's `C`). */
export function parseRole(s: string): RepositoryRole {
  return oneOf(s.toUpperCase(), REPOSITORY_ROLES, 'role (C cluster root, S shared, L local)');
}

/** The description, trimmed; a control character (newline, tab ...) would break the line format. */
export function checkDescription(s: string): string {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(s)) {
    throw new FormatError('the description contains a control character (newline, tab ...); use plain text');
  }
  return s.trim();
}

/** A complete, normalised entry, or a FormatError saying which field is wrong and why. */
export function validateEntry(input: RepositoryDraft): RepositoryInput {
  const type = parseRepositoryType(input.type);
  const role = parseRole(input.role);
  const src = parseSource(input.source);
  if ((type === 'nfs') !== (src.kind === 'nfs')) {
    throw new FormatError(
      type === 'nfs'
        ? `type nfs needs a host:/export source, not "${shown(input.source)}"`
        : `type ${type} needs a block device source, not the NFS export "${shown(input.source)}"`,
    );
  }
  const local = type === 'ext3' || type === 'ext4';
  if (local !== (role === 'L')) {
    throw new FormatError(
      local ? `a local ${type} repository must have role L, not ${role}` : `role L (local) needs type ext3 or ext4, not ${type}`,
    );
  }
  return { uuid: parseUuid(input.uuid), type, role, source: input.source, description: checkDescription(input.description) };
}

// ---------------------------------------------------------------- one line

/** The canonical line for an entry: fixed columns, no trailing blanks. */
export function formatEntry(e: RepositoryInput): string {
  const head = `${e.uuid}  ${e.type.padEnd(7)}${e.role.padEnd(6)}`;
  return e.description === '' ? head + e.source : `${head}${e.source.padEnd(30)} ${e.description}`;
}

// One match per line, no field array: 100 000 entries are parsed without splitting each line
// twice (the allocations, not the matching, dominated a 10 MB file). Two fields or a leading @
// is the old form.
const ENTRY_LINE = /^\s*(\S+)\s+(\S+)(?:\s+(\S+)\s+(\S+)(?:[ \t]+(.*?))?)?\s*$/;

function parseEntryLine(text: string, line: number): RepositoryLine {
  return atLine(line, (): RepositoryLine => {
    const m = ENTRY_LINE.exec(text);
    if (m?.[1]?.startsWith('@') || (m && m[3] === undefined) || (!m && text.trim().startsWith('@'))) {
      return legacyLine(text.trim().split(/\s+/), line);
    }
    if (!m) throw new FormatError('expected "uuid type role source description" (or the old "[@]uuid source")');
    const [, uuid = '', type = '', role = '', source = '', description = ''] = m;
    const input = validateEntry({ uuid, type, role, source, description });
    const entry = { ...input, line };
    return isCanonical(entry, m) ? { kind: 'entry', entry, text } : { kind: 'entry', entry };
  });
}

/** Values already in canonical spelling: the operator's own spacing is then kept as is. */
function isCanonical(e: RepositoryInput, m: RegExpExecArray): boolean {
  return m[1] === e.uuid && m[2] === e.type && m[3] === e.role && (m[5] ?? '') === e.description;
}

function legacyLine(fields: string[], line: number): RepositoryLine {
  if (fields.length !== 2) {
    throw new FormatError('a line in the old form must be "[@]uuid source" (a leading @ marks the cluster root)');
  }
  const [rawUuid = '', source = ''] = fields;
  const root = rawUuid.startsWith('@');
  const type: RepositoryType = parseSource(source).kind === 'nfs' ? 'nfs' : 'ocfs2';
  const uuid = parseUuid(root ? rawUuid.slice(1) : rawUuid);
  return { kind: 'entry', entry: { uuid, type, role: root ? 'C' : 'S', source, description: '', line } };
}

// ---------------------------------------------------------------- the document

export function parseRepositories(text: string): RepositoriesDocument {
  const { lines, finalNewline } = splitLines(text);
  const parsed = lines.map((t, i): RepositoryLine => {
    const s = t.trim();
    return s === '' || s.startsWith('#') ? { kind: 'other', text: t } : parseEntryLine(t, i + 1);
  });
  const doc = { lines: parsed, finalNewline };
  checkDocument(doc);
  return doc;
}

/** The file's text: comments, blanks and untouched entry lines as read; the rest rendered. */
export function serializeRepositories(doc: RepositoriesDocument): string {
  const texts = doc.lines.map((l) => (l.kind === 'other' ? l.text : (l.text ?? formatEntry(l.entry))));
  return joinLines(texts, doc.finalNewline);
}

/** True when writing the document back changes lines nobody edited (legacy or non-canonical). */
export function needsMigration(doc: RepositoriesDocument): boolean {
  return doc.lines.some((l) => l.kind === 'entry' && l.text === undefined);
}

export function repositoryEntries(doc: RepositoriesDocument): RepositoryEntry[] {
  const out: RepositoryEntry[] = [];
  for (const l of doc.lines) if (l.kind === 'entry') out.push(l.entry);
  return out;
}

export function findBySource(doc: RepositoriesDocument, source: string): RepositoryEntry | undefined {
  return repositoryEntries(doc).find((e) => sameSource(e.source, source));
}

export function findByUuid(doc: RepositoriesDocument, uuid: string): RepositoryEntry | undefined {
  const wanted = normalizeUuid(uuid);
  return wanted === undefined ? undefined : repositoryEntries(doc).find((e) => e.uuid === wanted);
}

export function clusterRoot(doc: RepositoriesDocument): RepositoryEntry | undefined {
  return repositoryEntries(doc).find((e) => e.role === 'C');
}

/** Rules across lines: one cluster root, no uuid or source twice. Reports the later line. */
function checkDocument(doc: RepositoriesDocument): void {
  // Maps, not a search of the lines seen so far: linear in the number of entries.
  let root: RepositoryEntry | undefined;
  const byUuid = new Map<string, RepositoryEntry>();
  const bySource = new Map<string, RepositoryEntry>();
  for (const e of repositoryEntries(doc)) {
    if (e.role === 'C' && root) throw new FormatError(`a second cluster root; line ${root.line} (${root.source}) is already the cluster root`, e.line);
    const twin = byUuid.get(e.uuid);
    if (twin) throw new FormatError(`uuid ${e.uuid} is already used on line ${twin.line}`, e.line);
    const key = sourceKey(e.source);
    const same = bySource.get(key);
    if (same) throw new FormatError(`source ${e.source} is already listed on line ${same.line}`, e.line);
    if (e.role === 'C') root = e;
    byUuid.set(e.uuid, e);
    bySource.set(key, e);
  }
}

export interface UpsertResult {
  doc: RepositoriesDocument;
  changed: boolean;
  /** The entry that was replaced, when it was an update. */
  previous?: RepositoryEntry;
}

/**
 * Add or update the entry for a repository, matched by uuid or else by source (the same
 * SOURCE again updates role and description). Only that line changes; a new entry goes at
 * the end, under the header when the file is new. Throws FormatError (no line) when the
 * result would break a rule: a second cluster root, a uuid or source used by another line.
 */
export function upsertEntry(doc: RepositoriesDocument, input: RepositoryDraft): UpsertResult {
  const entry = validateEntry(input);
  const byUuid = doc.lines.findIndex((l) => l.kind === 'entry' && l.entry.uuid === entry.uuid);
  const bySource = doc.lines.findIndex((l) => l.kind === 'entry' && sameSource(l.entry.source, entry.source));
  if (byUuid >= 0 && bySource >= 0 && byUuid !== bySource) {
    throw new FormatError(`uuid ${entry.uuid} is on line ${byUuid + 1} but source ${entry.source} is on line ${bySource + 1}`);
  }
  const at = byUuid >= 0 ? byUuid : bySource;
  const old = doc.lines[at];
  // The same storage written another way (`host:/OVS/`) keeps the spelling already on file.
  if (old?.kind === 'entry' && sameSource(old.entry.source, entry.source)) entry.source = old.entry.source;
  if (old?.kind === 'entry' && sameEntry(old.entry, entry)) return { doc, changed: false };
  const lines = [...doc.lines];
  if (at >= 0) lines[at] = { kind: 'entry', entry: { ...entry, line: at + 1 } };
  else {
    if (lines.length === 0) lines.push(...REPOSITORIES_HEADER.map((text): RepositoryLine => ({ kind: 'other', text })));
    lines.push({ kind: 'entry', entry: { ...entry, line: lines.length + 1 } });
  }
  const next = { lines, finalNewline: doc.finalNewline || doc.lines.length === 0 };
  // A rule across lines (one root, unique uuid and source) names no line of its own.
  tryFormat(() => checkDocument(next), (e) => {
    throw new FormatError(e.reason);
  });
  return old?.kind === 'entry' ? { doc: next, changed: true, previous: old.entry } : { doc: next, changed: true };
}

function sameEntry(a: RepositoryInput, b: RepositoryInput): boolean {
  return a.uuid === b.uuid && a.type === b.type && a.role === b.role && a.source === b.source && a.description === b.description;
}

/** Remove the entry whose uuid or source is KEY; every other line is kept as it is. */
export function removeEntry(doc: RepositoriesDocument, key: string): { doc: RepositoriesDocument; removed?: RepositoryEntry } {
  const uuid = normalizeUuid(key);
  const at = doc.lines.findIndex(
    (l) => l.kind === 'entry' && (uuid !== undefined ? l.entry.uuid === uuid : sameSource(l.entry.source, key)),
  );
  const old = doc.lines[at];
  if (old?.kind !== 'entry') return { doc };
  const lines = doc.lines
    .filter((_l, i) => i !== at)
    .map((l, i): RepositoryLine => (l.kind === 'entry' && l.entry.line !== i + 1 ? { ...l, entry: { ...l.entry, line: i + 1 } } : l));
  // Lines before the last one were newline-terminated; removing the last keeps them so.
  const finalNewline = doc.finalNewline || at === doc.lines.length - 1;
  return { doc: { lines, finalNewline }, removed: old.entry };
}
