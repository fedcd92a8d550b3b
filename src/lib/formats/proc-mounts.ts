/**
 * /proc/mounts (the kernel's `/proc/self/mounts`, see proc(5)): one mount per line,
 * `source target fstype options 0 0`, in mount order, with blanks, tabs, newlines and
 * backslashes inside a field written as octal escapes (`\040` ...), the same mangling as
 * fstab. Read only: `ovs` asks it what is mounted on `/OVS` and on each repository's mount
 * point, and what file system a path lives on.
 *
 * Paths are compared as written after collapsing repeated and trailing slashes; resolving
 * `..` and symbolic links is the caller's job (it needs the file system, this module is pure).
 */
import { FormatError } from './format-error.js';
import { decodeFstabField, splitFields, splitLines } from './fstab.js';
import { shown } from '../errors.js';

export interface MountEntry {
  /** 1-based line number. */
  line: number;
  /** Device, `host:/export`, or a pseudo name such as `tmpfs`; decoded. */
  source: string;
  /** Mount point, decoded. */
  target: string;
  fstype: string;
  /** The options field as the kernel wrote it, e.g. `rw,relatime`. */
  options: string;
}

export function parseProcMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  const { lines } = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const fields = splitFields(lines[i] ?? '');
    if (fields.length === 0) continue;
    // The kernel always writes six fields; four are enough to know what is mounted where.
    if (fields.length < 4 || fields.length > 6) {
      throw new FormatError(`expected "source target type options 0 0", found ${fields.length} fields`, i + 1);
    }
    const [source = '', target = '', fstype = '', options = ''] = fields;
    out.push({
      line: i + 1,
      source: decodeFstabField(source),
      target: decodeFstabField(target),
      fstype: decodeFstabField(fstype),
      options: decodeFstabField(options),
    });
  }
  return out;
}

/** The options of a mount as a list (`rw,relatime` -> [`rw`, `relatime`]). */
export function mountOptions(entry: MountEntry): string[] {
  return entry.options.split(',').filter((o) => o !== '');
}

/** Collapse `//` and drop a trailing `/`; the path must be absolute. */
export function normalizeMountPath(path: string): string {
  if (!path.startsWith('/')) throw new FormatError(`"${shown(path)}" is not an absolute path`);
  const p = path.replace(/\/{2,}/g, '/');
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** Every mount whose mount point is exactly PATH, in mount order: the last one is the visible one. */
export function mountsAt(mounts: readonly MountEntry[], path: string): MountEntry[] {
  const wanted = normalizeMountPath(path);
  return mounts.filter((m) => sameTarget(m, wanted));
}

/**
 * The mount that holds PATH: the last mount, in mount order, whose mount point is PATH or
 * one of its parents. A later mount on a parent hides earlier mounts below it, which is
 * why the last match wins and not the longest one.
 */
export function mountCovering(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  const wanted = normalizeMountPath(path);
  for (let i = mounts.length - 1; i >= 0; i--) {
    const m = mounts[i];
    if (m && covers(m, wanted)) return m;
  }
  return undefined;
}

function targetOf(m: MountEntry): string {
  return m.target.startsWith('/') ? normalizeMountPath(m.target) : m.target;
}

function sameTarget(m: MountEntry, wanted: string): boolean {
  return targetOf(m) === wanted;
}

function covers(m: MountEntry, wanted: string): boolean {
  const t = targetOf(m);
  return t === '/' || t === wanted || wanted.startsWith(t + '/');
}
