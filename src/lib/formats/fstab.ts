/**
 * /etc/fstab, fstab(5): one file system per line, fields `spec file vfstype mntops freq
 * passno` separated by blanks; `#` at the start of a line (after blanks) makes a comment.
 * A blank, tab, newline or backslash inside a field is written as an octal escape
 * (`\040`, `\011`, `\012`, `\134`), as libmount does.
 *
 * The file belongs to the system, not to `ovs`, so the model is line-preserving (the
 * approach of Ansible's mount module): every line keeps its exact bytes, and an edit
 * replaces only the lines it owns. `ovs` edits fstab for one reason only: `cluster-check
 * --alter-fstab` comments out the `/OVS` lines it moves into /etc/ovs/repositories.
 */
import { FormatError } from './format-error.js';
import { shown } from '../errors.js';

export interface FstabEntry {
  /** 1-based line number. */
  line: number;
  /** Fields with octal escapes decoded. */
  spec: string;
  file: string;
  vfstype: string;
  /** `defaults` when the field is absent, as mount(8) reads it. */
  mntops: string;
  freq: number;
  passno: number;
}

export type FstabLine =
  | { kind: 'other'; text: string }
  | { kind: 'entry'; text: string; entry: FstabEntry };

export interface FstabDocument {
  lines: FstabLine[];
  /** False when the last line has no newline: kept so an edit does not add one. */
  finalNewline: boolean;
}

/** The marker `--alter-fstab` puts in front of a line it moved (names `ovs` and where it went). */
export const OVS_FSTAB_MARKER = 'ovs: moved to /etc/ovs/repositories:';

// ---------------------------------------------------------------- escapes

const ESCAPED = /[ \t\n\r\\]/g;

/** Encode a field for fstab (and /proc/mounts): the characters that would split or end it. */
export function encodeFstabField(value: string): string {
  const encoded = value.replace(ESCAPED, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
  // A field starting with `#` in the first column would turn the line into a comment.
  return encoded.startsWith('#') ? '\\043' + encoded.slice(1) : encoded;
}

/** Decode `\ooo` octal escapes; any other backslash stays as it is, as libmount leaves it. */
export function decodeFstabField(field: string): string {
  let at = field.indexOf('\\');
  if (at < 0) return field;
  let out = '';
  let from = 0;
  while (at >= 0) {
    const code = octal(field, at + 1);
    if (code === undefined) {
      at = field.indexOf('\\', at + 1);
      continue;
    }
    out += field.slice(from, at) + String.fromCharCode(code);
    from = at + 4;
    at = field.indexOf('\\', from);
  }
  return out + field.slice(from);
}

/** The byte written as three octal digits at I, if there are three. */
function octal(s: string, i: number): number | undefined {
  let n = 0;
  for (let k = i; k < i + 3; k++) {
    const d = s.charCodeAt(k) - 48;
    if (!(d >= 0 && d <= 7)) return undefined;
    n = n * 8 + d;
  }
  return n & 0xff;
}

// ---------------------------------------------------------------- lines

/** Split text into lines without their `\n`, remembering whether the last one had one. */
export function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  const finalNewline = text.endsWith('\n');
  const body = finalNewline ? text.slice(0, -1) : text;
  if (body === '' && !finalNewline) return { lines: [], finalNewline: false };
  return { lines: body.split('\n'), finalNewline };
}

export function joinLines(lines: readonly string[], finalNewline: boolean): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (finalNewline ? '\n' : '');
}

// ---------------------------------------------------------------- parse

export function parseFstab(text: string): FstabDocument {
  const { lines, finalNewline } = splitLines(text);
  return { lines: lines.map((t, i) => parseLine(t, i + 1)), finalNewline };
}

function parseLine(text: string, line: number): FstabLine {
  // A CRLF file still mounts: the CR is not part of the last field.
  const fields = splitFields(text.endsWith('\r') ? text.slice(0, -1) : text);
  if (fields.length === 0 || fields[0]?.startsWith('#')) return { kind: 'other', text };
  return { kind: 'entry', text, entry: entryOf(fields, line) };
}

/** Fields separated by runs of blanks and tabs (a hand loop: 10 000 lines must parse in a few ms). */
export function splitFields(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 32;
    if (c === 32 || c === 9) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  return out;
}

function entryOf(fields: string[], line: number): FstabEntry {
  if (fields.length < 3) {
    throw new FormatError(
      `only ${fields.length} field${fields.length === 1 ? '' : 's'}; an fstab entry needs at least a device, a mount point and a type`,
      line,
    );
  }
  if (fields.length > 6) {
    throw new FormatError(
      `${fields.length} fields where fstab has at most 6; a blank inside a field must be written \\040`,
      line,
    );
  }
  // Indexed, not destructured: this runs once per line of a 10 000-line fstab (README, performance).
  return {
    line,
    spec: decodeFstabField(fields[0] as string),
    file: decodeFstabField(fields[1] as string),
    vfstype: decodeFstabField(fields[2] as string),
    mntops: decodeFstabField(fields[3] ?? 'defaults'),
    freq: counter(fields[4] ?? '0', 'dump frequency (5th field)', line),
    passno: counter(fields[5] ?? '0', 'fsck pass number (6th field)', line),
  };
}

/** 1 to 9 decimal digits. */
function counter(field: string, what: string, line: number): number {
  let n = 0;
  for (let i = 0; i < field.length; i++) {
    const d = field.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || i >= 9) throw new FormatError(`the ${what} "${shown(field)}" is not a number`, line);
    n = n * 10 + d;
  }
  if (field.length === 0) throw new FormatError(`the ${what} "${shown(field)}" is not a number`, line);
  return n;
}

// ---------------------------------------------------------------- write

export function serializeFstab(doc: FstabDocument): string {
  return joinLines(
    doc.lines.map((l) => l.text),
    doc.finalNewline,
  );
}

/** One fstab line for an entry, fields TAB-separated and escaped. */
export function formatFstabEntry(entry: Omit<FstabEntry, 'line'>): string {
  const fields = [entry.spec, entry.file, entry.vfstype, entry.mntops];
  for (const f of fields) {
    if (f === '') throw new FormatError('an fstab field cannot be empty');
  }
  for (const n of [entry.freq, entry.passno]) {
    if (!Number.isInteger(n) || n < 0 || n > 999_999_999) throw new FormatError(`${n} is not a valid fstab counter`);
  }
  return [...fields.map(encodeFstabField), String(entry.freq), String(entry.passno)].join('\t');
}

// ---------------------------------------------------------------- queries and edits

export function fstabEntries(doc: FstabDocument): FstabEntry[] {
  const out: FstabEntry[] = [];
  for (const l of doc.lines) if (l.kind === 'entry') out.push(l.entry);
  return out;
}

/** `/OVS` or anything below it (`/OVS/x`), but not a sibling such as `/OVSX`. */
export function isOvsMountPoint(path: string): boolean {
  if (!path.includes('/OVS')) return false;
  const p = path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return p === '/OVS' || p.startsWith('/OVS/');
}

/** The entries `--alter-fstab` moves into /etc/ovs/repositories, in file order. */
export function ovsEntries(doc: FstabDocument): FstabEntry[] {
  return fstabEntries(doc).filter((e) => isOvsMountPoint(e.file));
}

/**
 * The text with each listed line (1-based numbers of entry lines) turned into
 * `# <marker> <original line>`; every other line byte-identical. The commented line is no
 * longer an entry, so running the move again finds nothing to do.
 */
export function commentOutEntries(doc: FstabDocument, lines: readonly number[], marker: string = OVS_FSTAB_MARKER): string {
  if (marker.trim() === '' || /[\n\r]/.test(marker)) throw new FormatError('the fstab marker must be one non-empty line');
  const wanted = new Set(lines);
  for (const n of wanted) {
    if (doc.lines[n - 1]?.kind !== 'entry') throw new RangeError(`fstab line ${n} is not an entry`);
  }
  const texts = doc.lines.map((l, i) => (wanted.has(i + 1) ? `# ${marker} ${l.text}` : l.text));
  return joinLines(texts, doc.finalNewline);
}
