/**
 * /proc/partitions (proc(5)): a header `major minor  #blocks  name`, a blank line, then one
 * block device per line: major and minor device numbers, size in 1 KiB blocks, kernel name
 * (`sdb`, `sdb1`, `dm-0`, `cciss/c0d0`). Read only.
 *
 * `iscsi-prep` snapshots it before and after logging in to the targets; the difference is
 * the new disks it reports, exactly the guide's step 8 ("a new iSCSI device (e.g. sdb) is
 * listed"). The reader also takes the guide's copies, where the header's spacing and the
 * blank line vary.
 */
import { FormatError } from './format-error.js';
import { splitLines } from './fstab.js';
import { shown } from '../errors.js';

export interface Partition {
  /** 1-based line number. */
  line: number;
  major: number;
  minor: number;
  /** Size in 1 KiB blocks. */
  blocks: number;
  /** Kernel name, without `/dev/`. */
  name: string;
}

const HEADER = /^\s*major\s+minor\s+#blocks\s+name\s*$/;
const ROW = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s*$/;

export function parseProcPartitions(text: string): Partition[] {
  const out: Partition[] = [];
  const { lines } = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const row = lines[i] ?? '';
    if (row.trim() === '' || HEADER.test(row)) continue;
    const m = ROW.exec(row);
    if (!m) {
      throw new FormatError(`expected "major minor #blocks name", found "${shown(row.trim())}"`, i + 1);
    }
    out.push({ line: i + 1, major: Number(m[1]), minor: Number(m[2]), blocks: Number(m[3]), name: m[4] ?? '' });
  }
  return out;
}

/**
 * Devices in AFTER that were not in BEFORE, in AFTER's order. A device is the same when its
 * name and its device numbers are the same: a name that came back with other numbers is a
 * different device (the old one went away and a new one took the name).
 */
export function diffPartitions(before: readonly Partition[], after: readonly Partition[]): Partition[] {
  const seen = new Set(before.map(keyOf));
  return after.filter((p) => !seen.has(keyOf(p)));
}

function keyOf(p: Partition): string {
  return `${p.major}:${p.minor}:${p.name}`;
}
